// Training breadth: softplus and softmax (values against long double, derivatives and the softmax
// Jacobian against central differences, the vector versions against the scalar ones), every loss
// (values at hand-computed points, gradients against central differences, the fused deltas against
// the unfused chain, backprop of mixed networks against central differences of the loss),
// train_batch's statuses and its batch of one, fit (XOR with Adam and with full-batch Rprop, the
// callback, early stops, errors, determinism), index_permutation, the constexpr log and log1p, and
// all of it in constant evaluation.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include "reference_mlp.hpp"
#include "vector_activation_check.hpp"

using namespace fixnet_test;
using fixnet::dense;

namespace {

const char* type_name(float) { return "float"; }
const char* type_name(double) { return "double"; }

// ---- softplus ----------------------------------------------------------------------------------------

real exact_softplus(real z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
real exact_sigmoid(real z) { return 1 / (1 + std::exp(-z)); }

/// Softplus test points: +-1000, 0, the edges of float's and double's exp range, and a dense sweep of [-50, 50].
template <class T>
std::vector<T> softplus_points() {
    using lim = std::numeric_limits<T>;
    std::vector<T> p{T(0), -T(0), lim::denorm_min(), lim::min(), T(1e-30), T(1e-7), T(0.5), T(1), T(15), T(20), T(36),
                     T(40), T(87), T(88), T(100), T(700), T(745), T(1000), lim::max(), lim::infinity()};
    for (std::size_t k = 0, n = p.size(); k < n; ++k) p.push_back(-p[k]);
    for (int k = -50000; k <= 50000; ++k) p.push_back(static_cast<T>(k / 1000.0 + 0.0003));
    return p;
}

/// Returns the worst error of softplus::value in units of eps * |exact| (where the exact value is normal).
template <class T>
double check_softplus_values() {
    INFO(type_name(T{}));
    real const eps = std::numeric_limits<T>::epsilon();
    double worst = 0;
    std::size_t bad = 0;
    for (T const z : softplus_points<T>()) {
        T const y = fixnet::softplus::value(z);
        real const want = exact_softplus(z);
        real const err = std::fabs(y - want);
        // glibc's exp and log1p (each within an ulp) and one addition: 2 eps |y| stated, 1.5 measured
        // (see the message). Results below the smallest normal number (z < -87 in float, -708 in
        // double: e^z) lose their relative precision to the subnormal spacing: the absolute term.
        bool const ok = near(y, want, 2 * eps * std::fabs(want) + std::numeric_limits<T>::denorm_min());
        if (!ok) {
            ++bad;
            if (bad < 5) FAIL_CHECK("softplus(" << z << ") = " << y << ", want " << static_cast<double>(want));
        }
        if (std::fabs(want) >= std::numeric_limits<T>::min() && std::isfinite(want))
            worst = std::max(worst, static_cast<double>(err / (eps * std::fabs(want))));
        // Never negative, never below the relu, and exactly z for large z.
        CHECK_MESSAGE((y >= T(0) && y >= z), "softplus(" << z << ") = " << y);
    }
    CHECK(bad == 0);
    CHECK(std::isnan(fixnet::softplus::value(std::numeric_limits<T>::quiet_NaN())));
    CHECK(std::isnan(fixnet::softplus::derivative(std::numeric_limits<T>::quiet_NaN(), T(0))));
    CHECK(fixnet::softplus::value(T(1000)) == T(1000));
    CHECK(fixnet::softplus::value(T(-1000)) == T(0));
    CHECK(fixnet::softplus::value(std::numeric_limits<T>::infinity()) == std::numeric_limits<T>::infinity());
    CHECK(fixnet::softplus::value(T(0)) == T(0.693147180559945309417L));  // log 2, correctly rounded
    return worst;
}

}  // namespace

TEST_CASE("softplus: value within 2 eps |exact| of long double (plus subnormal spacing), NaN stays NaN") {
    double const f = check_softplus_values<float>();
    double const d = check_softplus_values<double>();
    MESSAGE("worst softplus error, in eps * |exact|: float " << f << ", double " << d);
    // The derivative is the sigmoid: against long double, 2 eps relative (exp and two roundings) plus
    // the subnormal spacing (1 / (1 + e^-z) is below the smallest normal for z < -87 / -708).
    for (double const z : softplus_points<double>()) {
        real const want = exact_sigmoid(z);
        CHECK_MESSAGE(near(fixnet::softplus::derivative(z, fixnet::softplus::value(z)), want,
                           2 * std::numeric_limits<double>::epsilon() * want + std::numeric_limits<double>::denorm_min()),
                      "z = " << z);
    }
    CHECK(fixnet::softplus::derivative(1000.0, 1000.0) == 1.0);
    CHECK(fixnet::softplus::derivative(-1000.0f, 0.0f) == 0.0f);
}

TEST_CASE("softplus: derivative against central differences (double)") {
    // h = 2^-17: truncation h^2 / 6 |softplus'''| <= 1.6e-12 (|sigmoid''| <= 0.1), rounding eps |f| / h
    // <= 2e-11 for |f| <= 10.
    double const h = 0x1.0p-17;
    for (int k = -400; k <= 400; ++k) {
        double const z = k / 40.0 + 0.0125;
        CAPTURE(z);
        double const fd = (fixnet::softplus::value(z + h) - fixnet::softplus::value(z - h)) / (2 * h);
        CHECK(std::fabs(fixnet::softplus::derivative(z, fixnet::softplus::value(z)) - fd) <= 1e-9);
    }
}

// ---- softmax -----------------------------------------------------------------------------------------

namespace {

template <std::size_t N>
std::array<real, N> exact_softmax(const std::array<real, N>& z) {
    real m = z[0];
    for (real v : z) m = std::max(m, v);
    std::array<real, N> y{};
    real s = 0;
    for (std::size_t o = 0; o < N; ++o) s += y[o] = std::exp(z[o] - m);
    for (auto& v : y) v /= s;
    return y;
}

/// Per output, how far a softmax computed in T (any exp within 2 ulp) may be from the exact one:
/// z_o - m rounds to within u |z_o - m|, which e^ turns into that relative error; the exp itself
/// adds 2 ulp, the sum of N positive terms (N - 1) u plus the largest error of its terms, the division
/// u. In eps = 2u: (|z_o - m| + max_j |z_j - m|) / 2 + N / 2 + 3, rounded up to the formula below.
/// Plus the type's smallest normal, absolute: e^(z_o - m) below it is subnormal (or flushed to zero).
template <class T, std::size_t N>
std::array<real, N> softmax_bound(const std::array<T, N>& z, const std::array<real, N>& y, real ulps_exp = 2) {
    real const eps = std::numeric_limits<T>::epsilon();
    T m = z[0];
    for (T v : z) m = std::max(m, v);
    real spread = 0;
    for (T v : z) spread = std::max(spread, static_cast<real>(m) - v);
    std::array<real, N> b{};
    for (std::size_t o = 0; o < N; ++o)
        b[o] = eps * y[o] * ((static_cast<real>(m) - z[o] + spread) / 2 + real(N) / 2 + 2 * ulps_exp + 2) +
               std::numeric_limits<T>::min();
    return b;
}

template <class T, std::size_t N>
void check_softmax_of_width(fixnet::random_engine& rng, real& worst_sum) {
    INFO(type_name(T{}) << ", width " << N);
    real const eps = std::numeric_limits<T>::epsilon();
    for (int trial = 0; trial < 300; ++trial) {
        // Spreads from 1 to 1000: the wider ones leave outputs that underflow.
        double const spread = trial < 100 ? 1 : trial < 200 ? 30 : 1000;
        auto const z = random_array<T, N>(rng, -spread, spread);
        std::array<T, N> y{};
        fixnet::softmax::apply(z, y);
        std::array<real, N> zr{};
        for (std::size_t o = 0; o < N; ++o) zr[o] = z[o];
        auto const want = exact_softmax(zr);
        auto const tol = softmax_bound(z, want);
        real sum = 0;
        for (std::size_t o = 0; o < N; ++o) {
            CHECK_MESSAGE(near(y[o], want[o], tol[o]), "z[" << o << "] = " << z[o] << ": y = " << y[o] << ", want "
                                                            << static_cast<double>(want[o]));
            CHECK(y[o] >= T(0));
            CHECK(y[o] <= T(1));
            sum += y[o];
        }
        // The outputs sum to 1 within (N + 2) eps: each y_o = e_o / s carries the division's rounding
        // and the exp's and the sum's relative errors, the latter the same for every o, so they
        // largely cancel in the total (measured: see the message).
        worst_sum = std::max(worst_sum, std::fabs(sum - 1) / eps);
        CHECK(std::fabs(sum - 1) <= (real(N) + 2) * eps);
    }
}

template <class T>
void check_softmax_extremes() {
    INFO(type_name(T{}));
    using lim = std::numeric_limits<T>;
    std::array<T, 3> y{};
    fixnet::softmax::apply(std::array<T, 3>{T(1000), T(-1000), T(0)}, y);
    CHECK(y == std::array<T, 3>{T(1), T(0), T(0)});
    fixnet::softmax::apply(std::array<T, 3>{T(-1000), T(-1000), T(-1000)}, y);
    CHECK(y[0] == T(1) / T(3));
    CHECK(y[1] == y[0]);
    CHECK(y[2] == y[0]);
    fixnet::softmax::apply(std::array<T, 3>{T(1000), T(1000), T(-1000)}, y);
    CHECK(y == std::array<T, 3>{T(0.5), T(0.5), T(0)});
    // The largest spread there is: still finite, the max takes everything.
    fixnet::softmax::apply(std::array<T, 3>{-lim::max(), lim::max(), T(0)}, y);
    CHECK(y == std::array<T, 3>{T(0), T(1), T(0)});
    // A NaN anywhere makes every output NaN.
    for (std::size_t k = 0; k < 3; ++k) {
        std::array<T, 3> z{T(0.5), T(-2), T(7)};
        z[k] = lim::quiet_NaN();
        fixnet::softmax::apply(z, y);
        CHECK(std::isnan(y[0]));
        CHECK(std::isnan(y[1]));
        CHECK(std::isnan(y[2]));
    }
    // One output: always exactly 1.
    std::array<T, 1> one{};
    fixnet::softmax::apply(std::array<T, 1>{T(-123.5)}, one);
    CHECK(one[0] == T(1));
}

}  // namespace

TEST_CASE("softmax: against long double, sums to 1 within (N + 2) eps, finite at +-1000 and huge spreads, NaN poisons all") {
    fixnet::random_engine rng{77};
    real worst_f = 0, worst_d = 0;
    check_softmax_of_width<float, 3>(rng, worst_f);
    check_softmax_of_width<float, 10>(rng, worst_f);
    check_softmax_of_width<float, 17>(rng, worst_f);
    check_softmax_of_width<double, 3>(rng, worst_d);
    check_softmax_of_width<double, 10>(rng, worst_d);
    check_softmax_of_width<double, 17>(rng, worst_d);
    MESSAGE("worst |sum - 1| in eps: float " << static_cast<double>(worst_f) << ", double " << static_cast<double>(worst_d));
    check_softmax_extremes<float>();
    check_softmax_extremes<double>();
    // softmax(0, log 3) = (1/4, 3/4).
    std::array<double, 2> y{};
    fixnet::softmax::apply(std::array<double, 2>{0.0, std::log(3.0)}, y);
    CHECK(y[0] == doctest::Approx(0.25).epsilon(1e-15));
    CHECK(y[1] == doctest::Approx(0.75).epsilon(1e-15));
}

TEST_CASE("softmax: backward equals the central-difference Jacobian-vector product (double)") {
    // dz_k = sum_o g_o dy_o / dz_k. h = 2^-17: truncation h^2 / 6 |y'''| |g| below 1e-10, rounding
    // eps / h |g| below 1e-10.
    fixnet::random_engine rng{5};
    double const h = 0x1.0p-17;
    for (int trial = 0; trial < 50; ++trial) {
        auto const z = random_array<double, 5>(rng, -3, 3);
        auto const g = random_array<double, 5>(rng, -2, 2);
        std::array<double, 5> y{}, dz{};
        fixnet::softmax::apply(z, y);
        fixnet::softmax::backward(z, y, g, dz);
        for (std::size_t k = 0; k < 5; ++k) {
            auto up = z, down = z;
            up[k] += h;
            down[k] -= h;
            std::array<double, 5> yu{}, yd{};
            fixnet::softmax::apply(up, yu);
            fixnet::softmax::apply(down, yd);
            double fd = 0;
            for (std::size_t o = 0; o < 5; ++o) fd += g[o] * (yu[o] - yd[o]) / (up[k] - down[k]);
            CHECK_MESSAGE(std::fabs(dz[k] - fd) <= 1e-9, "k = " << k << ": " << dz[k] << " vs " << fd);
        }
        // dz sums to 0 (shifting every z alike changes nothing), within rounding.
        CHECK(std::fabs(dz[0] + dz[1] + dz[2] + dz[3] + dz[4]) <= 1e-14);
    }
    // backward may write into g itself (LayerActivation's contract).
    std::array<double, 3> z{0.1, -0.4, 0.7}, y{}, g{1, -1, 0.5}, dz{};
    fixnet::softmax::apply(z, y);
    fixnet::softmax::backward(z, y, g, dz);
    fixnet::softmax::backward(z, y, g, g);
    CHECK(g == dz);
}

// ---- the vector softplus and softmax -----------------------------------------------------------------

#if FIXNET_HAS_SIMD
namespace {

/// The vector softplus against the scalar one (tests/vector_activation_check.hpp), on the softplus
/// test points: within 3.5 eps |scalar| (see the test case) plus the smallest normal, absolute, since
/// the vector e^-|z| returns 0 where the result would be subnormal (below e^-87.3 / e^-708). Returns
/// the worst difference in units of eps * |scalar|.
template <class T>
double check_vector_softplus() {
    return check_vector_activation_lanes<fixnet::softplus>(
        softplus_points<T>(), [](T z) { return static_cast<real>(fixnet::softplus::value(z)); },
        vector_bound{.relative = 3.5L, .absolute = std::numeric_limits<T>::min()});
}

/// softmax_across_samples (one sample per lane) against softmax::apply of each lane.
template <class T, std::size_t N>
double check_softmax_across_samples(fixnet::random_engine& rng) {
    if constexpr (!fixnet::detail::simd_has_lanes<T>) {
        return 0;
    } else {
        using B = xsimd::batch<T>;
        constexpr std::size_t L = B::size;
        INFO(type_name(T{}) << ", width " << N);
        real const eps = std::numeric_limits<T>::epsilon();
        double worst = 0;
        for (int trial = 0; trial < 200; ++trial) {
            double const spread = trial < 100 ? 3 : 200;
            alignas(64) std::array<std::array<T, L>, N> lanes{};  // [output][sample]
            for (auto& o : lanes)
                for (auto& v : o) v = static_cast<T>(uniform(rng, -spread, spread));
            if (trial == 0) lanes[N / 2][0] = std::numeric_limits<T>::quiet_NaN();  // poisons sample 0 only
            std::array<B, N> y;
            for (std::size_t o = 0; o < N; ++o) y[o] = B::load_aligned(lanes[o].data());
            fixnet::kernels::simd::softmax_across_samples(y);
            alignas(64) std::array<std::array<T, L>, N> got{};
            for (std::size_t o = 0; o < N; ++o) y[o].store_aligned(got[o].data());
            for (std::size_t s = 0; s < L; ++s) {
                std::array<T, N> z{}, want{};
                for (std::size_t o = 0; o < N; ++o) z[o] = lanes[o][s];
                fixnet::softmax::apply(z, want);
                std::array<real, N> wr{};
                for (std::size_t o = 0; o < N; ++o) wr[o] = want[o];
                // Both within softmax_bound of the exact value (vector exp within 2 ulp as well), so within the sum of both.
                auto const tol = softmax_bound(z, wr);
                for (std::size_t o = 0; o < N; ++o) {
                    if (std::isnan(want[o])) {
                        CHECK(std::isnan(got[o][s]));
                        continue;
                    }
                    CHECK_MESSAGE(near(got[o][s], want[o], 2 * tol[o]),
                                  "sample " << s << " output " << o << ": " << got[o][s] << " vs " << want[o]);
                    if (want[o] >= std::numeric_limits<T>::min())
                        worst = std::max(worst, static_cast<double>(std::fabs(got[o][s] - static_cast<real>(want[o])) / (eps * want[o])));
                }
            }
        }
        return worst;
    }
}

}  // namespace

TEST_CASE("softplus: the vector version is within 3.5 eps |softplus z| of the scalar one (plus the smallest normal)") {
    double const f = check_vector_softplus<float>();
    double const d = check_vector_softplus<double>();
    MESSAGE("worst vector softplus vs scalar, in eps * |scalar|: float " << f << ", double " << d);
    // Measured on AVX-512: float 2.75, double 2.94 (the scalar is within 0.97 eps of exact; the vector's
    // own exp and log1p series add the rest); bound 3.5.
    CHECK(f <= 3.5);
    CHECK(d <= 3.5);
}

TEST_CASE("softmax: across samples (one sample per lane) agrees with the scalar softmax") {
    fixnet::random_engine rng{91};
    double worst_f = 0, worst_d = 0;
    worst_f = std::max(worst_f, check_softmax_across_samples<float, 3>(rng));
    worst_f = std::max(worst_f, check_softmax_across_samples<float, 10>(rng));
    worst_f = std::max(worst_f, check_softmax_across_samples<float, 17>(rng));
    worst_d = std::max(worst_d, check_softmax_across_samples<double, 3>(rng));
    worst_d = std::max(worst_d, check_softmax_across_samples<double, 10>(rng));
    worst_d = std::max(worst_d, check_softmax_across_samples<double, 17>(rng));
    MESSAGE("worst vector (across samples) vs scalar softmax, in eps * y: float " << worst_f << ", double " << worst_d);
}
#endif

namespace {

/// A softmax output layer on simd_backend (across neurons in forward, across samples or blocks in
/// forward_batch) against the same network on scalar_backend. The pre-activations may differ by the
/// dot product's rounding, dz <= (In + 2) eps (|b| + sum |w||x|) per output (tests/test_simd.cpp's
/// rule); a softmax output moves by at most y_o (|dz_o| + max_j |dz_j|) from that, plus both
/// computations' own softmax_bound.
template <class T, std::size_t W>
void check_softmax_layer_simd_vs_scalar() {
    constexpr std::size_t In = 6;
    using scalar_net = fixnet::basic_network<fixnet::scalar_backend, T, In, dense<W, fixnet::softmax>>;
    using simd_net = fixnet::basic_network<fixnet::simd_backend, T, In, dense<W, fixnet::softmax>>;
    INFO(type_name(T{}) << ", width " << W);
    real const eps = std::numeric_limits<T>::epsilon();
    scalar_net s{};
    seeded_network(s, 40 + W);
    // Larger weights, so that the outputs spread over several orders of magnitude.
    fixnet::detail::for_each_parameter_array(s, [](auto& p, bool) {
        for (auto& v : p) v *= T(4);
    });
    auto const v = cast_network<simd_net>(s);
    fixnet::random_engine rng{W};
    constexpr std::size_t count = 37;  // whole SIMD batches or blocks of samples and a tail
    std::vector<typename scalar_net::input_type> xs(count);
    for (auto& x : xs) x = random_array<T, In>(rng, -2, 2);
    std::vector<typename scalar_net::output_type> batch_out(count);
    REQUIRE(v.forward_batch(xs, batch_out) == fixnet::status::ok);
    for (std::size_t k = 0; k < count; ++k) {
        auto const& x = xs[k];
        auto const ys = s.forward(x), yv = v.forward(x);
        auto const& l = s.template layer<0>();
        std::array<T, W> z{};
        real dz = 0;
        for (std::size_t o = 0; o < W; ++o) {
            real zo = l.bias(o), mag = std::fabs(l.bias(o));
            for (std::size_t i = 0; i < In; ++i) {
                zo += static_cast<real>(l.weight(o, i)) * x[i];
                mag += std::fabs(static_cast<real>(l.weight(o, i)) * x[i]);
            }
            z[o] = static_cast<T>(zo);
            dz = std::max(dz, static_cast<real>(In + 2) * eps * mag);
        }
        std::array<real, W> yr{};
        for (std::size_t o = 0; o < W; ++o) yr[o] = ys[o];
        auto const tol = softmax_bound(z, yr);
        for (std::size_t o = 0; o < W; ++o) {
            real const t = 2 * tol[o] + 2 * dz * yr[o];
            CHECK_MESSAGE(near(yv[o], ys[o], t), "sample " << k << " output " << o << ": simd " << yv[o] << ", scalar " << ys[o]);
            CHECK_MESSAGE(near(batch_out[k][o], ys[o], t),
                          "sample " << k << " output " << o << ": forward_batch " << batch_out[k][o] << ", scalar " << ys[o]);
        }
    }
}

}  // namespace

TEST_CASE("softmax: simd_backend networks with a softmax output layer agree with scalar_backend (widths 3, 10, 17)") {
    check_softmax_layer_simd_vs_scalar<float, 3>();
    check_softmax_layer_simd_vs_scalar<float, 10>();
    check_softmax_layer_simd_vs_scalar<float, 17>();
    check_softmax_layer_simd_vs_scalar<double, 3>();
    check_softmax_layer_simd_vs_scalar<double, 10>();
    check_softmax_layer_simd_vs_scalar<double, 17>();
}

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

template <class L, class Net>
vec loss_central_differences(Net net, const typename Net::input_type& x, const typename Net::output_type& t) {
    double const h = 0x1.0p-17;
    vec g;
    for (double* p : parameter_pointers(net)) {
        double const v = *p, up = v + h, down = v - h;
        *p = up;
        double const e_up = fixnet::loss<L>(net, x, t);
        *p = down;
        double const e_down = fixnet::loss<L>(net, x, t);
        *p = v;
        g.push_back((static_cast<real>(e_up) - e_down) / (static_cast<real>(up) - down));
    }
    return g;
}

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
        auto const fd = loss_central_differences<L>(net, x, t);
        vec tol;
        for (real v : fd) tol.push_back(1e-7L * std::fabs(v) + 1e-9L);
        check_within("backprop vs central differences", flat(g), fd, tol);
        std::size_t big = 0;
        for (std::size_t k = 0; k < fd.size(); ++k) big += std::fabs(fd[k]) > 100 * tol[k] ? 1 : 0;
        CHECK(2 * big >= fd.size());
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

// ---- train_batch -------------------------------------------------------------------------------------

namespace {

/// The object representation: for "unchanged" checks of one object against its own earlier copy.
/// (Two different objects are compared by value instead, with values_of: a simd_backend network is
/// padded to its alignment, and padding bytes need not agree between objects.)
template <class X>
std::vector<unsigned char> bytes_of(const X& x) {
    std::vector<unsigned char> b(sizeof(X));
    std::memcpy(b.data(), &x, sizeof(X));
    return b;
}

/// Every parameter of a network, widened exactly (equal vectors: equal parameters, bit for bit but for
/// the sign of zero).
template <class Net>
    requires fixnet::Network<Net>
vec values_of(const Net& net) {
    return flat(net);
}

/// Every value an optimizer state holds.
template <class S>
    requires(!fixnet::Network<S>)
vec values_of(const S& s) {
    vec r;
    auto const add = [&](const auto& g) {
        auto const f = flat(g);
        r.insert(r.end(), f.begin(), f.end());
    };
    if constexpr (requires { s.velocity; }) add(s.velocity);
    if constexpr (requires { s.m; }) {
        add(s.m);
        add(s.v);
        r.push_back(static_cast<real>(s.steps));
        r.push_back(s.beta1_power);
        r.push_back(s.beta2_power);
    }
    if constexpr (requires { s.previous; }) {
        add(s.previous);
        add(s.step);
        r.push_back(s.started ? 1 : 0);
    }
    add(s.gradient);
    return r;
}

using small_net = fixnet::network<double, 3, dense<5, fixnet::softplus>, dense<3, fixnet::softmax>>;

std::vector<small_net::input_type> small_inputs(std::size_t n, std::uint64_t seed) {
    fixnet::random_engine rng{seed};
    std::vector<small_net::input_type> r(n);
    for (auto& x : r) x = random_array<double, 3>(rng, -1, 1);
    return r;
}
std::vector<small_net::output_type> small_targets(std::size_t n, std::uint64_t seed) {
    std::vector<small_net::output_type> r(n);
    for (std::size_t k = 0; k < n; ++k) r[k][(k * 7 + seed) % 3] = 1;
    return r;
}

template <class Opt>
void check_train_batch_errors(const Opt& opt) {
    small_net net{};
    seeded_network(net, 21);
    fixnet::optimizer_state<small_net, Opt> st{};
    auto const xs = small_inputs(5, 1);
    auto const ts = small_targets(5, 1);
    using In = std::span<const small_net::input_type>;
    using Out = std::span<const small_net::output_type>;
    // One good step first, so that the state is not all zero.
    REQUIRE(fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts), opt, st).code == fixnet::status::ok);
    auto const net_before = bytes_of(net);
    auto const state_before = bytes_of(st);

