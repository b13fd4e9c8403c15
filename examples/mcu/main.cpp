// A firmware-style fixnet program for a Cortex-M: the network sits in static storage, learns XOR on
// the device from a seeded start, then answers queries. No heap (malloc is not even linked: the
// test example_mcu_no_heap reads the symbol table), no exceptions, no RTTI, no iostream. The log
// goes out through picolibc's stdio over semihosting (a UART on real hardware), with integers only,
// so no floating-point printf is linked. Exit status 0 when XOR was learned.
#include <array>
#include <cstddef>
#include <cstdio>

#include <fixnet/fixnet.hpp>

namespace {

// 2 inputs, 4 hidden neurons, 1 output: 17 floats, 68 bytes of .bss, placed by the linker.
using net_t = fixnet::mlp<float, fixnet::sigmoid, 2, 4, 1>;
net_t g_net;

// The training set is constant data: it stays in flash.
constexpr std::array<net_t::input_type, 4> k_inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<net_t::output_type, 4> k_targets{{{0}, {1}, {1}, {0}}};
constexpr int k_epochs = 2000;

/// A value in [0, 1] as thousandths, for a log without floating-point printf.
int thousandths(float v) { return static_cast<int>(v * 1000.0f + 0.5f); }

float epoch_loss() {
    float e = 0;
    for (std::size_t k = 0; k < k_inputs.size(); ++k) e += fixnet::loss(g_net, k_inputs[k], k_targets[k]);
    return e;
}

}  // namespace

int main() {
    fixnet::initialize(g_net, 42);  // seeded: the same starting weights on every core
    std::printf("fixnet on %s: %u parameters, %u bytes, loss %d/1000 before training\n",
                fixnet::simd_arch_name(), unsigned(net_t::parameter_count), unsigned(sizeof g_net),
                thousandths(epoch_loss()));

    fixnet::sgd<float> const opt{.learning_rate = 1.0f};
    for (int epoch = 1; epoch <= k_epochs; ++epoch) {
        for (std::size_t k = 0; k < k_inputs.size(); ++k) fixnet::train_step(g_net, k_inputs[k], k_targets[k], opt);
        if (epoch % 500 == 0) std::printf("epoch %4d: loss %d/1000\n", epoch, thousandths(epoch_loss()));
    }

    bool learned = true;
    for (std::size_t k = 0; k < k_inputs.size(); ++k) {
        float const y = g_net.forward(k_inputs[k])[0];
        float const want = k_targets[k][0];
        learned = learned && (y > want ? y - want : want - y) < 0.1f;  // right, and clearly so
        std::printf("%d xor %d -> %d/1000\n", int(k_inputs[k][0]), int(k_inputs[k][1]), thousandths(y));
    }
    std::puts(learned ? "XOR learned" : "XOR not learned");
    return learned ? 0 : 1;
}
