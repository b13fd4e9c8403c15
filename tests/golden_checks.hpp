// How one golden configuration (case, backend, element type) is checked against PyTorch's values
// (tests/golden, written by tests/golden/generate.py): for the softmax, sigmoid and regression
// networks, the outputs of forward and forward_batch, and for every loss of a case the batch loss,
// its gradient and the parameters after three train_batch steps with each of the seven optimizer
// configurations. One header for tests/test_golden_double.cpp and tests/test_golden_float.cpp: the
// twelve configurations took a minute to compile in one file, so each element type is a file of its
// own and the two compile in parallel.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include "reference_mlp.hpp"

#include "golden/golden_optimizers.hpp"
#include "golden/golden_regression_net.hpp"
#include "golden/golden_sigmoid_net.hpp"
#include "golden/golden_softmax_net.hpp"

// An unnamed namespace on purpose: the test cases' names spell these types ("{anonymous}::config<...>",
// as when they lived in one file), and each including file instantiates them for its own element type.
namespace {

using namespace fixnet_test;

namespace hyper = fixnet_golden::hyper;

template <class... L>
struct type_list {};

/// What a case's golden header holds for one element type, copied out of its f64 or f32 namespace.
template <class T, std::size_t P, std::size_t Inputs, std::size_t Outputs>
struct case_data {
    std::array<T, P> initial;
    std::array<T, Inputs> inputs;    // batch x input_size
    std::array<T, Outputs> targets;  // batch x output_size
    std::array<T, Outputs> outputs;
};

/// The seven optimizer configurations of the goldens, in the order of loss_data::after.
constexpr std::array<const char*, 7> optimizer_names{"sgd",  "sgd_momentum",      "sgd_nesterov", "sgd_weight_decay",
                                                     "adam", "adam_weight_decay", "rprop"};

template <class T, std::size_t P>
struct loss_data {
    T loss;
    std::array<T, P> gradient;
    std::array<std::array<T, P>, 7> after;  // after_<optimizer_names[k]>
};

#define FIXNET_GOLDEN_CASE_DATA(ns) {ns::initial, ns::inputs, ns::targets, ns::outputs}
#define FIXNET_GOLDEN_LOSS(ns, l)                                                                                  \
    {                                                                                                              \
        ns::l::loss, ns::l::gradient, {                                                                            \
            ns::l::after_sgd, ns::l::after_sgd_momentum, ns::l::after_sgd_nesterov, ns::l::after_sgd_weight_decay, \
                ns::l::after_adam, ns::l::after_adam_weight_decay, ns::l::after_rprop                              \
        }                                                                                                          \
    }

// One struct per case: its network, its losses, and its golden values by element type and loss.
// Namespaces cannot be template arguments, hence the if constexpr chains.

struct softmax_case {
    static constexpr const char* name = "softmax_net";
    static constexpr std::size_t P = fixnet_golden::softmax_net::parameter_count;
    static constexpr std::size_t In = fixnet_golden::softmax_net::input_size, Out = fixnet_golden::softmax_net::output_size;
    template <class B, class T>
    using net = fixnet::basic_network<B, T, In, FIXNET_GOLDEN_SOFTMAX_NET_LAYERS>;
    using losses = type_list<fixnet::cross_entropy, fixnet::mean_squared_error, fixnet::half_squared_error>;
    template <class T>
    static case_data<T, P, 4 * In, 4 * Out> data() {
        namespace g = fixnet_golden::softmax_net;
        if constexpr (std::is_same_v<T, double>) return FIXNET_GOLDEN_CASE_DATA(g::f64);
        else return FIXNET_GOLDEN_CASE_DATA(g::f32);
    }
    template <class T, class L>
    static loss_data<T, P> golden() {
        namespace g = fixnet_golden::softmax_net;
        if constexpr (std::is_same_v<T, double>) {
            if constexpr (std::is_same_v<L, fixnet::cross_entropy>) return FIXNET_GOLDEN_LOSS(g::f64, cross_entropy);
            else if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f64, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f64, half_squared_error);
        } else {
            if constexpr (std::is_same_v<L, fixnet::cross_entropy>) return FIXNET_GOLDEN_LOSS(g::f32, cross_entropy);
            else if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f32, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f32, half_squared_error);
        }
    }
};