    auto const mismatch = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts).first(4), opt, st);
    CHECK(mismatch.code == fixnet::status::size_mismatch);
    CHECK(mismatch.loss == 0.0);
    auto const mismatch2 = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs).first(0), Out(ts).first(1), opt, st);
    CHECK(mismatch2.code == fixnet::status::size_mismatch);
    auto const empty = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs).first(0), Out(ts).first(0), opt, st);
    CHECK(empty.code == fixnet::status::empty_batch);
    CHECK(empty.loss == 0.0);
    CHECK(bytes_of(net) == net_before);
    CHECK(bytes_of(st) == state_before);

    // And the next good step does change both (the comparison above can fail).
    REQUIRE(fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts), opt, st).code == fixnet::status::ok);
    CHECK(bytes_of(net) != net_before);
    CHECK(bytes_of(st) != state_before);
}

/// train_batch of one sample equals train_step(net, x, t, opt, st), step after step.
template <class L, class Opt>
void check_batch_of_one(const Opt& opt) {
    small_net a{};
    seeded_network(a, 22);
    small_net b = a;
    fixnet::optimizer_state<small_net, Opt> sa{}, sb{};
    auto const xs = small_inputs(6, 2);
    auto const ts = small_targets(6, 2);
    for (std::size_t k = 0; k < xs.size(); ++k) {
        auto const r = fixnet::train_batch<L>(a, std::span<const small_net::input_type>(&xs[k], 1),
                                              std::span<const small_net::output_type>(&ts[k], 1), opt, sa);
        double const e = fixnet::train_step<L>(b, xs[k], ts[k], opt, sb);
        CHECK(r.code == fixnet::status::ok);
        // The losses too can differ in the last bits once the parameters do (see below).
        CHECK(std::fabs(r.loss - e) <= 16 * std::numeric_limits<double>::epsilon() * std::fabs(e));
    }
    // Not bit for bit: the two calls run the same source, but g++ -O2 (-ffp-contract=fast, the GNU
    // default) fuses multiplies and adds into FMAs differently in the two inlined copies, so single
    // values differ in the last bit (measured with g++ -march=native on AVX-512 after 6 steps: up to
    // 3.4e-16 of the largest value; bit for bit with clang++ and with g++ -march=x86-64-v2, which has
    // no FMA). Within 16 eps of each array's largest magnitude, far below any logic error.
    auto const close = [](const vec& x, const vec& y) {
        real m = 0, d = 0;
        for (std::size_t k = 0; k < x.size(); ++k) {
            m = std::max(m, std::fabs(y[k]));
            d = std::max(d, std::fabs(x[k] - y[k]));
        }
        return x.size() == y.size() && d <= 16 * std::numeric_limits<double>::epsilon() * m;
    };
    CHECK(close(values_of(a), values_of(b)));
    CHECK(close(values_of(sa), values_of(sb)));
    small_net fresh{};
    seeded_network(fresh, 22);
    CHECK(flat(a) != flat(fresh));
}

}  // namespace

