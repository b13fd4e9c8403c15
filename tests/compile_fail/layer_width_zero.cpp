// A layer whose width is zero must not compile.
// expect-error: fixnet::dense<Out, Activation>: the layer width Out must be at least 1
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using hidden_t = fixnet::dense<3, fixnet::sigmoid>;
#else
using hidden_t = fixnet::dense<0, fixnet::sigmoid>;
#endif

int main() {
    fixnet::network<float, 2, hidden_t, fixnet::dense<1, fixnet::sigmoid>> const net{};
    auto const out = net.forward({0.5f, 0.5f});
    return out[0] > 0.0f ? 0 : 1;
}
