// The derivative shared by relu and leaky_relu.
#pragma once

#include <concepts>

namespace fixnet::detail {

/// 1 for z > 0 and `below` for z <= 0 (0 for relu, the slope for leaky_relu), and z itself for a
/// NaN, which compares neither way: the derivative stays NaN, as the value does, rather than a
/// plausible number that would hide a diverged training run.
template <std::floating_point T>
[[nodiscard]] constexpr T rectifier_derivative(T z, T below) noexcept {
    if (z > T(0)) return T(1);
    if (z <= T(0)) return below;
    return z;  // NaN
}

}  // namespace fixnet::detail