TEST_CASE("train_batch: size mismatch and empty batch report their status and change nothing, bit for bit") {
    check_train_batch_errors(fixnet::sgd<double>{.learning_rate = 0.1, .momentum = 0.9});
    check_train_batch_errors(fixnet::adam<double>{.learning_rate = 0.01});
    check_train_batch_errors(fixnet::rprop<double>{});
}

TEST_CASE("train_batch: a batch of one is train_step with the same optimizer and state (to the last bits)") {
    check_batch_of_one<fixnet::cross_entropy>(fixnet::sgd<double>{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
    check_batch_of_one<fixnet::mean_squared_error>(fixnet::adam<double>{.learning_rate = 0.01, .weight_decay = 0.01});
    check_batch_of_one<fixnet::binary_cross_entropy>(fixnet::rprop<double>{});
    check_batch_of_one<fixnet::half_squared_error>(fixnet::sgd<float>{.learning_rate = 0.1f, .weight_decay = 0.001f});
}

TEST_CASE("train_batch: the loss it returns is the mean loss before the update, and the mean gradient is applied") {
    small_net net{};
    seeded_network(net, 23);
    auto const xs = small_inputs(7, 3);
    auto const ts = small_targets(7, 3);
    double mean = 0;
    small_net::gradient_type g{};
    for (std::size_t k = 0; k < xs.size(); ++k) mean += fixnet::backprop<fixnet::cross_entropy>(net, xs[k], ts[k], g);
    mean /= 7;
    small_net expected = net;
    fixnet::detail::for_each_parameter_array(
        expected,
        [](auto& p, const auto& gp, bool) {
            for (std::size_t k = 0; k < p.size(); ++k) p[k] -= 0.5 * (gp[k] / 7);
        },
        g);
    fixnet::sgd<double> const opt{.learning_rate = 0.5};
    fixnet::optimizer_state<small_net, fixnet::sgd<double>> st{};
    auto const r = fixnet::train_batch<fixnet::cross_entropy>(net, std::span<const small_net::input_type>(xs),
                                                              std::span<const small_net::output_type>(ts), opt, st);
    CHECK(r.code == fixnet::status::ok);
    CHECK(r.loss == doctest::Approx(mean).epsilon(1e-14));
    // The gradient is scaled by 1/7 per sample rather than summed then divided: a few eps apart.
    check_within("parameters after one mean-gradient step", flat(net), flat(expected), vec(small_net::parameter_count, 1e-14L));
}

// ---- fit ---------------------------------------------------------------------------------------------

namespace {

using xor_net = fixnet::network<float, 2, dense<4, fixnet::tanh>, dense<1, fixnet::sigmoid>>;
constexpr std::array<xor_net::input_type, 4> xor_inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<xor_net::output_type, 4> xor_targets{{{0}, {1}, {1}, {0}}};
using xor_in = std::span<const xor_net::input_type>;
using xor_out = std::span<const xor_net::output_type>;

int xor_correct(const xor_net& net) {
    int c = 0;
    for (std::size_t k = 0; k < 4; ++k) c += (net.forward(xor_inputs[k])[0] > 0.5f) == (xor_targets[k][0] > 0.5f) ? 1 : 0;
    return c;
}

}  // namespace

TEST_CASE("fit: XOR reaches 100 % with Adam and binary cross-entropy, and with full-batch Rprop") {
    for (std::uint64_t const seed : {1u, 2u, 3u, 4u}) {
        CAPTURE(seed);
        {
            xor_net net{};
            fixnet::initialize(net, seed);
            CHECK(xor_correct(net) < 4);  // not solved by chance before training
            fixnet::adam<float> const opt{.learning_rate = 0.05f};
            fixnet::optimizer_state<xor_net, fixnet::adam<float>> st{};
            auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets), opt, st,
                                                                     {.epochs = 500, .batch_size = 2, .seed = seed});
            CHECK(r.code == fixnet::status::ok);
            CHECK(r.epochs == 500);
            CHECK(r.loss < 0.1f);
            CHECK(xor_correct(net) == 4);
        }
        {
            xor_net net{};
            fixnet::initialize(net, seed);
            fixnet::optimizer_state<xor_net, fixnet::rprop<float>> st{};
            auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets),
                                                                     fixnet::rprop<float>{}, st, {.epochs = 300, .batch_size = 0});
            CHECK(r.code == fixnet::status::ok);
            CHECK(r.loss < 0.1f);
            CHECK(xor_correct(net) == 4);
        }
    }
}

