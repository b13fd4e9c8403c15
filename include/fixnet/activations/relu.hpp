// The rectified linear unit, value(z) = max(0, z).
#pragma once

#include <concepts>

#include "fixnet/activations/activation.hpp"
#include "fixnet/activations/rectifier.hpp"

namespace fixnet {

/// ReLU: value(z) = z for z >= 0, else 0; derivative 1 for z > 0 and 0 for z <= 0 (PyTorch's
/// choice at z = 0, so gradients match it exactly). Both are exact: no rounding anywhere.
/// A NaN stays NaN, in the value and in the derivative, rather than becoming a plausible 0 that
/// would hide a diverged training run (std::max(0, z) would return 0 for NaN).
///
///     fixnet::network<float, 4, fixnet::dense<16, fixnet::relu>, fixnet::dense<3, fixnet::sigmoid>> net{};
struct relu {
    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        return z < T(0) ? T(0) : z;
    }
    /// From z: y cannot tell z = 0 from z < 0.
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T z, T /*y*/) noexcept {
        return detail::rectifier_derivative(z, T(0));
    }
};

static_assert(Activation<relu>);

}  // namespace fixnet
