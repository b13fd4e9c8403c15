// train_step() with a target of the wrong width must not compile.
// expect-error: fixnet::train_step: the target's width does not match the network's output_size
#include <fixnet/fixnet.hpp>

#include <array>
#include <cstddef>

using net_t = fixnet::network<float, 2, fixnet::dense<3, fixnet::sigmoid>, fixnet::dense<1, fixnet::sigmoid>>;

#ifdef FIXNET_COMPILE_FAIL_OK
constexpr std::size_t in = 2, out = 1;
#else
constexpr std::size_t in = 2, out = 2;
#endif

int main() {
    net_t net{};
    std::array<float, in> const x{0.05f, 0.10f};
    std::array<float, out> const t{0.01f};
    float const e = fixnet::train_step(net, x, t, fixnet::sgd<float>{.learning_rate = 0.5f});
    return e > 0.0f ? 0 : 1;
}
