// The softplus activation, value(z) = log(1 + e^z), a smooth relu.
#pragma once

#include <cmath>
#include <concepts>
#include <type_traits>

#include "fixnet/activations/activation.hpp"
#include "fixnet/detail/math.hpp"

namespace fixnet {

/// Softplus: value(z) = log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|) so that it neither
/// overflows for large z (it is z there) nor loses the small result for very negative z (e^z);
/// derivative 1 / (1 + e^-z), the sigmoid of z. PyTorch's Softplus returns z itself above its
/// threshold 20, where this adds log1p(e^-z) < 2.1e-9 (nothing in float; below 1e-10 relative in
/// double). Runtime code uses std::exp and std::log1p; constant evaluation fixnet's own. A NaN
/// stays NaN.
///
///     fixnet::network<float, 3, fixnet::dense<8, fixnet::softplus>, fixnet::dense<1, fixnet::identity>> net{};
struct softplus {
    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        T const pos = z > T(0) ? z : T(0);
        T const neg_abs = z > T(0) ? -z : z;  // -|z|, and NaN for NaN
        if (std::is_constant_evaluated()) return pos + detail::log1p(detail::exp(neg_abs));
        return pos + std::log1p(std::exp(neg_abs));
    }
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T z, T /*y*/) noexcept {
        if (std::is_constant_evaluated()) return T(1) / (T(1) + detail::exp(-z));
        return T(1) / (T(1) + std::exp(-z));
    }
};

static_assert(Activation<softplus>);

}  // namespace fixnet
