// Evaluating a trained network on a data set: its mean loss and, for classifiers, its accuracy.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <span>

#include "fixnet/finite_check.hpp"
#include "fixnet/loss.hpp"
#include "fixnet/network.hpp"
#include "fixnet/status.hpp"

namespace fixnet {

/// The index of the largest element, the first one on ties: the class a softmax (or any
/// one-output-per-class) network picks. A NaN never wins, since it is not larger than anything:
/// with NaN among the values the largest number is still found, and an all-NaN array gives 0.
template <std::totally_ordered T, std::size_t N>
[[nodiscard]] constexpr std::size_t argmax(const std::array<T, N>& a) noexcept {
    static_assert(N > 0, "fixnet::argmax: an empty array has no largest element");
    std::size_t best = N;  // N: no number seen yet (every element so far NaN)
    for (std::size_t i = 0; i < N; ++i) {
        if (!(a[i] == a[i])) continue;  // NaN: the one value not equal to itself
        if (best == N || a[i] > a[best]) best = i;
    }
    return best == N ? 0 : best;
}

/// What evaluate found: `code` is status::ok or says why the numbers are not to be trusted;
/// `loss` is the mean loss over the `count` samples; `correct` is how many of them the network
/// classified right (argmax of the output == argmax of the target).
template <std::floating_point T>
struct evaluation {
    status code = status::ok;
    T loss{};
    std::size_t correct = 0;
    std::size_t count = 0;

    /// correct / count, and 0 for no samples (a rate, not a NaN, for an empty set).
    [[nodiscard]] constexpr double accuracy() const noexcept {
        return count == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(count);
    }
};

/// The network's mean loss L over the samples (inputs[k], targets[k]) and how many it classifies
/// right. Nothing is changed and nothing is allocated: each sample is one forward pass.
///
/// The loss is accumulated in the network's value type and scaled by 1 / n, exactly as
/// train_batch's mean loss is, so that on the same network and data the two agree. `correct`
/// counts samples whose output's argmax is the target's argmax, which suits one-hot or probability
/// targets (a softmax classifier); for a regression (one output, or targets that are not classes)
/// it means nothing.
///
/// `status::size_mismatch` when the spans differ in length and `status::empty_batch` when they are
/// empty, with every other field 0. With Check = checked (the default), `status::non_finite_value`
/// when a sample's input or target holds a NaN or an infinity or the mean loss is not finite; the
/// other fields then hold what was computed, as train_batch's loss does. With Check = unchecked
/// the status is ok whatever the values, and a NaN shows in the loss.
///
///     auto const e = fixnet::evaluate<fixnet::cross_entropy>(net, test_inputs, test_targets);
///     std::printf("loss %g, accuracy %.1f %%\n", double(e.loss), 100 * e.accuracy());
template <Loss L = half_squared_error, FiniteCheck Check = checked, Network Net>
[[nodiscard]] constexpr evaluation<typename Net::value_type> evaluate(const Net& net,
                                                                      std::span<const typename Net::input_type> inputs,
                                                                      std::span<const typename Net::output_type> targets) noexcept {
    using T = typename Net::value_type;
    if (inputs.size() != targets.size()) return {status::size_mismatch, T(0), 0, 0};
    if (inputs.empty()) return {status::empty_batch, T(0), 0, 0};
    std::size_t const n = inputs.size();
    // Summed then scaled by 1 / n, as detail::mean_gradient does: the same loss as train_batch's.
    T const scale = T(1) / static_cast<T>(n);
    T total{};
    std::size_t correct = 0;
    bool finite_samples = true;
    for (std::size_t k = 0; k < n; ++k) {
        if constexpr (Check::enabled) finite_samples = finite_samples && detail::all_finite(inputs[k]) && detail::all_finite(targets[k]);
        auto const out = net.forward(inputs[k]);
        total += L::value(out, targets[k]);
        correct += argmax(out) == argmax(targets[k]) ? 1 : 0;
    }
    T const e = total * scale;
    if constexpr (Check::enabled) {
        if (!finite_samples || !detail::finite(e)) return {status::non_finite_value, e, correct, n};
    }
    return {status::ok, e, correct, n};
}

}  // namespace fixnet
