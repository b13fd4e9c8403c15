// A would-be activation with value() but no derivative() must not compile.
// expect-error: fixnet::dense<Out, Activation>: the second argument is not an activation
#include <fixnet/fixnet.hpp>

struct half {
    template <class T>
    static constexpr T value(T z) noexcept { return z / 2; }
#ifdef FIXNET_COMPILE_FAIL_OK
    template <class T>
    static constexpr T derivative(T, T) noexcept { return T(0.5); }
#endif
};

int main() {
    fixnet::network<float, 2, fixnet::dense<2, half>> const net{};
    auto const out = net.forward({0.5f, 0.5f});
    return out[0] >= 0.0f ? 0 : 1;
}
