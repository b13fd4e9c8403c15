// The activations of one forward pass, kept on the caller's stack for backpropagation.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "fixnet/detail/activate.hpp"
#include "fixnet/detail/static_for.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/loss.hpp"

namespace fixnet::detail {

/// One std::array<T, W> per index, left uninitialised (std::tuple would zero them all on every
/// train_step: a memset of every activation, 3.7 KB for 784-128-10). get<I>(arrays) is element I.
template <std::size_t I, class T, std::size_t W>
struct array_slot {
    std::array<T, W> value;
};
template <class T, class Seq, std::size_t... W>
struct arrays_of;
template <class T, std::size_t... I, std::size_t... W>
struct arrays_of<T, std::index_sequence<I...>, W...> : array_slot<I, T, W>... {};
template <class T, std::size_t... W>
using arrays = arrays_of<T, std::make_index_sequence<sizeof...(W)>, W...>;

template <std::size_t I, class T, std::size_t W>
constexpr std::array<T, W>& get(array_slot<I, T, W>& s) noexcept {
    return s.value;
}
template <std::size_t I, class T, std::size_t W>
constexpr const std::array<T, W>& get(const array_slot<I, T, W>& s) noexcept {
    return s.value;
}

template <class Net, class Seq = std::make_index_sequence<Net::layer_count>>
struct trace;

/// a<0> is the input and a<L + 1> the output of layer L; z<L> holds layer L's pre-activations,
/// and is overwritten in place by layer L's delta (dE/dz) as the backward pass reaches it.
template <class Net, std::size_t... L>
struct trace<Net, std::index_sequence<L...>> {
    using T = typename Net::value_type;
    using B = typename Net::backend_type;
    static constexpr std::size_t last = Net::layer_count - 1;

    // Written before they are read: a<0> by run_forward, the rest layer by layer.
    arrays<T, Net::input_size, Net::template layer_type<L>::output_size...> a;
    arrays<T, Net::template layer_type<L>::output_size...> z;

    constexpr void run_forward(const Net& net, const typename Net::input_type& x) noexcept {
        get<0>(a) = x;
        run_forward_from<0>(net);
    }

    /// run_forward after layer 0's SGD step left pending in this trace by the step before (its
    /// input in a<0>, its delta in z<0>), applied where the kernel allows in the same pass over
    /// layer 0's weights as the forward. The kernel has read a<0> and z<0> before it writes z<0>,
    /// and a<0> takes x after it.
    constexpr void run_forward_after_step(Net& net, const typename Net::input_type& x, T rate, bool learn_biases) noexcept {
        dense_step_forward<B>(net.template layer<0>(), get<0>(a), get<0>(z), rate, learn_biases, x, get<1>(a), &get<0>(z));
        get<0>(a) = x;
        run_forward_from<1>(net);
    }

    /// Returns the loss of the output and turns z<last> into the output layer's delta: the loss's
    /// fused delta where it has one for the output activation (cross_entropy after softmax: y - t),
    /// else its gradient at the outputs taken back through the activation. `scale` multiplies the
    /// delta (a mini-batch's 1 / n), not the returned loss.
    template <class Loss>
    constexpr T output_delta(const typename Net::output_type& target, T scale = T(1)) noexcept {
        using A = typename Net::template layer_type<last>::activation_type;
        auto const& out = get<last + 1>(a);
        auto& d = get<last>(z);
        if constexpr (fused_loss<Loss, A>) {
            Loss::template fused_delta<A>(out, target, d);
        } else {
            std::array<T, Net::output_size> g;
            for (std::size_t o = 0; o < Net::output_size; ++o) g[o] = Loss::gradient(out, target, o);
            activation_backward_on<B, A>(d, out, g, d);
        }
        if (scale != T(1))
            for (auto& v : d) v *= scale;
        return Loss::value(out, target);
    }

    /// Turns z<Lc - 1> into layer (Lc - 1)'s delta from layer Lc's delta and weights:
    /// delta_prev[i] = (sum_o w(o, i) delta[o]) * act'(z_prev[i], a_prev[i]).
    template <std::size_t Lc, class Layer>
    constexpr void propagate(const Layer& layer) noexcept {
        std::array<T, Layer::input_size> back;
        dense_backward_input<B>(layer, get<Lc>(z), back);
        to_delta<Lc - 1>(back);
    }

    /// propagate<Lc> and then layer Lc's on-line SGD step, fused into one pass over its weights
    /// (the error goes back through the weights as they were before the step).
    template <std::size_t Lc, class Layer>
    constexpr void propagate_and_step(Layer& layer, T rate, bool learn_biases) noexcept {
        std::array<T, Layer::input_size> back;
        dense_backward_sgd_step<B>(layer, get<Lc>(a), get<Lc>(z), rate, learn_biases, back);
        to_delta<Lc - 1>(back);
    }

private:
    /// The forward pass through layers First and up, from a<First>.
    template <std::size_t First>
    constexpr void run_forward_from(const Net& net) noexcept {
        static_for<Net::layer_count>([&](auto l) {
            if constexpr (l >= First) dense_forward<B>(net.template layer<l>(), get<l>(a), get<l + 1>(a), &get<l>(z));
        });
    }

    /// z<K>[i] = back[i] * act'(z<K>[i], a<K + 1>[i]): layer K's delta.
    template <std::size_t K, std::size_t N>
    constexpr void to_delta(const std::array<T, N>& back) noexcept {
        using A = typename Net::template layer_type<K>::activation_type;
        activation_backward_on<B, A>(get<K>(z), get<K + 1>(a), back, get<K>(z));
    }
};

}  // namespace fixnet::detail
