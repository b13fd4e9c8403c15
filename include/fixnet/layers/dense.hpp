// The dense (fully connected) layer: its spec `dense<Out, Activation>` and its bound storage.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>

#include "fixnet/activations/activation.hpp"

namespace fixnet {

/// Spec of a fully connected layer, as written in a network type:
/// `fixnet::network<float, 2, fixnet::dense<2, fixnet::sigmoid>>`.
/// \tparam Out        number of output neurons (>= 1)
/// \tparam Activation applied to every output neuron (fixnet::Activation) or to the whole layer
///                    at once (fixnet::LayerActivation: softmax)
/// The layer's input width is the previous layer's Out (or the network's input width).
template <std::size_t Out, class Act>
struct dense {
    static_assert(Out > 0, "fixnet::dense<Out, Activation>: the layer width Out must be at least 1");
    static_assert(AnyActivation<Act>,
                  "fixnet::dense<Out, Activation>: the second argument is not an activation: it needs "
                  "static constexpr noexcept value(z) and derivative(z, y) for float and double "
                  "(see fixnet::Activation), or apply(z, y) and backward(z, y, g, dz) for a layer-wide "
                  "one (see fixnet::LayerActivation)");
    static constexpr std::size_t output_size = Out;
    using activation_type = Act;
};

/// A layer spec: a dense<Out, Activation> (the only kind so far).
template <class S>
concept LayerSpec = requires {
    { S::output_size } -> std::convertible_to<std::size_t>;
    typename S::activation_type;
} && (S::output_size > 0) && AnyActivation<typename S::activation_type>;

/// The parameters of one dense layer once its input width is known.
///
/// Layout (the single layout every backend reads, documented because kernels and
/// serialisation depend on it): `weights` is input-major, weights[i * Out + o] is the weight
/// from input i into output neuron o, so that the weights leaving one input are contiguous and
/// a forward pass vectorises across neurons with no horizontal sums; `biases[o]` is neuron o's
/// bias. Value-initialisation zeroes both. Plain aggregate: no heap, trivially copyable,
/// usable in constant expressions and as a constexpr object in flash.
template <std::floating_point T, std::size_t In, std::size_t Out, class Act>
struct dense_layer {
    using value_type = T;
    using activation_type = Act;
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = Out;
    static constexpr std::size_t weight_count = In * Out;
    static constexpr std::size_t parameter_count = In * Out + Out;

    std::array<T, In * Out> weights{};
    std::array<T, Out> biases{};

    /// Weight from input i into output neuron o (no bounds check, like std::array::operator[]).
    [[nodiscard]] constexpr T& weight(std::size_t o, std::size_t i) noexcept { return weights[i * Out + o]; }
    [[nodiscard]] constexpr const T& weight(std::size_t o, std::size_t i) const noexcept { return weights[i * Out + o]; }
    /// Bias of output neuron o.
    [[nodiscard]] constexpr T& bias(std::size_t o) noexcept { return biases[o]; }
    [[nodiscard]] constexpr const T& bias(std::size_t o) const noexcept { return biases[o]; }

    friend constexpr bool operator==(const dense_layer&, const dense_layer&) = default;
};

}  // namespace fixnet
