// A network without any layer must not compile.
// expect-error: fixnet::network<T, In, Layers...>: a network needs at least one layer
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using net_t = fixnet::network<float, 2, fixnet::dense<2, fixnet::sigmoid>>;
#else
using net_t = fixnet::network<float, 2>;
#endif

int main() {
    net_t const net{};
    auto const out = net.forward({0.5f, 0.5f});
    return out[0] > 0.0f ? 0 : 1;
}
