// Error, backpropagation and training steps of a network.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>

#include "fixnet/detail/permutation.hpp"
#include "fixnet/finite_check.hpp"
#include "fixnet/detail/static_for.hpp"
#include "fixnet/detail/trace.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/loss.hpp"
#include "fixnet/network.hpp"
#include "fixnet/optimizers.hpp"
#include "fixnet/random.hpp"
#include "fixnet/status.hpp"

namespace fixnet {

/// The error of the network's output for input x against target:
/// E_total = sum over outputs of 1/2 (target - out)^2 for the default loss.
template <Loss L = half_squared_error, Network Net>
[[nodiscard]] constexpr typename Net::value_type loss(const Net& net, const typename Net::input_type& x,
                                                      const typename Net::output_type& target) noexcept {
    return L::value(net.forward(x), target);
}

namespace detail {
/// Adds scale * dE/dparam of one sample into g and returns E: backprop's body, and one sample of a
/// mini-batch's mean gradient (scale 1 / n).
template <class L, class Net, class G>
constexpr typename Net::value_type accumulate_gradient(const Net& net, const typename Net::input_type& x,
                                                       const typename Net::output_type& target, G& g,
                                                       typename Net::value_type scale) noexcept {
    using B = typename Net::backend_type;
    trace<Net> tr;
    tr.run_forward(net, x);
    auto const e = tr.template output_delta<L>(target, scale);
    static_for_reverse<Net::layer_count>([&](auto l) {
        dense_accumulate_gradient<B>(g.template layer<l>(), get<l>(tr.a), get<l>(tr.z));
        if constexpr (l > 0) tr.template propagate<l>(net.template layer<l>());
    });
    return e;
}

/// The fused on-line SGD step after the forward pass held in tr: returns the loss of its output (and
/// steps nothing when Check refuses a loss that is not finite), then steps each layer from the
/// output back, its error sent on through its weights as they were before its step. Layer 0, which
/// sends no error on, is stepped by `step_input_layer(rate)`: train_step applies its step there,
/// online_trainer leaves it pending (its input and delta stay in tr's a<0> and z<0>).
/// Trace is trace<Net>, taken as its own parameter: clang++ 14 does not deduce Net through
/// trace<Net>'s defaulted index sequence.
template <class L, class Check, class Net, class Trace, class U, class StepInputLayer>
FIXNET_ALWAYS_INLINE constexpr typename Net::value_type backward_steps(Net& net, Trace& tr, const typename Net::output_type& target,
                                                                       const sgd<U>& opt, StepInputLayer&& step_input_layer) noexcept {
    static_assert(std::is_same_v<Trace, trace<Net>>);
    using T = typename Net::value_type;
    auto const e = tr.template output_delta<L>(target);
    if constexpr (Check::enabled) {
        if (!finite(e)) return e;
    }
    auto const rate = static_cast<T>(opt.learning_rate);
    static_for_reverse<Net::layer_count>([&](auto l) {
        if constexpr (l > 0) {
            tr.template propagate_and_step<l>(net.template layer<l>(), rate, opt.learn_biases);
        } else {
            step_input_layer(rate);
        }
    });
    return e;
}
}  // namespace detail

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
        return detail::accumulate_gradient<L>(net, x, target, g, typename Net::value_type(1));
    }
}

/// One on-line SGD step on one sample (the article's step): forward, backprop and update,
/// fused so that no gradient is stored: each layer's delta is sent back through its weights
/// before they change. Returns E before the update. Having no state, it takes the plain step
/// p -= learning_rate dE/dp and ignores opt's momentum, nesterov and weight_decay: pass an
/// optimizer_state (the overload below) for those.
/// Non-finite values (Check = checked, the default): an input or target holding a NaN or an
/// infinity is refused before anything is computed (returns NaN), and so is a sample whose loss
/// is NaN or infinite (returns it); the parameters are then exactly as before. Being fused, this
/// step cannot see a gradient that overflows inside the backward pass with finite data and loss
/// (it would need weights near the float limit); the trainers with a state check every gradient.
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net, std::floating_point U>
constexpr typename Net::value_type train_step(Net& net, const typename Net::input_type& x,
                                              const typename Net::output_type& target, const sgd<U>& opt) noexcept {
    using T = typename Net::value_type;
    using B = typename Net::backend_type;
    if constexpr (Check::enabled) {
        if (!detail::all_finite(x) || !detail::all_finite(target)) return std::numeric_limits<T>::quiet_NaN();
    }
    detail::trace<Net> tr;
    tr.run_forward(net, x);
    return detail::backward_steps<L, Check>(net, tr, target, opt, [&](T rate) {
        detail::dense_sgd_step<B>(net.template layer<0>(), detail::get<0>(tr.a), detail::get<0>(tr.z), rate, opt.learn_biases);
    });
}

