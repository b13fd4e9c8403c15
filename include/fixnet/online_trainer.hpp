// online_trainer: on-line SGD whose input-layer step is applied by the next forward pass.
#pragma once

#include <concepts>
#include <limits>
#include <type_traits>

#include "fixnet/detail/trace.hpp"
#include "fixnet/finite_check.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/loss.hpp"
#include "fixnet/network.hpp"
#include "fixnet/optimizers.hpp"
#include "fixnet/train.hpp"

namespace fixnet {

/// On-line SGD, sample by sample as fixnet::train_step and with the same results to the bit, but
/// faster where the input layer is large: each step leaves the input layer's update pending, and
/// the next forward pass applies it as it reads those weights, so that they are read once per step
/// instead of twice. Measured on AVX-512 (float): 784-128-10 train_step 5.64 -> 4.17 us,
/// 128-128-128 2.00 -> 1.74 us (see detail::defer_input_step). Where that does not pay (input
/// layers under 4 KB, rows that are not whole SIMD batches, scalar_backend), train_step forwards
/// to fixnet::train_step and nothing is ever pending.
///
/// Net: the network type (a fixnet::basic_network). The trainer refers to the network and, where
/// it defers, keeps the last step's activations (one forward pass: the input, and each layer's
/// outputs twice).
/// While a step is pending, the network's input layer lacks it: read the network through the
/// trainer (forward(), network()) or call flush() first. The destructor flushes. Not copyable (a
/// copy would apply the pending step twice). Every member is constexpr and noexcept; nothing
/// allocates.
///
///     fixnet::online_trainer tr(net);
///     for (std::size_t k = 0; k < n; ++k) tr.train_step(x[k], t[k], fixnet::sgd<float>{.learning_rate = 0.1f});
///     tr.flush();  // net now equals what n calls of fixnet::train_step would have made it
template <Network Net>
class online_trainer {
    static_assert(!std::is_const_v<Net>, "fixnet::online_trainer: the network must not be const (the trainer updates it)");

public:
    using network_type = Net;
    using value_type = typename Net::value_type;
    using input_type = typename Net::input_type;
    using output_type = typename Net::output_type;

    constexpr explicit online_trainer(Net& net) noexcept : net_(&net) {}
    online_trainer(const online_trainer&) = delete;
    online_trainer& operator=(const online_trainer&) = delete;
    constexpr ~online_trainer() { flush(); }

    /// fixnet::train_step(network, x, target, opt), with the input layer's update left pending where
    /// that pays. Same contract: returns the loss before the step; with Check = checked (the
    /// default), a sample with a NaN or infinite input, target or loss is refused and leaves the
    /// network as the steps before it made it (the step pending from the sample before stays
    /// pending, or has been applied by the refused sample's forward pass: kept either way).
    template <Loss L = half_squared_error, FiniteCheck Check = checked, std::floating_point U>
    constexpr value_type train_step(const input_type& x, const output_type& target, const sgd<U>& opt) noexcept {
        using T = value_type;
        if constexpr (!defers) {
            return fixnet::train_step<L, Check>(*net_, x, target, opt);
        } else {
            if constexpr (Check::enabled) {
                if (!detail::all_finite(x) || !detail::all_finite(target)) return std::numeric_limits<T>::quiet_NaN();
            }
            run_forward(x);
            // Layer 0's step stays pending: its input and delta are in tr_ (a<0>, z<0>).
            return detail::backward_steps<L, Check>(*net_, tr_, target, opt, [&](T rate) {
                rate_ = rate;
                learn_biases_ = opt.learn_biases;
                pending_ = true;
            });
        }
    }

    /// The network's output for x, with the pending step applied on the way.
    [[nodiscard]] constexpr output_type forward(const input_type& x) noexcept {
        if constexpr (defers) {
            if (pending_) {
                run_forward(x);
                return detail::get<Net::layer_count>(tr_.a);
            }
        }
        return net_->forward(x);
    }

    /// Applies the pending step, if any: the network is then up to date.
    constexpr void flush() noexcept {
        if constexpr (defers) {
            if (pending_) {
                detail::dense_sgd_step<typename Net::backend_type>(net_->template layer<0>(), detail::get<0>(tr_.a),
                                                                   detail::get<0>(tr_.z), rate_, learn_biases_);
                pending_ = false;
            }
        }
    }

    /// Whether a step is pending (the network's input layer lacks it).
    [[nodiscard]] constexpr bool pending() const noexcept { return pending_; }

    /// The network, flushed first.
    [[nodiscard]] constexpr Net& network() noexcept {
        flush();
        return *net_;
    }

private:
    static constexpr bool defers = detail::defer_input_step<typename Net::backend_type, typename Net::template layer_type<0>>;

    /// The forward pass into tr_, through the pending step if there is one.
    constexpr void run_forward(const input_type& x) noexcept {
        if (pending_) {
            tr_.run_forward_after_step(*net_, x, rate_, learn_biases_);
            pending_ = false;
        } else {
            tr_.run_forward(*net_, x);
        }
    }

    Net* net_;
    bool pending_ = false;
    bool learn_biases_ = true;
    value_type rate_{};
    struct no_trace {};
    // The last forward pass; while a step is pending, its input and delta. Only where steps are
    // deferred: elsewhere (scalar_backend on a microcontroller) the trainer is a pointer and flags.
    [[no_unique_address]] std::conditional_t<defers, detail::trace<Net>, no_trace> tr_;
};

}  // namespace fixnet
