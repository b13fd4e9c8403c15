// Rprop: per-parameter step sizes adapted from the sign of the gradient alone (iRprop-).
#pragma once

#include <concepts>
#include <cstddef>

#include "fixnet/optimizers/optimizer.hpp"

namespace fixnet {

/// Resilient backpropagation (Riedmiller and Braun, 1993), the iRprop- variant (Igel and Huesken,
/// 2000), step for step PyTorch's torch.optim.Rprop. Each parameter keeps its own step size
/// (initial_step to start) and the previous gradient g_prev:
///     same sign as g_prev:     step = min(step eta_plus, max_step)
///     opposite sign:           step = max(step eta_minus, min_step), and g is taken as 0 this time
///     either is 0:             step unchanged
///     p -= sign(g) step;  g_prev = g
/// Only the sign of the gradient matters, so it suits full-batch training (train_batch over the
/// whole data set), the classic use in small-network libraries. No weight decay (PyTorch's has none).
/// \tparam T the type of the hyperparameters (converted to the network's type on use)
template <std::floating_point T>
struct rprop {
    T initial_step = T(0.01);  ///< PyTorch's lr
    T eta_minus = T(0.5);
    T eta_plus = T(1.2);
    T min_step = T(1e-6);
    T max_step = T(50);
    bool learn_biases = true;  ///< false keeps every bias at its current value

    template <class Net>
    struct state {
        typename Net::gradient_type previous{};
        typename Net::gradient_type step{};  // all zero until the first update sets initial_step
        bool started = false;
        typename Net::gradient_type gradient{};  ///< train_batch's scratch (see fixnet::Optimizer)
    };

    template <class Net>
    constexpr void update(Net& net, const typename Net::gradient_type& g, state<Net>& s) const noexcept {
        using V = typename Net::value_type;
        V const up = static_cast<V>(eta_plus), down = static_cast<V>(eta_minus);
        V const lo = static_cast<V>(min_step), hi = static_cast<V>(max_step), first = static_cast<V>(initial_step);
        bool const start = !s.started;
        s.started = true;
        detail::for_each_parameter_array(
            net,
            [&](auto& p, const auto& gp, auto& prev, auto& step, bool is_bias) {
                if (is_bias && !learn_biases) return;
                for (std::size_t k = 0; k < p.size(); ++k) {
                    if (start) step[k] = first;
                    V const agree = gp[k] * prev[k];
                    V d = gp[k];
                    if (agree > V(0)) {
                        step[k] *= up;
                    } else if (agree < V(0)) {
                        step[k] *= down;
                        d = V(0);
                    }
                    step[k] = step[k] < lo ? lo : step[k] > hi ? hi : step[k];
                    if (d > V(0)) p[k] -= step[k];
                    if (d < V(0)) p[k] += step[k];
                    prev[k] = d;
                }
            },
            g, s.previous, s.step);
    }
};

}  // namespace fixnet
