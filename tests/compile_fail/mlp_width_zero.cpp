// The shorthand mlp with a zero width must not compile either.
// expect-error: fixnet::dense<Out, Activation>: the layer width Out must be at least 1
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using net_t = fixnet::mlp<double, fixnet::sigmoid, 2, 4, 1>;
#else
using net_t = fixnet::mlp<double, fixnet::sigmoid, 2, 0, 1>;
#endif

int main() {
    net_t const net{};
    auto const out = net.forward({0.5, 0.5});
    return out[0] > 0.0 ? 0 : 1;
}
