// Stochastic gradient descent, with momentum, Nesterov momentum and weight decay.
#pragma once

#include <concepts>
#include <cstddef>

#include "fixnet/optimizers/optimizer.hpp"

namespace fixnet {

/// Stochastic gradient descent, step for step PyTorch's torch.optim.SGD (dampening 0):
///     g' = g + weight_decay p
///     v  = momentum v + g'                        (v starts at 0, so the first v is g')
///     p -= learning_rate (nesterov ? g' + momentum v : v)      (g' itself when momentum is 0)
/// An aggregate, so it reads as in the article: `fixnet::sgd<double>{.learning_rate = 0.5,
/// .learn_biases = false}` (the article keeps the biases fixed).
/// The velocity v lives in `state<Net>` and is used by the calls that take a state (train_step and
/// apply_gradient with a state, train_batch, fit). The calls without one (the article's
/// `train_step(net, x, target, opt)`, `apply_gradient(net, g, opt)`) have nowhere to keep it: they
/// take the plain step p -= learning_rate g' and ignore momentum and nesterov.
/// \tparam T the type of the hyperparameters (converted to the network's type on use)
template <std::floating_point T>
struct sgd {
    T learning_rate = T(0.01);
    T momentum = T(0);
    bool nesterov = false;
    T weight_decay = T(0);
    bool learn_biases = true;  ///< false keeps every bias at its current value

    template <class Net>
    struct state {
        typename Net::gradient_type velocity{};
        typename Net::gradient_type gradient{};  ///< train_batch's scratch (see fixnet::Optimizer)
    };

    /// One step with gradient g.
    template <class Net>
    constexpr void update(Net& net, const typename Net::gradient_type& g, state<Net>& s) const noexcept {
        using V = typename Net::value_type;
        V const rate = static_cast<V>(learning_rate), mu = static_cast<V>(momentum), decay = static_cast<V>(weight_decay);
        bool const use_momentum = momentum != T(0);
        detail::for_each_parameter_array(
            net,
            [&](auto& p, const auto& gp, auto& v, bool is_bias) {
                if (is_bias && !learn_biases) return;
                for (std::size_t k = 0; k < p.size(); ++k) {
                    V d = decay != V(0) ? gp[k] + decay * p[k] : gp[k];
                    if (use_momentum) {
                        v[k] = mu * v[k] + d;
                        d = nesterov ? d + mu * v[k] : v[k];
                    }
                    p[k] -= rate * d;
                }
            },
            g, s.velocity);
    }
};

}  // namespace fixnet