/// Applies an accumulated gradient once: param -= learning_rate * g (biases only when
/// opt.learn_biases). With backprop over several samples, this is mini-batch SGD. Like the
/// stateless train_step, it ignores momentum, nesterov and weight_decay (they need a state).
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

/// Applies gradient g with any optimizer, whose state (momentum, Adam's averages, Rprop's step
/// sizes) persists in `state` between calls.
template <Network Net, class Opt>
    requires Optimizer<Opt, Net>
constexpr void apply_gradient(Net& net, const typename Net::gradient_type& g, const Opt& opt,
                              optimizer_state<Net, Opt>& state) noexcept {
    opt.update(net, g, state);
}

/// The outcome of a training call on caller-supplied spans: `code` is status::ok or says why
/// nothing was trained; `loss` is the mean loss of the samples before the update.
template <std::floating_point T>
struct train_result {
    status code = status::ok;
    T loss{};
};

namespace detail {
/// state.gradient = the mean gradient of the samples at(0 .. n-1); returns their mean loss.
template <class L, class Check, class Net, class G, class At>
constexpr train_result<typename Net::value_type> mean_gradient(const Net& net, std::size_t n, At&& at, G& g) noexcept {
    using T = typename Net::value_type;
    for_each_parameter_array(g, [](auto& p, bool) {
        for (auto& v : p) v = T(0);
    });
    T const scale = T(1) / static_cast<T>(n);
    T total{};
    bool finite_samples = true;
    for (std::size_t k = 0; k < n; ++k) {
        auto const& [x, t] = at(k);
        if constexpr (Check::enabled) finite_samples = finite_samples && all_finite(x) && all_finite(t);
        total += accumulate_gradient<L>(net, x, t, g, scale);
    }
    T const e = total * scale;
    if constexpr (Check::enabled) {
        bool finite_gradient = finite_samples && finite(e);
        if (finite_gradient) {
            for_each_parameter_array(g, [&](const auto& p, bool) {
                finite_gradient = finite_gradient && all_finite(p);
            });
        }
        if (!finite_gradient) return {status::non_finite_value, e};
    }
    return {status::ok, e};
}
}  // namespace detail

/// One mini-batch step: the mean gradient of the loss over the samples (inputs[k], targets[k]),
/// accumulated in state.gradient, applied once by the optimizer. Returns the samples' mean loss
/// before the step; `status::size_mismatch` when the spans differ in length and `status::empty_batch`
/// when they are empty, and then the network and the state are unchanged. With Check = checked
/// (the default), `status::non_finite_value` when a sample's input or target holds a NaN or an
/// infinity or the mean loss or gradient is not finite: the network and the optimizer's buffers
/// are unchanged (state.gradient holds the refused gradient, which helps find the bad sample). Mean, not sum: the same
/// learning rate suits any batch size, and a batch equals PyTorch's loss with reduction "mean".
///
///     fixnet::adam<float> opt{.learning_rate = 0.01f};
///     fixnet::optimizer_state<net_t, fixnet::adam<float>> st{};
///     auto r = fixnet::train_batch<fixnet::mean_squared_error>(net, inputs, targets, opt, st);
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net, class Opt>
    requires Optimizer<Opt, Net>
constexpr train_result<typename Net::value_type> train_batch(Net& net, std::span<const typename Net::input_type> inputs,
                                                             std::span<const typename Net::output_type> targets,
                                                             const Opt& opt, optimizer_state<Net, Opt>& state) noexcept {
    if (inputs.size() != targets.size()) return {status::size_mismatch, {}};
    if (inputs.empty()) return {status::empty_batch, {}};
    auto const at = [&](std::size_t k) { return std::pair<const typename Net::input_type&, const typename Net::output_type&>(inputs[k], targets[k]); };
    auto const r = detail::mean_gradient<L, Check>(net, inputs.size(), at, state.gradient);
    if (r.code == status::ok) opt.update(net, state.gradient, state);
    return r;
}

/// One on-line step on one sample with any optimizer and its state (train_batch of one sample).
/// Returns the loss before the step; with Check = checked (the default) a sample with a NaN or
/// infinite input, target, loss or gradient is refused (parameters and optimizer state unchanged)
/// and the return value is NaN or the non-finite loss.
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net, class Opt>
    requires Optimizer<Opt, Net>
constexpr typename Net::value_type train_step(Net& net, const typename Net::input_type& x, const typename Net::output_type& target,
                                              const Opt& opt, optimizer_state<Net, Opt>& state) noexcept {
    using T = typename Net::value_type;
    auto const at = [&](std::size_t) { return std::pair<const typename Net::input_type&, const typename Net::output_type&>(x, target); };
    auto const r = detail::mean_gradient<L, Check>(net, 1, at, state.gradient);
    if (r.code != status::ok) return detail::finite(r.loss) ? std::numeric_limits<T>::quiet_NaN() : r.loss;
    opt.update(net, state.gradient, state);
    return r.loss;
}

