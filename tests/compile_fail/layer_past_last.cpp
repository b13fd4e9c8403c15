// layer<L>() with L past the last layer must not compile.
// expect-error: fixnet: layer<L>(): L is past the last layer
#include <fixnet/fixnet.hpp>

#include <cstddef>

#ifdef FIXNET_COMPILE_FAIL_OK
constexpr std::size_t l = 1;
#else
constexpr std::size_t l = 5;
#endif

int main() {
    fixnet::network<float, 2, fixnet::dense<3, fixnet::sigmoid>, fixnet::dense<1, fixnet::sigmoid>> net{};
    net.layer<l>().bias(0) = 0.5f;
    return net.layer<l>().bias(0) > 0.0f ? 0 : 1;
}
