// A layer that is not a layer spec (here int in place of dense<...>) must not compile.
// expect-error: fixnet::network<T, In, Layers...>: every layer must be a layer spec
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using layer_t = fixnet::dense<1, fixnet::sigmoid>;
#else
using layer_t = int;
#endif

int main() {
    fixnet::network<float, 2, fixnet::dense<2, fixnet::sigmoid>, layer_t> const net{};
    auto const out = net.forward({0.5f, 0.5f});
    return out[0] > 0.0f ? 0 : 1;
}
