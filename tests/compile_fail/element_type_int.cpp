// A network of a non-floating-point element type must not compile.
// expect-error: fixnet::network<T, In, Layers...>: T must be float or double
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using value_t = float;
#else
using value_t = int;
#endif

int main() {
    fixnet::network<value_t, 2, fixnet::dense<2, fixnet::sigmoid>> const net{};
    auto const out = net.forward({1, 2});
    return out[0] > 0 ? 0 : 1;
}
