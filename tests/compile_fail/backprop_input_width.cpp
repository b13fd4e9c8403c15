// backprop() with an input of the wrong width must not compile.
// expect-error: fixnet::backprop: the input's width does not match the network's input_size
#include <fixnet/fixnet.hpp>

#include <array>
#include <cstddef>

using net_t = fixnet::network<float, 2, fixnet::dense<3, fixnet::sigmoid>, fixnet::dense<1, fixnet::sigmoid>>;

#ifdef FIXNET_COMPILE_FAIL_OK
constexpr std::size_t in = 2, out = 1;
#else
constexpr std::size_t in = 1, out = 1;
#endif

int main() {
    net_t const net{};
    net_t::gradient_type g{};
    std::array<float, in> const x{0.05f};
    std::array<float, out> const t{0.01f};
    float const e = fixnet::backprop(net, x, t, g);
    return e > 0.0f ? 0 : 1;
}
