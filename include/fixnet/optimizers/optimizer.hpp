// The Optimizer concept, optimizer_state, and the walk over a network's parameter arrays they share.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "fixnet/detail/math.hpp"
#include "fixnet/detail/static_for.hpp"

namespace fixnet {

/// An optimizer for network type Net: an aggregate of hyperparameters (`sgd`, `adam`, `rprop`)
/// with a member template `state<Net>`, the fixed-size arrays it keeps between steps (zeroed by
/// value-initialisation, sized from Net: no heap), and `opt.update(net, g, state)`, which applies
/// a gradient g (Net::gradient_type) to the parameters. Every state also holds `gradient`, a
/// Net::gradient_type that train_batch and fit accumulate a mini-batch's mean gradient in, so that
/// no parameter-sized array lives on the caller's stack.
template <class O, class Net>
concept Optimizer = requires(const O& opt, Net& net, const typename Net::gradient_type& g,
                             typename O::template state<Net>& s) {
    { opt.update(net, g, s) } noexcept;
    { s.gradient } -> std::same_as<typename Net::gradient_type&>;
};

/// The state of optimizer O for network Net: `fixnet::optimizer_state<net_t, fixnet::adam<float>> st{};`
template <class Net, class O>
using optimizer_state = typename O::template state<Net>;

namespace detail {

/// f(p, q...) for every parameter array of a network (each layer's weights, then its biases) and
/// the arrays of the same shape in `others` (gradients, optimizer buffers); f's last argument says
/// whether the arrays are biases.
template <class Net, class F, class... Others>
constexpr void for_each_parameter_array(Net& net, F&& f, Others&... others) noexcept {
    static_for<std::remove_cvref_t<Net>::layer_count>([&](auto l) {
        f(net.template layer<l>().weights, others.template layer<l>().weights..., false);
        f(net.template layer<l>().biases, others.template layer<l>().biases..., true);
    });
}

}  // namespace detail
}  // namespace fixnet
