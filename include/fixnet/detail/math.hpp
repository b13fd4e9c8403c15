// constexpr elementary functions, used only where the standard library's are not constexpr, a sqrt
// for code that runs both at run time and in constant evaluation, and a pairwise sum.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace fixnet::detail {

/// e^x in double precision using only +, -, *, /, so that it can run in a constant expression
/// (std::exp is not constexpr on clang). Cody-Waite reduction x = k ln2 + r with |r| <= ln2/2,
/// a degree-20 Taylor polynomial in Horner form (truncation below 1e-22), then r * 2^k by exact
/// power-of-two scaling. Measured: within 1 ulp of glibc's exp at 106,183 points spread over
/// [-745, 709.7] (normal results), float within 1 ulp of expf. Runtime code keeps using std::exp;
/// this is the constant-evaluation path only.
constexpr double exp_double(double x) noexcept {
    if (x != x) return x;                                   // NaN
    if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
    if (x < -745.2) return 0.0;
    constexpr double inv_ln2 = 1.4426950408889634;
    constexpr double ln2_hi = 6.93147180369123816490e-01;  // high bits of ln2, k * ln2_hi is exact
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    double const kd = x * inv_ln2;
    long long const k = static_cast<long long>(kd < 0 ? kd - 0.5 : kd + 0.5);
    double const r = (x - static_cast<double>(k) * ln2_hi) - static_cast<double>(k) * ln2_lo;
    double p = 1.0;
    for (int n = 20; n >= 1; --n) p = 1.0 + p * r / n;
    // Scale by 2^k in steps that stay normal, so no intermediate overflows or flushes early.
    long long e = k;
    while (e > 0) { int const s = e > 1000 ? 1000 : static_cast<int>(e); double f = 1.0; for (int i = 0; i < s; ++i) f *= 2.0; p *= f; e -= s; }
    while (e < 0) { int const s = e < -1000 ? 1000 : static_cast<int>(-e); double f = 1.0; for (int i = 0; i < s; ++i) f *= 0.5; p *= f; e += s; }
    return p;
}

/// e^x for float or double in a constant expression. Float goes through double and rounds once.
template <std::floating_point T>
constexpr T exp(T x) noexcept {
    return static_cast<T>(exp_double(static_cast<double>(x)));
}

/// e^x - 1 in double, accurate for small |x| where exp(x) - 1 would cancel: below 1 in magnitude
/// its Taylor series without the leading 1 (26 terms, truncation below 1e-26), elsewhere
/// exp_double(x) - 1 (the subtraction then loses at most one bit).
constexpr double expm1_double(double x) noexcept {
    if (x != x) return x;  // NaN
    if (x >= 1.0 || x <= -1.0) return exp_double(x) - 1.0;
    double p = 1.0;
    for (int n = 26; n >= 2; --n) p = 1.0 + p * x / n;
    return x * p;
}

/// tanh(x) in double with +, -, *, / only (std::tanh is not constexpr on clang): sign(x) t / (t + 2)
/// with t = e^(2|x|) - 1 from expm1_double, so that small |x| keeps full relative accuracy (the
/// textbook 1 - 2 / (e^2x + 1) cancels to nothing there); exactly +-1 from |x| = 22 on, where tanh
/// rounds to 1 in double. Measured against long double tanhl (tests/test_activations.cpp), in units
/// of eps * |tanh x|: worst 1.79 in double (glibc's tanh: 1.31; the rounding of t, of t + 2 and of
/// the quotient add up), and float (through double, rounded once) 0.50, i.e. correctly rounded.
constexpr double tanh_double(double x) noexcept {
    if (x != x) return x;                  // NaN
    double const ax = x < 0 ? -x : x;
    if (ax >= 22.0) return x < 0 ? -1.0 : 1.0;
    if (ax < 0x1p-28) return x;            // tanh x = x - x^3 / 3: the cube is below half an ulp of x; keeps -0
    double const t = expm1_double(2 * ax);
    double const r = t / (t + 2.0);
    return x < 0 ? -r : r;
}

/// tanh for float or double in a constant expression. Float goes through double and rounds once.
template <std::floating_point T>
constexpr T tanh(T x) noexcept {
    return static_cast<T>(tanh_double(static_cast<double>(x)));
}

/// 2 atanh(s) = log((1 + s) / (1 - s)) for |s| <= 1/3: 2 (s + s^3/3 + s^5/5 + ...), 18 odd terms
/// (truncation below 1e-18 relative). The kernel of log_double and log1p_double.
constexpr double two_atanh_series(double s) noexcept {
    double const s2 = s * s;
    double p = 1.0 / 37.0;
    for (int n = 17; n >= 0; --n) p = 1.0 / (2 * n + 1) + s2 * p;
    return 2.0 * s * p;
}