/// How fit trains: `epochs` passes over the data in mini-batches of `batch_size` samples (0: the
/// whole set, full-batch training as Rprop wants), the order shuffled anew each epoch from `seed`
/// (fixnet's own PRNG: the same on every platform) unless `shuffle` is false; stop early once an
/// epoch's mean loss is at or below `target_loss`.
struct fit_options {
    std::size_t epochs = 100;
    std::size_t batch_size = 1;
    std::uint64_t seed = 0;
    bool shuffle = true;
    double target_loss = 0;
};

/// What fit did: `code` (ok, or why nothing was trained), the number of epochs run, and the last
/// epoch's mean loss (the samples' losses as met during the epoch, each before its batch's update).
template <std::floating_point T>
struct fit_result {
    status code = status::ok;
    std::size_t epochs = 0;
    T loss{};
};

/// Trains on (inputs[k], targets[k]) for up to options.epochs epochs of mini-batches (see
/// fit_options), calling on_epoch(epoch, loss) after each (epoch counts from 1; when on_epoch
/// returns bool, false stops training). fit reads opt at every step and never copies it, so
/// on_epoch may change the caller's optimizer (a learning-rate schedule: capture opt by reference
/// and lower opt.learning_rate). No heap: the shuffle is a permutation computed index by index
/// (detail::index_permutation), the gradient lives in state. A size mismatch or empty data gives
/// its status and trains nothing. With Check = checked (the default), a mini-batch with a NaN or
/// infinite input, target, loss or gradient stops training before its update, with
/// status::non_finite_value, the epoch it happened in and that batch's loss: the parameters are
/// those after the last good batch.
///
///     auto r = fixnet::fit<fixnet::cross_entropy>(net, inputs, targets, opt, st, {.epochs = 200, .batch_size = 8},
///                                                 [](std::size_t epoch, float loss) { std::printf("%zu %g\n", epoch, loss); });
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net, class Opt, class OnEpoch>
    requires Optimizer<Opt, Net>
constexpr fit_result<typename Net::value_type> fit(Net& net, std::span<const typename Net::input_type> inputs,
                                                   std::span<const typename Net::output_type> targets, const Opt& opt,
                                                   optimizer_state<Net, Opt>& state, const fit_options& options,
                                                   OnEpoch&& on_epoch) noexcept {
    using T = typename Net::value_type;
    if (inputs.size() != targets.size()) return {status::size_mismatch, 0, {}};
    if (inputs.empty()) return {status::empty_batch, 0, {}};
    std::size_t const n = inputs.size();
    std::size_t const batch = options.batch_size == 0 || options.batch_size > n ? n : options.batch_size;
    // A whole-set batch's mean gradient does not depend on the order: no shuffle to compute.
    bool const shuffle = options.shuffle && batch < n;
    random_engine seeds{options.seed};
    fit_result<T> result;
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        detail::index_permutation const order(n, seeds());
        T total{};
        for (std::size_t first = 0; first < n; first += batch) {
            std::size_t const count = n - first < batch ? n - first : batch;
            auto const at = [&](std::size_t k) {
                std::size_t const j = shuffle ? order(first + k) : first + k;
                return std::pair<const typename Net::input_type&, const typename Net::output_type&>(inputs[j], targets[j]);
            };
            auto const r = detail::mean_gradient<L, Check>(net, count, at, state.gradient);
            if (r.code != status::ok) return {r.code, epoch, r.loss};
            total += r.loss * static_cast<T>(count);
            opt.update(net, state.gradient, state);
        }
        result.epochs = epoch;
        result.loss = total / static_cast<T>(n);
        if constexpr (std::is_invocable_r_v<bool, OnEpoch&, std::size_t, T> &&
                      !std::is_void_v<std::invoke_result_t<OnEpoch&, std::size_t, T>>) {
            if (!on_epoch(epoch, result.loss)) break;
        } else {
            on_epoch(epoch, result.loss);
        }
        if (static_cast<double>(result.loss) <= options.target_loss) break;
    }
    return result;
}

/// fit without a progress callback.
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net, class Opt>
    requires Optimizer<Opt, Net>
constexpr fit_result<typename Net::value_type> fit(Net& net, std::span<const typename Net::input_type> inputs,
                                                   std::span<const typename Net::output_type> targets, const Opt& opt,
                                                   optimizer_state<Net, Opt>& state, const fit_options& options) noexcept {
    return fit<L, Check>(net, inputs, targets, opt, state, options, [](std::size_t, typename Net::value_type) {});
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