TEST_CASE("fit: the callback sees every epoch once and the returned loss last; false stops; target_loss stops early") {
    xor_net net{};
    fixnet::initialize(net, 5);
    fixnet::adam<float> const opt{.learning_rate = 0.05f};
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> st{};
    std::vector<std::size_t> epochs;
    std::vector<float> losses;
    auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets), opt, st,
                                                             {.epochs = 40, .batch_size = 3, .seed = 9},
                                                             [&](std::size_t e, float l) {
                                                                 epochs.push_back(e);
                                                                 losses.push_back(l);
                                                             });
    REQUIRE(epochs.size() == 40);
    for (std::size_t k = 0; k < epochs.size(); ++k) CHECK(epochs[k] == k + 1);
    CHECK(r.epochs == 40);
    CHECK(r.loss == losses.back());
    CHECK(losses.back() < losses.front());

    // Returning false stops at that epoch.
    xor_net n2{};
    fixnet::initialize(n2, 5);
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> s2{};
    std::size_t calls = 0;
    auto const stopped = fixnet::fit<fixnet::binary_cross_entropy>(n2, xor_in(xor_inputs), xor_out(xor_targets), opt, s2,
                                                                   {.epochs = 40, .batch_size = 3, .seed = 9},
                                                                   [&](std::size_t e, float) {
                                                                       ++calls;
                                                                       return e < 7;
                                                                   });
    CHECK(stopped.epochs == 7);
    CHECK(calls == 7);
    CHECK(stopped.loss == losses[6]);  // the same run as above up to there
    CHECK(s2.steps == 7 * 2);           // 4 samples in batches of 3: two updates per epoch

    // target_loss: stops at the first epoch whose loss is at or below it.
    xor_net n3{};
    fixnet::initialize(n3, 5);
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> s3{};
    std::vector<float> l3;
    auto const early = fixnet::fit<fixnet::binary_cross_entropy>(n3, xor_in(xor_inputs), xor_out(xor_targets), opt, s3,
                                                                 {.epochs = 5000, .batch_size = 3, .seed = 9, .target_loss = 0.2},
                                                                 [&](std::size_t, float l) { l3.push_back(l); });
    CHECK(early.epochs < 5000);
    CHECK(early.epochs == l3.size());
    CHECK(early.loss <= 0.2f);
    REQUIRE(l3.size() >= 2);
    CHECK(l3[l3.size() - 2] > 0.2f);
}

