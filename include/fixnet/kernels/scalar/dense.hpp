// Reference (scalar, constexpr) kernels of the dense layer: the specification of every backend.
#pragma once

#include <array>
#include <cstddef>

#include "fixnet/detail/activate.hpp"
#include "fixnet/detail/static_for.hpp"
#include "fixnet/layers/dense.hpp"

namespace fixnet::kernels::scalar {

/// a = act(z), z[o] = b[o] + sum_i w(o, i) x[i], summed in input order i = 0, 1, ... (act per
/// neuron, or over the whole layer for a layer-wide activation such as softmax).
/// Stores z too when `z` is not null (backprop needs it for activations whose derivative uses z).
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_forward(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                             std::array<T, Out>& a, std::array<T, Out>* z = nullptr) noexcept {
    std::array<T, Out> s = l.biases;
    // Input-outer order keeps each weight row contiguous; the sum per neuron is still b + w0 x0 + w1 x1 ...
    detail::for_index<In>([&](std::size_t i) {
        detail::for_index<Out>([&](std::size_t o) { s[o] += l.weights[i * Out + o] * x[i]; });
    });
    if (z != nullptr) *z = s;
    detail::activate<A>(s, a);
}

/// back[i] = sum_o w(o, i) delta[o]: the error sent back to the layer's inputs (before the
/// previous layer's activation derivative is applied).
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_backward_input(const dense_layer<T, In, Out, A>& l, const std::array<T, Out>& delta,
                                    std::array<T, In>& back) noexcept {
    detail::for_index<In>([&](std::size_t i) {
        T s{};
        detail::for_index<Out>([&](std::size_t o) { s += l.weights[i * Out + o] * delta[o]; });
        back[i] = s;
    });
}

/// g.w(o, i) += x[i] delta[o] and g.b(o) += delta[o]: adds this sample's gradient.
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_accumulate_gradient(dense_layer<T, In, Out, A>& g, const std::array<T, In>& x,
                                         const std::array<T, Out>& delta) noexcept {
    detail::for_index<In>([&](std::size_t i) {
        detail::for_index<Out>([&](std::size_t o) { g.weights[i * Out + o] += x[i] * delta[o]; });
    });
    detail::for_index<Out>([&](std::size_t o) { g.biases[o] += delta[o]; });
}

/// The fused on-line SGD step of one layer: w(o, i) -= rate * (x[i] delta[o]), and the biases
/// likewise when `learn_biases`. Needs no gradient storage.
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_sgd_step(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                              const std::array<T, Out>& delta, T rate, bool learn_biases) noexcept {
    detail::for_index<In>([&](std::size_t i) {
        detail::for_index<Out>([&](std::size_t o) { l.weights[i * Out + o] -= rate * (x[i] * delta[o]); });
    });
    if (learn_biases) detail::for_index<Out>([&](std::size_t o) { l.biases[o] -= rate * delta[o]; });
}

/// A hidden layer's part of the fused on-line step: back = the error sent to the layer's inputs,
/// computed with the weights before the step (dense_backward_input), then dense_sgd_step.
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_backward_sgd_step(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                       const std::array<T, Out>& delta, T rate, bool learn_biases,
                                       std::array<T, In>& back) noexcept {
    dense_backward_input(l, delta, back);
    dense_sgd_step(l, x, delta, rate, learn_biases);
}

/// dense_sgd_step(l, step_x, step_delta, rate, learn_biases), then dense_forward(l, x, a, z): a step
/// left pending by fixnet::online_trainer, applied just before the layer's next forward pass.
template <class T, std::size_t In, std::size_t Out, class A>
constexpr void dense_step_forward(dense_layer<T, In, Out, A>& l, const std::array<T, In>& step_x,
                                  const std::array<T, Out>& step_delta, T rate, bool learn_biases,
                                  const std::array<T, In>& x, std::array<T, Out>& a,
                                  std::array<T, Out>* z = nullptr) noexcept {
    dense_sgd_step(l, step_x, step_delta, rate, learn_biases);
    dense_forward(l, x, a, z);
}

/// p[k] -= rate * g[k] over a whole parameter array (applies an accumulated gradient).
template <class T, std::size_t N>
constexpr void sgd_update(std::array<T, N>& p, const std::array<T, N>& g, T rate) noexcept {
    detail::for_index<N>([&](std::size_t k) { p[k] -= rate * g[k]; });
}

}  // namespace fixnet::kernels::scalar
