// Adam: per-parameter steps from running averages of the gradient and its square.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "fixnet/detail/math.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/optimizers/optimizer.hpp"

namespace fixnet {

/// Adam (Kingma and Ba, 2015) with bias correction, step for step PyTorch's torch.optim.Adam:
///     g' = g + weight_decay p                     (L2 in the gradient, as PyTorch's Adam; not AdamW)
///     m  = beta1 m + (1 - beta1) g'
///     v  = beta2 v + (1 - beta2) g'^2
///     p -= (learning_rate / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// t counts the steps from 1. The corrections 1 - beta^t are computed in double, as PyTorch does in
/// Python, then rounded to the network's type. State: m, v and t, zero to start.
/// \tparam T the type of the hyperparameters (converted to the network's type on use)
///
///     fixnet::adam<float> opt{.learning_rate = 0.01f};
///     fixnet::optimizer_state<net_t, fixnet::adam<float>> st{};
template <std::floating_point T>
struct adam {
    T learning_rate = T(0.001);
    T beta1 = T(0.9);
    T beta2 = T(0.999);
    T epsilon = T(1e-8);
    T weight_decay = T(0);
    bool learn_biases = true;  ///< false keeps every bias at its current value

    template <class Net>
    struct state {
        typename Net::gradient_type m{};
        typename Net::gradient_type v{};
        std::uint64_t steps = 0;
        double beta1_power = 1, beta2_power = 1;  // beta1^t and beta2^t
        typename Net::gradient_type gradient{};    ///< train_batch's scratch (see fixnet::Optimizer)
    };

    template <class Net>
    constexpr void update(Net& net, const typename Net::gradient_type& g, state<Net>& s) const noexcept {
        using V = typename Net::value_type;
        ++s.steps;
        s.beta1_power *= static_cast<double>(beta1);
        s.beta2_power *= static_cast<double>(beta2);
        V const step_size = static_cast<V>(static_cast<double>(learning_rate) / (1 - s.beta1_power));
        V const correction2_sqrt = static_cast<V>(detail::sqrt(1 - s.beta2_power));
        kernels::adam_coefficients<V> const c{
            .beta1 = static_cast<V>(beta1),
            .one_minus_beta1 = static_cast<V>(1 - static_cast<double>(beta1)),
            .beta2 = static_cast<V>(beta2),
            .one_minus_beta2 = static_cast<V>(1 - static_cast<double>(beta2)),
            .step_size = step_size,
            .correction2_sqrt = correction2_sqrt,
            .epsilon = static_cast<V>(epsilon),
            .weight_decay = static_cast<V>(weight_decay),
        };
        detail::for_each_parameter_array(
            net,
            [&](auto& p, const auto& gp, auto& m, auto& v, bool is_bias) {
                if (is_bias && !learn_biases) return;
                detail::adam_update<typename Net::backend_type>(p, gp, m, v, c);
            },
            g, s.m, s.v);
    }
};

}  // namespace fixnet