TEST_CASE("fit: size mismatch and empty data train nothing; the same seed gives bit-identical parameters") {
    xor_net net{};
    fixnet::initialize(net, 6);
    auto const before = bytes_of(net);
    fixnet::optimizer_state<xor_net, fixnet::sgd<float>> st{};
    fixnet::sgd<float> const opt{.learning_rate = 0.1f, .momentum = 0.9f};
    std::size_t calls = 0;
    auto const count = [&](std::size_t, float) { ++calls; };
    auto const r = fixnet::fit(net, xor_in(xor_inputs), xor_out(xor_targets).first(3), opt, st, {}, count);
    CHECK(r.code == fixnet::status::size_mismatch);
    CHECK(r.epochs == 0);
    auto const e = fixnet::fit(net, xor_in(xor_inputs).first(0), xor_out(xor_targets).first(0), opt, st, {}, count);
    CHECK(e.code == fixnet::status::empty_batch);
    CHECK(e.epochs == 0);
    CHECK(calls == 0);
    CHECK(bytes_of(net) == before);
    CHECK(values_of(st) == values_of(fixnet::optimizer_state<xor_net, fixnet::sgd<float>>{}));

    // Determinism: two runs with one seed agree bit for bit; another seed shuffles differently.
    auto const run = [](std::uint64_t seed) {
        xor_net n{};
        fixnet::initialize(n, 6);
        fixnet::optimizer_state<xor_net, fixnet::adam<float>> s{};
        (void)fixnet::fit<fixnet::binary_cross_entropy>(n, xor_in(xor_inputs), xor_out(xor_targets),
                                                        fixnet::adam<float>{.learning_rate = 0.02f}, s,
                                                        {.epochs = 30, .batch_size = 1, .seed = seed});
        return n;
    };
    CHECK(values_of(run(17)) == values_of(run(17)));
    CHECK(values_of(run(17)) != values_of(run(18)));
    // Without shuffling the seed does not matter.
    auto const run_unshuffled = [](std::uint64_t seed) {
        xor_net n{};
        fixnet::initialize(n, 6);
        fixnet::optimizer_state<xor_net, fixnet::sgd<float>> s{};
        (void)fixnet::fit(n, xor_in(xor_inputs), xor_out(xor_targets), fixnet::sgd<float>{.learning_rate = 0.1f}, s,
                          {.epochs = 10, .batch_size = 1, .seed = seed, .shuffle = false});
        return n;
    };
    CHECK(values_of(run_unshuffled(1)) == values_of(run_unshuffled(2)));
}

