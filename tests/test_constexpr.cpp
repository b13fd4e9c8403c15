// The article's forward pass, E_total, backprop and one train step evaluated at compile time.
// Every check here is a static_assert: if this file compiles, they hold (with g++ and clang++).
#include <doctest/doctest.h>

#include "article_network.hpp"
#include "generated/article_reference.hpp"

namespace test_constexpr {

namespace ref = article_reference;
using fixnet_test::article_input;
using fixnet_test::article_network;
using fixnet_test::article_target;
using fixnet_test::as;
using fixnet_test::close_rel;

namespace {

// One constant evaluation per quantity; each returns "all within tol" so a failure names it.
template <class Net>
struct at_compile_time {
    using T = typename Net::value_type;
    static constexpr double tol = sizeof(T) == 8 ? 1e-12 : 2e-6;

    static constexpr bool forward() {
        auto const out = article_network<Net>().forward(as<T>(article_input));
        return close_rel(out[0], ref::out_o[0], tol) && close_rel(out[1], ref::out_o[1], tol);
    }
    static constexpr bool loss() {
        return close_rel(fixnet::loss(article_network<Net>(), as<T>(article_input), as<T>(article_target)), ref::e_total[0], tol);
    }
    static constexpr bool backprop() {
        auto const net = article_network<Net>();
        typename Net::gradient_type g{};
        auto const e = fixnet::backprop(net, as<T>(article_input), as<T>(article_target), g);
        auto const w = fixnet_test::article_weights(g);
        bool ok = close_rel(e, ref::e_total[0], tol);
        for (std::size_t k = 0; k < 8; ++k) ok = ok && close_rel(w[k], ref::grad_w[k], tol);
        ok = ok && close_rel(g.template layer<0>().bias(0), ref::delta_h[0], tol) && close_rel(g.template layer<0>().bias(1), ref::delta_h[1], tol);
        ok = ok && close_rel(g.template layer<1>().bias(0), ref::delta_o[0], tol) && close_rel(g.template layer<1>().bias(1), ref::delta_o[1], tol);
        return ok;
    }
    static constexpr bool train_step() {
        auto net = article_network<Net>();
        fixnet::train_step(net, as<T>(article_input), as<T>(article_target), fixnet::sgd<T>{.learning_rate = T(0.5), .learn_biases = false});
        auto const w = fixnet_test::article_weights(net);
        bool ok = net.template layer<0>().bias(0) == T(0.35) && net.template layer<1>().bias(0) == T(0.60);
        for (std::size_t k = 0; k < 8; ++k) ok = ok && close_rel(w[k], ref::w_after_step[k], tol);
        return ok;
    }
};

template <class B, class T>
using net_222 = fixnet::basic_mlp<B, T, fixnet::sigmoid, 2, 2, 2>;

#define FIXNET_STATIC_CHECKS(B, T)                                                  \
    static_assert(at_compile_time<net_222<B, T>>::forward(), "forward " #B " " #T);   \
    static_assert(at_compile_time<net_222<B, T>>::loss(), "loss " #B " " #T);         \
    static_assert(at_compile_time<net_222<B, T>>::backprop(), "backprop " #B " " #T); \
    static_assert(at_compile_time<net_222<B, T>>::train_step(), "train_step " #B " " #T);

FIXNET_STATIC_CHECKS(fixnet::scalar_backend, double)
FIXNET_STATIC_CHECKS(fixnet::simd_backend, double)
FIXNET_STATIC_CHECKS(fixnet::scalar_backend, float)
FIXNET_STATIC_CHECKS(fixnet::simd_backend, float)

// The sigmoid is finite at the extremes in constant evaluation too.
static_assert(fixnet::sigmoid::value(-1000.0) == 0.0);
static_assert(fixnet::sigmoid::value(1000.0) == 1.0);
static_assert(fixnet::sigmoid::value(-1000.0f) == 0.0f);
static_assert(fixnet::sigmoid::value(1000.0f) == 1.0f);

// initialize() runs at compile time and gives the same numbers as at run time.
constexpr auto initialised_at_compile_time = [] {
    fixnet::mlp<float, fixnet::sigmoid, 3, 5, 2> net{};
    fixnet::initialize(net, 42);
    return net;
}();

}  // namespace

TEST_CASE("constexpr: the static_asserts of this file compiled") {
    // Runtime twin of the compile-time initialisation: bit-identical parameters.
    fixnet::mlp<float, fixnet::sigmoid, 3, 5, 2> net{};
    fixnet::initialize(net, 42);
    CHECK(net == initialised_at_compile_time);
    CHECK(net.layer<0>().weight(0, 0) != 0.0f);
}

}  // namespace test_constexpr