struct sigmoid_case {
    static constexpr const char* name = "sigmoid_net";
    static constexpr std::size_t P = fixnet_golden::sigmoid_net::parameter_count;
    static constexpr std::size_t In = fixnet_golden::sigmoid_net::input_size, Out = fixnet_golden::sigmoid_net::output_size;
    template <class B, class T>
    using net = fixnet::basic_network<B, T, In, FIXNET_GOLDEN_SIGMOID_NET_LAYERS>;
    using losses = type_list<fixnet::binary_cross_entropy, fixnet::mean_squared_error, fixnet::half_squared_error>;
    template <class T>
    static case_data<T, P, 4 * In, 4 * Out> data() {
        namespace g = fixnet_golden::sigmoid_net;
        if constexpr (std::is_same_v<T, double>) return FIXNET_GOLDEN_CASE_DATA(g::f64);
        else return FIXNET_GOLDEN_CASE_DATA(g::f32);
    }
    template <class T, class L>
    static loss_data<T, P> golden() {
        namespace g = fixnet_golden::sigmoid_net;
        if constexpr (std::is_same_v<T, double>) {
            if constexpr (std::is_same_v<L, fixnet::binary_cross_entropy>) return FIXNET_GOLDEN_LOSS(g::f64, binary_cross_entropy);
            else if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f64, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f64, half_squared_error);
        } else {
            if constexpr (std::is_same_v<L, fixnet::binary_cross_entropy>) return FIXNET_GOLDEN_LOSS(g::f32, binary_cross_entropy);
            else if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f32, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f32, half_squared_error);
        }
    }
};

struct regression_case {
    static constexpr const char* name = "regression_net";
    static constexpr std::size_t P = fixnet_golden::regression_net::parameter_count;
    static constexpr std::size_t In = fixnet_golden::regression_net::input_size, Out = fixnet_golden::regression_net::output_size;
    template <class B, class T>
    using net = fixnet::basic_network<B, T, In, FIXNET_GOLDEN_REGRESSION_NET_LAYERS>;
    using losses = type_list<fixnet::mean_squared_error, fixnet::half_squared_error>;
    template <class T>
    static case_data<T, P, 4 * In, 4 * Out> data() {
        namespace g = fixnet_golden::regression_net;
        if constexpr (std::is_same_v<T, double>) return FIXNET_GOLDEN_CASE_DATA(g::f64);
        else return FIXNET_GOLDEN_CASE_DATA(g::f32);
    }
    template <class T, class L>
    static loss_data<T, P> golden() {
        namespace g = fixnet_golden::regression_net;
        if constexpr (std::is_same_v<T, double>) {
            if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f64, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f64, half_squared_error);
        } else {
            if constexpr (std::is_same_v<L, fixnet::mean_squared_error>) return FIXNET_GOLDEN_LOSS(g::f32, mean_squared_error);
            else return FIXNET_GOLDEN_LOSS(g::f32, half_squared_error);
        }
    }
};

#undef FIXNET_GOLDEN_CASE_DATA
#undef FIXNET_GOLDEN_LOSS

static_assert(std::is_same_v<sigmoid_case::net<fixnet::scalar_backend, double>::layer_type<0>::activation_type,
                             fixnet::leaky_relu<>> &&
                  fixnet::leaky_relu<>::slope<double> == hyper::leaky_relu_slope,
              "the golden sigmoid_net's leaky_relu slope is fixnet's default one");

template <class Case, class B, class T>
struct config {
    using case_type = Case;
    using backend = B;
    using value_type = T;
    using net_t = typename Case::template net<B, T>;
};

// ---- comparison ------------------------------------------------------------------------------------

/// Relative to the largest magnitude in the compared array, not element by element: gradients and
/// updates have elements near zero (a relu that is off for every sample, a parameter that barely
/// moves) whose absolute error is that of the array's large elements, so a per-element relative
/// bound would be meaningless there. PyTorch and fixnet round in different orders (summation order
/// of the dot products, exp/log implementations, FMA): after three optimizer steps the differences
/// measured were ~1e-16 of the largest magnitude in double and ~1e-7 in float; 1e-10 and 1e-5
/// leave room for other compilers and instruction sets while still catching any formula error (a
/// wrong factor, a missing bias correction, a swapped index is wrong by far more).
template <class T>
constexpr real relative_tolerance = sizeof(T) == 4 ? 1e-5L : 1e-10L;

template <class T, std::size_t N>
vec widen_golden(const std::array<T, N>& a) {
    return widen(a);
}

inline real largest_magnitude(const vec& v) {
    real m = 0;
    for (real x : v) m = std::max(m, std::fabs(x));
    return m;
}

template <class T>
void check_golden(const char* what, const vec& got, const vec& want) {
    real const tol = relative_tolerance<T> * largest_magnitude(want);
    check_within(what, got, want, vec(want.size(), tol));
}

// ---- parameters in the goldens' flat order -------------------------------------------------------

/// The goldens' flat order is detail::for_each_parameter_array's: per layer its input-major weights, then its biases.
template <class Net, std::size_t P>
void set_parameters(Net& net, const std::array<typename Net::value_type, P>& flat_params) {
    static_assert(P == Net::parameter_count);
    std::size_t k = 0;
    fixnet::detail::for_each_parameter_array(net, [&](auto& p, bool) {
        for (auto& v : p) v = flat_params[k++];
    });
}