// ---- index_permutation -------------------------------------------------------------------------------

TEST_CASE("index_permutation: a bijection of [0, n) for every n and seed, different for different seeds") {
    for (std::size_t const n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{17},
                                std::size_t{64}, std::size_t{1000}, std::size_t{4096}, std::size_t{4097}}) {
        CAPTURE(n);
        std::vector<std::vector<std::size_t>> perms;
        for (std::uint64_t const seed : {0ull, 1ull, 2ull, 12345ull, ~0ull}) {
            CAPTURE(seed);
            fixnet::detail::index_permutation const p(n, seed);
            std::vector<bool> seen(n, false);
            std::vector<std::size_t> perm(n);
            std::size_t out_of_range = 0, repeats = 0;
            for (std::size_t k = 0; k < n; ++k) {
                std::size_t const v = p(k);
                perm[k] = v;
                if (v >= n) {
                    ++out_of_range;
                    continue;
                }
                repeats += seen[v] ? 1 : 0;
                seen[v] = true;
            }
            CHECK(out_of_range == 0);
            CHECK(repeats == 0);
            perms.push_back(perm);
            if (n >= 17) {  // and it actually shuffles: most indices move
                std::size_t fixed = 0;
                for (std::size_t k = 0; k < n; ++k) fixed += perm[k] == k ? 1 : 0;
                CHECK(fixed * 4 < n);
            }
        }
        if (n >= 5) {  // 5 seeds, n! >= 120 permutations: all distinct
            for (std::size_t a = 0; a < perms.size(); ++a)
                for (std::size_t b = a + 1; b < perms.size(); ++b) CHECK(perms[a] != perms[b]);
        }
    }
    // The same permutation at compile time.
    static_assert(fixnet::detail::index_permutation(5, 3)(0) != fixnet::detail::index_permutation(5, 3)(1));
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

