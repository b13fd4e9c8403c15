// Training breadth, the output-layer activations: softplus and softmax (values against long double,
// derivatives and the softmax Jacobian against central differences, the vector versions against the
// scalar ones, simd_backend softmax layers against scalar_backend ones). The losses are in
// tests/test_training_losses.cpp, train_batch and fit in tests/test_training_fit.cpp: one file took
// the longest to compile of the test executable, three compile in parallel.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "reference_mlp.hpp"
#include "vector_activation_check.hpp"

namespace test_training_activations {

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

}  // namespace test_training_activations
