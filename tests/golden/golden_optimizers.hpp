// Optimizer hyperparameters of the golden values, computed by PyTorch 1.13.0a0 (tests/golden/generate.py).
// Generated: do not edit; rerun `python3 tests/golden/generate.py` instead.
#pragma once

namespace fixnet_golden::hyper {

// Every optimizer runs `steps` full-batch steps from the case's initial parameters.
inline constexpr int steps = 3;

inline constexpr double sgd_learning_rate = 0.1;  // sgd, sgd_momentum, sgd_nesterov, sgd_weight_decay
inline constexpr double sgd_momentum = 0.9;  // sgd_momentum, sgd_nesterov (nesterov=True), sgd_weight_decay; dampening 0
inline constexpr double adam_learning_rate = 0.01;  // adam, adam_weight_decay
inline constexpr double adam_beta1 = 0.9;
inline constexpr double adam_beta2 = 0.999;
inline constexpr double adam_epsilon = 1e-08;  // added to sqrt(v) / sqrt(1 - beta2^t)
inline constexpr double weight_decay = 0.01;  // L2 term added to the gradient: sgd_weight_decay, adam_weight_decay
inline constexpr double rprop_initial_step = 0.01;  // Rprop's lr: every parameter's initial step size
inline constexpr double rprop_eta_minus = 0.5;
inline constexpr double rprop_eta_plus = 1.2;
inline constexpr double rprop_min_step = 1e-06;
inline constexpr double rprop_max_step = 50.0;
inline constexpr double leaky_relu_slope = 0.01;  // negative slope of the sigmoid_net's leaky_relu

}  // namespace fixnet_golden::hyper
