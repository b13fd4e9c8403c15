// fixnet in a few lines: define a network type, initialise it, train it on XOR, use it.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>

#include <fixnet/fixnet.hpp>

// 2 inputs, 4 hidden neurons, 1 output, sigmoid everywhere. The shape is part of the type, so
// a layer that does not fit its neighbour is a compile error, and the network lives on the stack.
using net_t = fixnet::mlp<float, fixnet::sigmoid, 2, 4, 1>;

int main() {
    constexpr std::array<net_t::input_type, 4> inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    constexpr std::array<net_t::output_type, 4> targets{{{0}, {1}, {1}, {0}}};

    net_t net{};
    fixnet::initialize(net, 42);  // seeded: the same starting weights on every platform
    fixnet::sgd<float> const opt{.learning_rate = 1.0f};

    for (int epoch = 0; epoch < 2000; ++epoch)  // on-line SGD: one step per sample
        for (std::size_t k = 0; k < inputs.size(); ++k) fixnet::train_step(net, inputs[k], targets[k], opt);

    bool learned = true;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        float const y = net.forward(inputs[k])[0];
        learned = learned && std::fabs(y - targets[k][0]) < 0.1f;  // right, and clearly so
        std::printf("%g xor %g -> %.3f\n", double(inputs[k][0]), double(inputs[k][1]), double(y));
    }
    std::puts(learned ? "XOR learned" : "XOR not learned");
    return learned ? 0 : 1;
}
