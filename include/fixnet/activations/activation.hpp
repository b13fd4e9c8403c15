// The Activation concept: what a type must provide to be used as a layer's activation.
#pragma once

#include <array>
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

/// An activation usable with both float and double, applied to each neuron on its own.
template <class A>
concept Activation = ActivationFor<A, float> && ActivationFor<A, double>;

/// A layer-wide activation for element type T, whose every output depends on all the layer's
/// pre-activations (softmax): a stateless type with, for any width N,
///  - `A::apply(z, y)`: y = value(z) for the whole layer (std::array<T, N>), constexpr, noexcept;
///  - `A::backward(z, y, g, dz)`: dz = J^T g, the error at the pre-activations from the error g at
///    the outputs (J = dy/dz, given both z and y = value(z)); dz may be the same array as g.
template <class A, class T>
concept LayerActivationFor = std::floating_point<T> &&
    requires(const std::array<T, 3>& z, std::array<T, 3>& y, const std::array<T, 3>& g, std::array<T, 3>& dz) {
        { A::apply(z, y) } noexcept;
        { A::backward(z, y, g, dz) } noexcept;
    };

/// A layer-wide activation usable with both float and double (fixnet::softmax).
template <class A>
concept LayerActivation = LayerActivationFor<A, float> && LayerActivationFor<A, double>;

/// What fixnet::dense accepts as its activation: per neuron or layer-wide.
template <class A>
concept AnyActivation = Activation<A> || LayerActivation<A>;

}  // namespace fixnet