template <class Layers>
vec get_parameters(Layers& net) {
    vec r;
    fixnet::detail::for_each_parameter_array(net, [&](auto& p, bool) { r.insert(r.end(), p.begin(), p.end()); });
    return r;
}

template <class Net, std::size_t N>
std::vector<typename Net::input_type> split_inputs(const std::array<typename Net::value_type, N>& flat_inputs) {
    static_assert(N % Net::input_size == 0);
    std::vector<typename Net::input_type> r(N / Net::input_size);
    for (std::size_t k = 0; k < N; ++k) r[k / Net::input_size][k % Net::input_size] = flat_inputs[k];
    return r;
}

template <class Net, std::size_t N>
std::vector<typename Net::output_type> split_outputs(const std::array<typename Net::value_type, N>& flat_outputs) {
    static_assert(N % Net::output_size == 0);
    std::vector<typename Net::output_type> r(N / Net::output_size);
    for (std::size_t k = 0; k < N; ++k) r[k / Net::output_size][k % Net::output_size] = flat_outputs[k];
    return r;
}

template <class Out>
vec flatten_outputs(const std::vector<Out>& outs) {
    vec r;
    for (auto const& o : outs) r.insert(r.end(), o.begin(), o.end());
    return r;
}

// ---- the checks ------------------------------------------------------------------------------------

/// Three train_batch steps over the whole batch with opt from the initial parameters, against after.
template <class L, class Net, class Opt, class Data, std::size_t P>
void check_optimizer(const char* name, const Opt& opt, const Data& d, const std::array<typename Net::value_type, P>& after) {
    using T = typename Net::value_type;
    INFO("optimizer " << name);
    Net net{};
    set_parameters(net, d.initial);
    auto const inputs = split_inputs<Net>(d.inputs);
    auto const targets = split_outputs<Net>(d.targets);
    fixnet::optimizer_state<Net, Opt> st{};
    for (int step = 0; step < hyper::steps; ++step) {
        auto const r = fixnet::train_batch<L>(net, std::span<const typename Net::input_type>(inputs),
                                              std::span<const typename Net::output_type>(targets), opt, st);
        REQUIRE(r.code == fixnet::status::ok);
    }
    auto const want = widen_golden(after);
    check_golden<T>("parameters after 3 train_batch steps", get_parameters(net), want);
    // Not vacuous: the parameters moved by far more than the tolerance, so an optimizer that did
    // nothing (or took one step instead of three) fails.
    vec moved(P);
    auto const initial = widen_golden(d.initial);
    for (std::size_t k = 0; k < P; ++k) moved[k] = want[k] - initial[k];
    CHECK(largest_magnitude(moved) > 100 * relative_tolerance<T> * largest_magnitude(want));
}

