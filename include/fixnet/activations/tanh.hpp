// The hyperbolic tangent activation, value(z) = tanh z.
#pragma once

#include <cmath>
#include <concepts>
#include <type_traits>

#include "fixnet/activations/activation.hpp"
#include "fixnet/detail/math.hpp"

namespace fixnet {

/// Hyperbolic tangent: value(z) = tanh z, in (-1, 1) and exactly +-1 where tanh rounds to it;
/// derivative 1 - y^2, computed as (1 - y)(1 + y): for |y| >= 1/2, 1 - y is exact (Sterbenz), so
/// the derivative is within about 1.5 ulp of 1 - y^2 for the y given, while 1 - y * y (PyTorch's
/// formula) rounds y * y first and loses relative accuracy as |y| nears 1; the two differ by at
/// most about eps in absolute terms. Runtime code uses std::tanh; constant evaluation uses
/// fixnet's own (detail::tanh, built on its constexpr exp; std::tanh is not constexpr on clang),
/// measured within 1.8 eps * |tanh z| of the exact value in double and 0.5 in float (glibc's
/// std::tanh: 1.3 in both). A NaN stays NaN.
///
///     fixnet::network<float, 4, fixnet::dense<16, fixnet::tanh>, fixnet::dense<3, fixnet::sigmoid>> net{};
struct tanh {
    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        if (std::is_constant_evaluated()) return detail::tanh(z);
        return std::tanh(z);
    }
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T /*z*/, T y) noexcept {
        return (T(1) - y) * (T(1) + y);
    }
};

static_assert(Activation<tanh>);

}  // namespace fixnet