// ---- constant evaluation -----------------------------------------------------------------------------

// Each new activation and loss in a static_assert on its own.
static_assert(fixnet::softplus::value(0.0) - 0.69314718055994531 < 2e-16 && 0.69314718055994531 - fixnet::softplus::value(0.0) < 2e-16);
static_assert(fixnet::softplus::value(1000.0) == 1000.0 && fixnet::softplus::value(-1000.0f) == 0.0f);
static_assert(fixnet::softplus::derivative(0.0, 0.0) == 0.5);
static_assert([] {
    std::array<double, 3> y{};
    fixnet::softmax::apply(std::array<double, 3>{1000.0, -1000.0, 0.0}, y);
    std::array<double, 2> h{}, dz{};
    fixnet::softmax::apply(std::array<double, 2>{0.3, 0.3}, h);
    fixnet::softmax::backward(std::array<double, 2>{0.3, 0.3}, h, std::array<double, 2>{1.0, 0.0}, dz);
    return y[0] == 1.0 && y[1] == 0.0 && h[0] == 0.5 && dz[0] == 0.25 && dz[1] == -0.25;
}());
static_assert(fixnet::mean_squared_error::value(std::array<double, 2>{0.5, 0.0}, std::array<double, 2>{1.0, 0.5}) == 0.25);
static_assert(fixnet::binary_cross_entropy::value(std::array<double, 2>{0.0, 1.0}, std::array<double, 2>{1.0, 1.0}) == 50.0);
static_assert([] {
    // -log 0.25 = 2 log 2 = 1.3862943611198906
    double const e = fixnet::cross_entropy::value(std::array<double, 2>{0.75, 0.25}, std::array<double, 2>{0.0, 1.0});
    return e - 1.3862943611198906 < 5e-16 && 1.3862943611198906 - e < 5e-16;
}());

