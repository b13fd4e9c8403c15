// A network whose input width is zero must not compile.
// expect-error: fixnet::network<T, In, Layers...>: the input width In must be at least 1
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using net_t = fixnet::network<float, 1, fixnet::dense<2, fixnet::sigmoid>>;
#else
using net_t = fixnet::network<float, 0, fixnet::dense<2, fixnet::sigmoid>>;
#endif

int main() {
    net_t const net{};
    auto const out = net.forward({});
    return out[0] > 0.0f ? 0 : 1;
}
