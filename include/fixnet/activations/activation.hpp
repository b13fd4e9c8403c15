// The Activation concept: what a type must provide to be used as a layer's activation.
#pragma once

#include <concepts>

namespace fixnet {

/// An activation for element type T: a stateless type with
///  - `A::value(z)`: the activation of a pre-activation z, constexpr and noexcept;
///  - `A::derivative(z, y)`: d value / d z, given both z and y = value(z), so that each
///    activation can use whichever is cheaper (sigmoid uses y * (1 - y)).
/// A SIMD version is optional: `kernels/simd/activations.hpp` specialises `batch_activation<A>`
/// for a vectorised value; activations without one are applied lane by lane.
template <class A, class T>
concept ActivationFor = std::floating_point<T> && requires(T z, T y) {
    { A::value(z) } noexcept -> std::same_as<T>;
    { A::derivative(z, y) } noexcept -> std::same_as<T>;
};

/// An activation usable with both float and double (required by fixnet::dense).
template <class A>
concept Activation = ActivationFor<A, float> && ActivationFor<A, double>;

}  // namespace fixnet