namespace {

template <class B>
using cx_softmax_net = fixnet::basic_network<B, double, 2, dense<3, fixnet::softplus>, dense<2, fixnet::softmax>>;
template <class B>
using cx_sigmoid_net = fixnet::basic_network<B, float, 2, dense<3, fixnet::softplus>, dense<2, fixnet::sigmoid>>;

/// Five train_batch steps of loss L with optimizer opt on two samples, at compile time or at run time:
/// returns the network (its loss is then compared with the starting one).
template <class Net, class L, class Opt>
constexpr Net trained_at(const Opt& opt) {
    using T = typename Net::value_type;
    Net n{};
    fixnet::initialize(n, 3);
    std::array<typename Net::input_type, 2> const xs{{{T(0.5), T(-0.3)}, {T(-0.8), T(0.9)}}};
    std::array<typename Net::output_type, 2> const ts{{{T(1), T(0)}, {T(0), T(1)}}};
    fixnet::optimizer_state<Net, Opt> st{};
    for (int k = 0; k < 5; ++k)
        (void)fixnet::train_batch<L>(n, std::span<const typename Net::input_type>(xs), std::span<const typename Net::output_type>(ts), opt, st);
    return n;
}

template <class Net, class L>
constexpr typename Net::value_type mean_loss(const Net& n) {
    using T = typename Net::value_type;
    return (fixnet::loss<L>(n, {T(0.5), T(-0.3)}, {T(1), T(0)}) + fixnet::loss<L>(n, {T(-0.8), T(0.9)}, {T(0), T(1)})) / T(2);
}

template <class Net, class L, class Opt>
constexpr bool learns(const Opt& opt) {
    Net n{};
    fixnet::initialize(n, 3);
    return mean_loss<Net, L>(trained_at<Net, L>(opt)) < mean_loss<Net, L>(n);
}

constexpr fixnet::adam<double> cx_adam{.learning_rate = 0.05};
constexpr fixnet::adam<double> cx_adam_decay{.learning_rate = 0.05, .weight_decay = 0.01};
constexpr fixnet::rprop<double> cx_rprop{};
constexpr fixnet::sgd<double> cx_momentum{.learning_rate = 0.2, .momentum = 0.9};
constexpr fixnet::sgd<double> cx_nesterov{.learning_rate = 0.2, .momentum = 0.9, .nesterov = true, .weight_decay = 0.01};

static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam));
static_assert(learns<cx_softmax_net<fixnet::simd_backend>, fixnet::cross_entropy>(cx_rprop));
static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::mean_squared_error>(cx_rprop));
static_assert(learns<cx_softmax_net<fixnet::simd_backend>, fixnet::half_squared_error>(cx_momentum));
static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_nesterov));
static_assert(learns<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay));
static_assert(learns<cx_sigmoid_net<fixnet::simd_backend>, fixnet::mean_squared_error>(cx_momentum));

// fit at compile time: full-batch Rprop with cross-entropy, and the callback stops it.
constexpr auto cx_fit = [] {
    using Net = cx_softmax_net<fixnet::scalar_backend>;
    Net n{};
    fixnet::initialize(n, 3);
    std::array<Net::input_type, 2> const xs{{{0.5, -0.3}, {-0.8, 0.9}}};
    std::array<Net::output_type, 2> const ts{{{1, 0}, {0, 1}}};
    fixnet::optimizer_state<Net, fixnet::rprop<double>> st{};
    double first = 0;
    auto const r = fixnet::fit<fixnet::cross_entropy>(n, std::span<const Net::input_type>(xs), std::span<const Net::output_type>(ts),
                                                      cx_rprop, st, {.epochs = 20, .batch_size = 0},
                                                      [&](std::size_t e, double l) {
                                                          if (e == 1) first = l;
                                                          return e < 8;
                                                      });
    return std::array<double, 3>{static_cast<double>(r.epochs), first, r.loss};
}();
static_assert(cx_fit[0] == 8 && cx_fit[2] < cx_fit[1]);

constexpr auto cx_trained = trained_at<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam);
constexpr auto cx_trained_sigmoid = trained_at<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay);

}  // namespace

TEST_CASE("constant evaluation: train_batch at compile time equals run time within the constexpr exp/log's rounding") {
    // Compile time uses fixnet's constexpr exp and log (within an ulp or so of std's): after five
    // Adam steps the parameters, of order 1, agree within a few hundred eps.
    auto const rt = trained_at<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam);
    check_within("double, cross_entropy, adam", flat(rt), flat(cx_trained),
                 vec(rt.parameter_count, 256 * std::numeric_limits<double>::epsilon()));
    auto const rs = trained_at<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay);
    check_within("float, binary_cross_entropy, adam with weight decay", flat(rs), flat(cx_trained_sigmoid),
                 vec(rs.parameter_count, 256 * std::numeric_limits<float>::epsilon()));
    auto const simd = trained_at<cx_softmax_net<fixnet::simd_backend>, fixnet::cross_entropy>(cx_adam);
    check_within("simd_backend at run time", flat(simd), flat(cx_trained), vec(rt.parameter_count, 256 * std::numeric_limits<double>::epsilon()));
    cx_softmax_net<fixnet::scalar_backend> start{};
    fixnet::initialize(start, 3);
    CHECK(flat(rt) != flat(start));
}
