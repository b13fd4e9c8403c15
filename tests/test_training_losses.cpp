// Training breadth, the losses: every loss's values at hand-computed points, its gradient against
// central differences, the fused deltas against the unfused chain, backprop of mixed networks with
// every loss against central differences of the loss; and the constexpr log and log1p that the
// losses and softplus compute with in constant evaluation. Softplus and softmax are in
// tests/test_training_activations.cpp, train_batch and fit in tests/test_training_fit.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "reference_mlp.hpp"

namespace test_training_losses {

using namespace fixnet_test;
using fixnet::dense;

// ---- losses ------------------------------------------------------------------------------------------

TEST_CASE("losses: values at hand-computed points") {
    using A2 = std::array<double, 2>;
    using A3 = std::array<double, 3>;
    A3 const out{0.5, 0.2, 0.9}, t{1, 0, 1};
    // Squared errors 0.25, 0.04, 0.01.
    CHECK(fixnet::half_squared_error::value(out, t) == doctest::Approx(0.15).epsilon(1e-15));
    CHECK(fixnet::mean_squared_error::value(out, t) == doctest::Approx(0.1).epsilon(1e-15));
    CHECK(fixnet::half_squared_error::gradient(out, t, 0) == -0.5);
    CHECK(fixnet::mean_squared_error::gradient(out, t, 1) == doctest::Approx(2 * 0.2 / 3).epsilon(1e-15));
    CHECK(fixnet::half_squared_error::value(A2{0.3, 0.3}, A2{0.3, 0.3}) == 0.0);
    // -(log 0.5 + log 0.8) / 2
    CHECK(fixnet::binary_cross_entropy::value(A2{0.5, 0.2}, A2{1, 0}) == doctest::Approx(0.4581453659370775).epsilon(1e-15));
    // -(0.3 log 0.6 + 0.7 log 0.4): a soft target
    CHECK(fixnet::binary_cross_entropy::value(std::array<double, 1>{0.6}, std::array<double, 1>{0.3}) ==
          doctest::Approx(0.7946511994417057).epsilon(1e-15));
    // log clamped at -100: an output of exactly 0 against target 1 costs 100 (per output, / N).
    CHECK(fixnet::binary_cross_entropy::value(A2{0.0, 1.0}, A2{1, 1}) == 50.0);
    CHECK(fixnet::binary_cross_entropy::value(A2{0.0, 1.0}, A2{0, 1}) == 0.0);
    // The general gradient: (out - t) / (out (1 - out)) / N, the denominator at least 1e-12.
    CHECK(fixnet::binary_cross_entropy::gradient(A2{0.5, 0.2}, A2{1, 0}, 0) == -1.0);
    CHECK(fixnet::binary_cross_entropy::gradient(A2{0.5, 0.2}, A2{1, 0}, 1) == doctest::Approx(0.2 / 0.16 / 2).epsilon(1e-15));
    CHECK(fixnet::binary_cross_entropy::gradient(std::array<double, 1>{1.0}, std::array<double, 1>{0.0}, 0) == 1e12);
    // Cross-entropy: -log 0.2 for class 1; a soft target -(0.5 log 0.7 + 0.5 log 0.2); zero targets
    // contribute nothing even where the output is 0; an output of 0 for the class costs 100.
    A3 const p{0.7, 0.2, 0.1};
    CHECK(fixnet::cross_entropy::value(p, A3{0, 1, 0}) == doctest::Approx(1.6094379124341003).epsilon(1e-15));
    CHECK(fixnet::cross_entropy::value(p, A3{0.5, 0.5, 0}) == doctest::Approx(0.9830564281864164).epsilon(1e-15));
    CHECK(fixnet::cross_entropy::value(A3{0.5, 0.5, 0}, A3{0.5, 0.5, 0}) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(fixnet::cross_entropy::value(A3{1, 0, 0}, A3{0, 1, 0}) == 100.0);
    CHECK(fixnet::cross_entropy::gradient(p, A3{0, 1, 0}, 1) == -5.0);
    CHECK(fixnet::cross_entropy::gradient(A3{1, 0, 0}, A3{1, 0, 0}, 1) == 0.0);  // zero target, zero output: 0, not NaN
    // Float too.
    CHECK(fixnet::binary_cross_entropy::value(std::array<float, 2>{0.5f, 0.2f}, std::array<float, 2>{1, 0}) ==
          doctest::Approx(0.4581453659370775).epsilon(1e-6));
    CHECK(fixnet::cross_entropy::value(std::array<float, 3>{0.7f, 0.2f, 0.1f}, std::array<float, 3>{0, 1, 0}) ==
          doctest::Approx(1.6094379124341003).epsilon(1e-6));
}

namespace {

/// L::gradient against central differences of L::value in each output, at outputs in [0.1, 0.9]
/// (where bce's and cross-entropy's 1/out terms stay tame). h = 2^-20: truncation h^2 / 6 |f'''|
/// <= 3e-10 (|f'''| <= 2 / 0.1^3), rounding eps |f| / h <= 2e-9 for |f| <= 10.
template <class L>
void check_loss_gradient() {
    fixnet::random_engine rng{8};
    double const h = 0x1.0p-20;
    for (int trial = 0; trial < 100; ++trial) {
        auto const out = random_array<double, 4>(rng, 0.1, 0.9);
        auto t = random_array<double, 4>(rng, 0, 1);
        if (trial % 2 == 0) t = {0, 0, 1, 0};  // one-hot, with zero targets
        for (std::size_t o = 0; o < 4; ++o) {
            auto up = out, down = out;
            up[o] += h;
            down[o] -= h;
            double const fd = (L::value(up, t) - L::value(down, t)) / (up[o] - down[o]);
            double const g = L::gradient(out, t, o);
            CHECK_MESSAGE(std::fabs(g - fd) <= 1e-8 + 1e-8 * std::fabs(fd), "output " << o << ": " << g << " vs " << fd);
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("losses: gradient against central differences (double)", L, fixnet::half_squared_error,
                   fixnet::mean_squared_error, fixnet::binary_cross_entropy, fixnet::cross_entropy) {
    check_loss_gradient<L>();
}

TEST_CASE("losses: the fused deltas equal the unfused chain (gradient, then the activation's backward)") {
    fixnet::random_engine rng{12};
    double const eps = std::numeric_limits<double>::epsilon();
    for (int trial = 0; trial < 200; ++trial) {
        // binary_cross_entropy after sigmoid: (y - t) / N against dE/dy * y (1 - y).
        auto const z = random_array<double, 4>(rng, -6, 6);
        auto const t = random_array<double, 4>(rng, 0, 1);
        std::array<double, 4> y{}, fused{};
        for (std::size_t o = 0; o < 4; ++o) y[o] = fixnet::sigmoid::value(z[o]);
        fixnet::binary_cross_entropy::fused_delta<fixnet::sigmoid>(y, t, fused);
        for (std::size_t o = 0; o < 4; ++o) {
            double const chained = fixnet::binary_cross_entropy::gradient(y, t, o) * fixnet::sigmoid::derivative(z[o], y[o]);
            // The chain computes (y - t) / v / N * v' with v, v' both y (1 - y) (the same rounding): 4
            // roundings of |y - t| / N.
            CHECK_MESSAGE(std::fabs(fused[o] - chained) <= 4 * eps * std::fabs(fused[o]), fused[o] << " vs " << chained);
        }
        // cross_entropy after softmax: y sum(t) - t against softmax::backward of g = -t / y. The chain
        // cancels (-t_o + y_o sum t): its error is absolute, a few eps of |t_o| + y_o sum t per term.
        auto const zs = random_array<double, 4>(rng, -4, 4);
        auto ts = random_array<double, 4>(rng, 0, 1);  // not normalised: the fused delta's sum(t) matters
        if (trial % 2 == 0) ts = {0, 1, 0, 0};
        std::array<double, 4> ys{}, fs{}, g{}, chained{};
        fixnet::softmax::apply(zs, ys);
        fixnet::cross_entropy::fused_delta<fixnet::softmax>(ys, ts, fs);
        for (std::size_t o = 0; o < 4; ++o) g[o] = fixnet::cross_entropy::gradient(ys, ts, o);
        fixnet::softmax::backward(zs, ys, g, chained);
        double const mass = ts[0] + ts[1] + ts[2] + ts[3];
        for (std::size_t o = 0; o < 4; ++o)
            CHECK_MESSAGE(std::fabs(fs[o] - chained[o]) <= 8 * eps * (ts[o] + ys[o] * mass), fs[o] << " vs " << chained[o]);
    }
}

// ---- backprop of mixed networks with every loss, against central differences ------------------------

namespace {

template <class B>
using softmax_mixed = fixnet::basic_network<B, double, 3, dense<5, fixnet::softplus>, dense<4, fixnet::tanh>, dense<3, fixnet::softmax>>;
template <class B>
using sigmoid_mixed =
    fixnet::basic_network<B, double, 3, dense<6, fixnet::softplus>, dense<5, fixnet::leaky_relu<>>, dense<2, fixnet::sigmoid>>;
template <class B>
using softplus_out = fixnet::basic_network<B, double, 2, dense<4, fixnet::tanh>, dense<3, fixnet::softmax>, dense<2, fixnet::softplus>>;

/// backprop<L> against central differences of loss<L> in every parameter: the fused paths
/// (binary_cross_entropy after sigmoid, cross_entropy after softmax), softmax's Jacobian with the
/// other losses, softmax and softplus inside the network. Tolerance as tests/test_gradients.cpp:
/// the quotient's own error is a few 1e-11 relative; 1e-7 relative plus 1e-9 absolute.
template <class Net, class L>
void check_network_loss_gradient() {
    INFO(Net::backend_type::name << " " << Net::input_size << "-...-" << Net::output_size);
    for (std::uint64_t const seed : {3u, 4u}) {
        CAPTURE(seed);
        Net net{};
        seeded_network(net, seed);
        fixnet::random_engine rng{seed + 50};
        auto const x = random_array<double, Net::input_size>(rng, -1, 1);
        auto t = random_array<double, Net::output_size>(rng, 0.05, 0.95);
        if (seed == 4) {  // one-hot
            t = {};
            t[1] = 1;
        }
        typename Net::gradient_type g{};
        double const e = fixnet::backprop<L>(net, x, t, g);
        CHECK(e == doctest::Approx(fixnet::loss<L>(net, x, t)).epsilon(1e-14));
        auto const fd = parameter_central_differences(net, [&](const Net& n) { return fixnet::loss<L>(n, x, t); });
        auto const tol = fd_tolerance(fd);
        check_within("backprop vs central differences", flat(g), fd, tol);
        check_meaningful("central differences", fd, tol);
    }
}

template <class Net, class... L>
void check_network_all_losses() {
    (check_network_loss_gradient<Net, L>(), ...);
}

}  // namespace

TEST_CASE_TEMPLATE("losses: backprop with every loss on mixed networks matches central differences (double)", B,
                   fixnet::scalar_backend, fixnet::simd_backend) {
    check_network_all_losses<softmax_mixed<B>, fixnet::half_squared_error, fixnet::mean_squared_error,
                             fixnet::binary_cross_entropy, fixnet::cross_entropy>();
    check_network_all_losses<sigmoid_mixed<B>, fixnet::half_squared_error, fixnet::mean_squared_error,
                             fixnet::binary_cross_entropy, fixnet::cross_entropy>();
    check_network_all_losses<softplus_out<B>, fixnet::half_squared_error, fixnet::mean_squared_error>();
}

// ---- the constexpr log and log1p ---------------------------------------------------------------------

namespace {

/// |got - want| in units of the ulp of want rounded to double.
double ulps_off(double got, real want) {
    double const w = static_cast<double>(want);
    double const ulp = std::nextafter(std::fabs(w), std::numeric_limits<double>::infinity()) - std::fabs(w);
    return static_cast<double>(std::fabs(got - want) / ulp);
}

/// Where long double is only double, the reference (glibc's log and log1p) is itself up to about an
/// ulp off: its share is added to the bounds.
constexpr double log_reference_share = std::numeric_limits<real>::digits > 53 ? 0 : 1;

}  // namespace

TEST_CASE("math: the constexpr log_double and log1p_double are within 3 and 3.5 ulp of logl and log1pl") {
    double worst_log = 0, worst_log1p = 0;
    for (int k = 0; k <= 400000; ++k) {
        double const f = k / 400000.0;
        // log over [1e-300, 1e300] log-spaced, and [0.5, 2] around 1 where log is small, and subnormals.
        for (double const x : {std::pow(10.0, -300 + 600 * f), 0.5 + 1.5 * f, std::ldexp(1 + f, -1074 + static_cast<int>(50 * f))}) {
            worst_log = std::max(worst_log, x == 1 ? 0 : ulps_off(fixnet::detail::log_double(x), std::log(static_cast<real>(x))));
        }
        // log1p over [-0.9, 3], and tiny |x| log-spaced down to 1e-300 of both signs.
        double const tiny = std::pow(10.0, -300 + 299 * f);
        for (double const x : {-0.9 + 3.9 * f, tiny, -tiny}) {
            if (x == 0) continue;
            worst_log1p = std::max(worst_log1p, ulps_off(fixnet::detail::log1p_double(x), std::log1p(static_cast<real>(x))));
        }
    }
    MESSAGE("worst constexpr log / log1p error, ulp: " << worst_log << " / " << worst_log1p);
    CHECK(worst_log <= 3 + log_reference_share);
    CHECK(worst_log1p <= 3.5 + log_reference_share);
    // The special values.
    CHECK(fixnet::detail::log_double(1.0) == 0.0);
    CHECK(fixnet::detail::log_double(0.0) == -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(fixnet::detail::log_double(-1.0)));
    CHECK(std::isnan(fixnet::detail::log_double(std::numeric_limits<double>::quiet_NaN())));
    CHECK(fixnet::detail::log_double(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
    CHECK(fixnet::detail::log1p_double(0.0) == 0.0);
    CHECK(fixnet::detail::log1p_double(-1.0) == -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(fixnet::detail::log1p_double(std::numeric_limits<double>::quiet_NaN())));
}

}  // namespace test_training_losses