/// Natural logarithm in double with +, -, *, / and bit_cast only (std::log is not constexpr):
/// x = 2^k m with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)), plus k ln2 in two
/// parts. log 0 = -inf, log of a negative number or NaN = NaN, log inf = inf. Measured against
/// long double logl: within 2.7 ulp over [1e-300, 1e300], [0.5, 2] and subnormals (log1p_double:
/// 2.9 ulp on [-0.9, 3]), tested within 3 and 3.5 (tests/test_training_losses.cpp). Constant-evaluation
/// path only; run time uses std::log and std::log1p.
constexpr double log_double(double x) noexcept {
    if (x != x || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0.0) return -std::numeric_limits<double>::infinity();
    if (x == std::numeric_limits<double>::infinity()) return x;
    int k = 0;
    if (x < 0x1p-1022) { x *= 0x1p54; k = -54; }  // subnormal: make it normal first
    auto const bits = std::bit_cast<std::uint64_t>(x);
    k += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // in [1, 2)
    if (m > 1.4142135623730951) { m *= 0.5; ++k; }
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    return static_cast<double>(k) * ln2_hi + (two_atanh_series((m - 1.0) / (m + 1.0)) + static_cast<double>(k) * ln2_lo);
}

/// log(1 + x) in double, accurate for small |x| where log(1 + x) would lose x's low bits: for
/// x in [-1/2, 1], 2 atanh(x / (2 + x)) (|x / (2 + x)| <= 1/3); elsewhere log_double(1 + x).
constexpr double log1p_double(double x) noexcept {
    if (x != x) return x;
    if (x >= -0.5 && x <= 1.0) return two_atanh_series(x / (2.0 + x));
    return log_double(1.0 + x);
}

/// log and log1p for float or double in a constant expression. Float goes through double and rounds once.
template <std::floating_point T>
constexpr T log(T x) noexcept {
    return static_cast<T>(log_double(static_cast<double>(x)));
}
template <std::floating_point T>
constexpr T log1p(T x) noexcept {
    return static_cast<T>(log1p_double(static_cast<double>(x)));
}

/// Square root by Newton's iteration from above, with +, * and / only: the same bits on every
/// IEEE-754 platform and in constant evaluation (used where identical numbers matter, such as
/// the initialiser's Glorot limit). Defined for x >= 0; returns 0 for anything else.
constexpr double sqrt_double(double x) noexcept {
    if (!(x > 0.0)) return 0.0;
    if (x == std::numeric_limits<double>::infinity()) return x;
    double y = x > 1.0 ? x : 1.0;                           // y >= sqrt(x): the iteration decreases
    for (int n = 0; n < 2100; ++n) {
        double const next = 0.5 * (y + x / y);
        if (!(next < y)) break;
        y = next;
    }
    return y;
}

/// sqrt for code that runs both at run time and in constant evaluation (std::sqrt is not
/// constexpr). Unlike exp, tanh and log above, it keeps the standard function at run time:
/// std::sqrt is correctly rounded, so it gives the same bits as xsimd::sqrt and the scalar and
/// SIMD kernels agree. It may set errno (fixnet does not ask for -fno-math-errno), which keeps the
/// compiler from vectorising a loop that calls it; that is why kernels/simd has its own Adam kernel.
/// In constant evaluation sqrt_double, whose result for x < 0 or NaN is 0 rather than NaN.
template <std::floating_point T>
constexpr T sqrt(T x) noexcept {
    if (std::is_constant_evaluated()) return static_cast<T>(sqrt_double(static_cast<double>(x)));
    return std::sqrt(x);
}

/// p[B] + ... + p[E - 1] summed as two halves, recursively: log2(n) dependent additions instead of
/// n (a plain running sum is one chain of additions, which made train_step's loss latency-bound).
/// Up to 2 terms it is the plain sum, bit for bit.
template <std::size_t B, std::size_t E, class T, std::size_t N>
constexpr T pairwise_sum(const std::array<T, N>& p) noexcept {
    static_assert(B < E && E <= N);
    if constexpr (E - B == 1) {
        return p[B];
    } else {
        constexpr std::size_t M = B + (E - B) / 2;
        return pairwise_sum<B, M>(p) + pairwise_sum<M, E>(p);
    }
}

}  // namespace fixnet::detail
