// backprop() into the gradient of a network of another shape must not compile.
// expect-error: fixnet::backprop: the gradient's shape or type does not match the network
#include <fixnet/fixnet.hpp>

#include <array>

using net_a = fixnet::network<float, 2, fixnet::dense<3, fixnet::sigmoid>, fixnet::dense<1, fixnet::sigmoid>>;
using net_b = fixnet::network<float, 2, fixnet::dense<4, fixnet::sigmoid>, fixnet::dense<1, fixnet::sigmoid>>;

int main() {
    net_a const a{};
#ifdef FIXNET_COMPILE_FAIL_OK
    net_a::gradient_type g{};
#else
    net_b::gradient_type g{};
#endif
    std::array<float, 2> const x{0.05f, 0.10f};
    std::array<float, 1> const t{0.01f};
    float const e = fixnet::backprop(a, x, t, g);
    return e > 0.0f ? 0 : 1;
}
