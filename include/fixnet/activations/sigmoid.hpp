// The logistic sigmoid activation, 1 / (1 + e^-z), the article's activation.
#pragma once

#include <cmath>
#include <concepts>
#include <type_traits>

#include "fixnet/activations/activation.hpp"
#include "fixnet/detail/math.hpp"

namespace fixnet {

/// Logistic sigmoid: value(z) = 1 / (1 + e^-z), derivative = y (1 - y).
/// Finite for every finite input: at z = -1000, e^1000 overflows to +inf and 1 / inf = 0;
/// at z = +1000 it is exactly 1. Runtime code uses std::exp; constant evaluation uses
/// fixnet's own constexpr exp (std::exp is not constexpr on clang).
struct sigmoid {
    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        if (std::is_constant_evaluated()) return T(1) / (T(1) + detail::exp(-z));
        return T(1) / (T(1) + std::exp(-z));
    }
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T /*z*/, T y) noexcept {
        return y * (T(1) - y);
    }
};

static_assert(Activation<sigmoid>);

}  // namespace fixnet