template <class Case, class Net, class L, class Data>
void check_loss(const Data& d) {
    using T = typename Net::value_type;
    auto const g = Case::template golden<T, L>();
    INFO("loss " << (std::is_same_v<L, fixnet::cross_entropy>          ? "cross_entropy"
                     : std::is_same_v<L, fixnet::binary_cross_entropy> ? "binary_cross_entropy"
                     : std::is_same_v<L, fixnet::mean_squared_error>   ? "mean_squared_error"
                                                                       : "half_squared_error"));
    Net net{};
    set_parameters(net, d.initial);
    auto const inputs = split_inputs<Net>(d.inputs);
    auto const targets = split_outputs<Net>(d.targets);

    // The batch loss: the mean of fixnet::loss over the samples.
    T total{};
    for (std::size_t k = 0; k < inputs.size(); ++k) total += fixnet::loss<L>(net, inputs[k], targets[k]);
    check_golden<T>("batch loss", vec{total / T(inputs.size())}, vec{g.loss});

    // The gradient of the batch loss: the sum of backprop over the samples, divided by their number.
    typename Net::gradient_type grad{};
    T backprop_total{};
    for (std::size_t k = 0; k < inputs.size(); ++k) backprop_total += fixnet::backprop<L>(net, inputs[k], targets[k], grad);
    vec summed = get_parameters(grad);
    for (auto& v : summed) v /= static_cast<real>(inputs.size());
    auto const want_grad = widen_golden(g.gradient);
    check_golden<T>("gradient (sum of backprop / batch)", summed, want_grad);
    check_golden<T>("batch loss returned by backprop", vec{backprop_total / T(inputs.size())}, vec{g.loss});

    // train_batch's own mean gradient (state.gradient) and the loss it reports, before its update.
    {
        Net n2{};
        set_parameters(n2, d.initial);
        fixnet::sgd<double> const opt{.learning_rate = hyper::sgd_learning_rate};
        fixnet::optimizer_state<Net, fixnet::sgd<double>> st{};
        auto const r = fixnet::train_batch<L>(n2, std::span<const typename Net::input_type>(inputs),
                                              std::span<const typename Net::output_type>(targets), opt, st);
        REQUIRE(r.code == fixnet::status::ok);
        check_golden<T>("train_batch's loss", vec{r.loss}, vec{g.loss});
        check_golden<T>("train_batch's state.gradient", get_parameters(st.gradient), want_grad);
    }

    fixnet::sgd<double> const plain{.learning_rate = hyper::sgd_learning_rate};
    fixnet::sgd<double> const momentum{.learning_rate = hyper::sgd_learning_rate, .momentum = hyper::sgd_momentum};
    fixnet::sgd<double> const nesterov{.learning_rate = hyper::sgd_learning_rate, .momentum = hyper::sgd_momentum, .nesterov = true};
    fixnet::sgd<double> const sgd_decay{
        .learning_rate = hyper::sgd_learning_rate, .momentum = hyper::sgd_momentum, .weight_decay = hyper::weight_decay};
    fixnet::adam<double> const adam{.learning_rate = hyper::adam_learning_rate,
                                    .beta1 = hyper::adam_beta1,
                                    .beta2 = hyper::adam_beta2,
                                    .epsilon = hyper::adam_epsilon};
    fixnet::adam<double> adam_decay = adam;
    adam_decay.weight_decay = hyper::weight_decay;
    fixnet::rprop<double> const rprop{.initial_step = hyper::rprop_initial_step,
                                      .eta_minus = hyper::rprop_eta_minus,
                                      .eta_plus = hyper::rprop_eta_plus,
                                      .min_step = hyper::rprop_min_step,
                                      .max_step = hyper::rprop_max_step};
    check_optimizer<L, Net>(optimizer_names[0], plain, d, g.after[0]);
    check_optimizer<L, Net>(optimizer_names[1], momentum, d, g.after[1]);
    check_optimizer<L, Net>(optimizer_names[2], nesterov, d, g.after[2]);
    check_optimizer<L, Net>(optimizer_names[3], sgd_decay, d, g.after[3]);
    check_optimizer<L, Net>(optimizer_names[4], adam, d, g.after[4]);
    check_optimizer<L, Net>(optimizer_names[5], adam_decay, d, g.after[5]);
    check_optimizer<L, Net>(optimizer_names[6], rprop, d, g.after[6]);
}

template <class Case, class Net, class Data, class... L>
void check_losses(const Data& d, type_list<L...>) {
    (check_loss<Case, Net, L>(d), ...);
}

/// The golden test case's name, one for both files: doctest appends the configuration.
constexpr const char* golden_test_name = "golden: outputs, losses, gradients and three optimizer steps match PyTorch";

/// Everything the golden test checks for configuration C.
template <class C>
void check_golden_configuration() {
    using Case = typename C::case_type;
    using T = typename C::value_type;
    using Net = typename C::net_t;
    INFO(Case::name << " " << Net::backend_type::name << (sizeof(T) == 4 ? " float" : " double"));
    auto const d = Case::template data<T>();

    Net net{};
    set_parameters(net, d.initial);
    REQUIRE(get_parameters(net) == widen_golden(d.initial));  // the flat order round-trips
    auto const inputs = split_inputs<Net>(d.inputs);
    std::vector<typename Net::output_type> outs;
    for (auto const& x : inputs) outs.push_back(net.forward(x));
    auto const want = widen_golden(d.outputs);
    check_golden<T>("forward", flatten_outputs(outs), want);

    // forward_batch on the 4 samples, and on them repeated to 37 samples: enough to fill whole SIMD
    // batches or blocks of samples (up to 16 lanes) plus a tail, so that its vector paths run too.
    for (std::size_t const count : {std::size_t{4}, std::size_t{37}}) {
        CAPTURE(count);
        std::vector<typename Net::input_type> many(count);
        vec want_many;
        for (std::size_t k = 0; k < count; ++k) {
            many[k] = inputs[k % inputs.size()];
            want_many.insert(want_many.end(), want.begin() + static_cast<std::ptrdiff_t>(k % inputs.size() * Net::output_size),
                             want.begin() + static_cast<std::ptrdiff_t>((k % inputs.size() + 1) * Net::output_size));
        }
        std::vector<typename Net::output_type> batch_outs(count);
        REQUIRE(net.forward_batch(many, batch_outs) == fixnet::status::ok);
        check_golden<T>("forward_batch", flatten_outputs(batch_outs), want_many);
    }

    check_losses<Case, Net>(d, typename Case::losses{});
}

}  // namespace
