// The identity activation, value(z) = z: a linear layer (regression outputs).
#pragma once

#include <concepts>

#include "fixnet/activations/activation.hpp"

namespace fixnet {

/// Identity: value(z) = z, derivative 1. A dense layer with it is affine, as PyTorch's nn.Linear
/// with no activation after it: the usual output layer of a regression network.
///
///     fixnet::network<double, 1, fixnet::dense<8, fixnet::tanh>, fixnet::dense<1, fixnet::identity>> net{};
struct identity {
    template <std::floating_point T>
    [[nodiscard]] static constexpr T value(T z) noexcept {
        return z;
    }
    template <std::floating_point T>
    [[nodiscard]] static constexpr T derivative(T /*z*/, T /*y*/) noexcept {
        return T(1);
    }
};

static_assert(Activation<identity>);

}  // namespace fixnet
