// Error, backpropagation and training steps of a network.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "fixnet/detail/static_for.hpp"
#include "fixnet/detail/trace.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/loss.hpp"
#include "fixnet/network.hpp"
#include "fixnet/optimizers.hpp"

namespace fixnet {

/// The error of the network's output for input x against target:
/// E_total = sum over outputs of 1/2 (target - out)^2 for the default loss.
template <Loss L = half_squared_error, Network Net>
[[nodiscard]] constexpr typename Net::value_type loss(const Net& net, const typename Net::input_type& x,
                                                      const typename Net::output_type& target) noexcept {
    return L::value(net.forward(x), target);
}

/// Adds dE/dparam for one sample into g (so a mini-batch is several calls on one g) and
/// returns E before any update. g must be Net::gradient_type; start from `g{}` to get the
/// gradient of one sample alone. The activations of the forward pass live on this call's stack.
template <Loss L = half_squared_error, Network Net, class G>
constexpr typename Net::value_type backprop(const Net& net, const typename Net::input_type& x,
                                            const typename Net::output_type& target, G& g) noexcept {
    static_assert(std::is_same_v<G, typename Net::gradient_type>,
                  "fixnet::backprop: the gradient's shape or type does not match the network (use Net::gradient_type)");
    if constexpr (!std::is_same_v<G, typename Net::gradient_type>) {
        return {};  // only the static_assert above is reported, not errors from the body
    } else {
        using B = typename Net::backend_type;
        detail::trace<Net> tr;
        tr.run_forward(net, x);
        auto const e = tr.template output_delta<L>(target);
        detail::static_for_reverse<Net::layer_count>([&](auto l) {
            detail::dense_accumulate_gradient<B>(g.template layer<l>(), detail::get<l>(tr.a), detail::get<l>(tr.z));
            if constexpr (l > 0) tr.template propagate<l>(net.template layer<l>());
        });
        return e;
    }
}

/// One on-line SGD step on one sample (the article's step): forward, backprop and update,
/// fused so that no gradient is stored: each layer's delta is sent back through its weights
/// before they change. Returns E before the update.
template <Loss L = half_squared_error, Network Net, std::floating_point U>
constexpr typename Net::value_type train_step(Net& net, const typename Net::input_type& x,
                                              const typename Net::output_type& target, const sgd<U>& opt) noexcept {
    using T = typename Net::value_type;
    using B = typename Net::backend_type;
    detail::trace<Net> tr;
    tr.run_forward(net, x);
    auto const e = tr.template output_delta<L>(target);
    auto const rate = static_cast<T>(opt.learning_rate);
    detail::static_for_reverse<Net::layer_count>([&](auto l) {
        if constexpr (l > 0) {
            tr.template propagate_and_step<l>(net.template layer<l>(), rate, opt.learn_biases);
        } else {
            detail::dense_sgd_step<B>(net.template layer<l>(), detail::get<l>(tr.a), detail::get<l>(tr.z), rate, opt.learn_biases);
        }
    });
    return e;
}

/// Applies an accumulated gradient once: param -= learning_rate * g (biases only when
/// opt.learn_biases). With backprop over several samples, this is mini-batch SGD.
template <Network Net, std::floating_point U>
constexpr void apply_gradient(Net& net, const typename Net::gradient_type& g, const sgd<U>& opt) noexcept {
    using T = typename Net::value_type;
    using B = typename Net::backend_type;
    auto const rate = static_cast<T>(opt.learning_rate);
    detail::static_for<Net::layer_count>([&](auto l) {
        detail::sgd_update<B>(net.template layer<l>().weights, g.template layer<l>().weights, rate);
        if (opt.learn_biases) detail::sgd_update<B>(net.template layer<l>().biases, g.template layer<l>().biases, rate);
    });
}

// Overloads that turn a wrong input or target width into one error that names it.
template <Loss L = half_squared_error, Network Net, class U, std::size_t N, std::size_t M>
    requires(N != std::remove_cvref_t<Net>::input_size || M != std::remove_cvref_t<Net>::output_size)
constexpr auto loss(const Net&, const std::array<U, N>&, const std::array<U, M>&) noexcept {
    static_assert(N == Net::input_size, "fixnet::loss: the input's width does not match the network's input_size");
    static_assert(M == Net::output_size, "fixnet::loss: the target's width does not match the network's output_size");
    return typename Net::value_type{};  // keeps `T e = loss(...)` from adding a second error
}
template <Loss L = half_squared_error, Network Net, class U, std::size_t N, std::size_t M, class G>
    requires(N != std::remove_cvref_t<Net>::input_size || M != std::remove_cvref_t<Net>::output_size)
constexpr auto backprop(const Net&, const std::array<U, N>&, const std::array<U, M>&, G&) noexcept {
    static_assert(N == Net::input_size, "fixnet::backprop: the input's width does not match the network's input_size");
    static_assert(M == Net::output_size, "fixnet::backprop: the target's width does not match the network's output_size");
    return typename Net::value_type{};
}
template <Loss L = half_squared_error, Network Net, class U, std::size_t N, std::size_t M, class O>
    requires(N != std::remove_cvref_t<Net>::input_size || M != std::remove_cvref_t<Net>::output_size)
constexpr auto train_step(Net&, const std::array<U, N>&, const std::array<U, M>&, const O&) noexcept {
    static_assert(N == Net::input_size, "fixnet::train_step: the input's width does not match the network's input_size");
    static_assert(M == Net::output_size, "fixnet::train_step: the target's width does not match the network's output_size");
    return typename Net::value_type{};
}

}  // namespace fixnet
