// The leaky rectified linear unit, value(z) = z for z >= 0, slope * z below.
#pragma once

#include <concepts>
#include <cstdint>
#include <ratio>

#include "fixnet/activations/activation.hpp"
#include "fixnet/activations/rectifier.hpp"

namespace fixnet {

namespace detail {
template <class R>
inline constexpr bool is_ratio = false;
template <std::intmax_t Num, std::intmax_t Den>
inline constexpr bool is_ratio<std::ratio<Num, Den>> = true;
}  // namespace detail

/// Leaky ReLU: value(z) = z for z >= 0 and slope * z for z < 0; derivative 1 for z > 0 and slope
/// for z <= 0, as PyTorch's `negative_slope` (its backward takes the slope at z = 0 too).
/// A NaN stays NaN, in the value and in the derivative.
///
/// \tparam Slope  the slope below zero as a std::ratio (default 1/100, PyTorch's 0.01). A ratio
///                rather than a floating-point template argument, which clang 14 does not accept;
///                the slope is Num / Den rounded once to T, i.e. the T nearest to the ratio.
///
///     fixnet::dense<16, fixnet::leaky_relu<>>                   // slope 0.01
///     fixnet::dense<16, fixnet::leaky_relu<std::ratio<1, 5>>>   // slope 0.2
template <class Slope = std::ratio<1, 100>>
struct leaky_relu {
    static_assert(detail::is_ratio<Slope>,
                  "fixnet::leaky_relu<Slope>: Slope must be a std::ratio, e.g. leaky_relu<std::ratio<1, 5>> for 0.2");
    using slope_ratio = Slope;

    /// The slope in T: one correctly rounded division of two exactly representable integers.
    template <std::floating_point T>
    static constexpr T slope = T(Slope::num) / T(Slope::den);

    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        return z < T(0) ? slope<T> * z : z;
    }
    /// From z: y loses the sign of z when the slope is 0 or negative.
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T z, T /*y*/) noexcept {
        return detail::rectifier_derivative(z, slope<T>);
    }
};

static_assert(Activation<leaky_relu<>>);

}  // namespace fixnet
