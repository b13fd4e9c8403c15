// A layer whose activation is not one (here int) must not compile.
// expect-error: fixnet::dense<Out, Activation>: the second argument is not an activation
#include <fixnet/fixnet.hpp>

#ifdef FIXNET_COMPILE_FAIL_OK
using act_t = fixnet::sigmoid;
#else
using act_t = int;
#endif

int main() {
    fixnet::network<float, 2, fixnet::dense<2, act_t>> const net{};
    auto const out = net.forward({0.5f, 0.5f});
    return out[0] > 0.0f ? 0 : 1;
}
