// Optimizers: how a gradient changes the parameters.
#pragma once

#include <concepts>

namespace fixnet {

/// Plain stochastic gradient descent: param -= learning_rate * dE/dparam.
/// An aggregate, so it reads as in the article: `fixnet::sgd<double>{.learning_rate = 0.5,
/// .learn_biases = false}` (the article keeps the biases fixed).
/// \tparam T the element type of the learning rate (converted to the network's type on use)
template <std::floating_point T>
struct sgd {
    T learning_rate = T(0.01);
    bool learn_biases = true;  ///< false keeps every bias at its current value
};

}  // namespace fixnet
