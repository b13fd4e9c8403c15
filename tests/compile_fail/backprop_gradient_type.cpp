// backprop() into a gradient of the same shape but another element type must not compile.
// expect-error: fixnet::backprop: the gradient's shape or type does not match the network
#include <fixnet/fixnet.hpp>

#include <array>

using net_d = fixnet::mlp<double, fixnet::sigmoid, 2, 2, 2>;
using net_f = fixnet::mlp<float, fixnet::sigmoid, 2, 2, 2>;

int main() {
    net_d const net{};
#ifdef FIXNET_COMPILE_FAIL_OK
    net_d::gradient_type g{};
#else
    net_f::gradient_type g{};
#endif
    std::array<double, 2> const x{0.05, 0.10};
    std::array<double, 2> const t{0.01, 0.99};
    double const e = fixnet::backprop(net, x, t, g);
    return e > 0.0 ? 0 : 1;
}
