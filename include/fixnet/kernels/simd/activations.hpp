// Vectorised activations for the SIMD kernels (xsimd); activations without one go lane by lane.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "fixnet/config.hpp"
#include "fixnet/kernels/simd/xsimd.hpp"

#include "fixnet/activations/identity.hpp"
#include "fixnet/activations/leaky_relu.hpp"
#include "fixnet/activations/relu.hpp"
#include "fixnet/activations/sigmoid.hpp"
#include "fixnet/activations/softmax.hpp"
#include "fixnet/activations/softplus.hpp"
#include "fixnet/activations/tanh.hpp"

namespace fixnet::kernels::simd {

/// Specialise for an activation A to give it a vectorised value: `static B value(const B& z)` for
/// any xsimd batch B. The primary template is left undefined: activations without a
/// specialisation fall back to A::value applied lane by lane (correct, just slower).
template <class A>
struct batch_activation;

/// c[Lo] + c[Lo + 1] r + ... + c[Hi] r^(Hi - Lo) by Estrin's scheme, with powers = {r, r^2, r^4, r^8}:
/// the low part plus the high part times the largest power of two below the term count.
template <std::size_t Lo, std::size_t Hi, class B, class C>
inline B estrin(const C& c, const std::array<B, 4>& powers) noexcept {
    if constexpr (Lo == Hi) {
        return B(c[Lo]);
    } else {
        constexpr std::size_t terms = Hi - Lo + 1;
        constexpr std::size_t level = terms > 8 ? 3 : terms > 4 ? 2 : terms > 2 ? 1 : 0;
        constexpr std::size_t half = std::size_t{1} << level;
        return xsimd::fma(estrin<Lo + half, Hi>(c, powers), powers[level], estrin<Lo, Lo + half - 1>(c, powers));
    }
}

/// Whether xsimd::fma on batches of architecture A is one fused instruction, rounded once: x86
/// with FMA3, FMA4 or AVX-512, 64-bit Arm, 32-bit NEON with VFPv4. Plain SSE and AVX emulate it by
/// a multiply and an add (two roundings).
template <class A>
inline constexpr bool fused_fma =
#if XSIMD_WITH_NEON64
    true;
#elif XSIMD_WITH_NEON
#if defined(__ARM_FEATURE_FMA)
    true;
#else
    false;
#endif
#elif XSIMD_WITH_SSE2
    std::is_base_of_v<xsimd::avx512f, A> || std::is_same_v<A, xsimd::fma3<xsimd::avx2>> ||
    std::is_same_v<A, xsimd::fma3<xsimd::avx>> || std::is_same_v<A, xsimd::fma3<xsimd::sse4_2>> ||
    std::is_same_v<A, xsimd::fma4>;
#else
    false;
#endif

/// The parts of e^u, u = Sign z (Sign = 1 or -1), that the vector sigmoid and tanh share, for u
/// where 2^k is built exactly (or as 0 or +inf on purpose; elsewhere the lanes hold garbage, never
/// a trap, for the caller to replace): u = k ln2 + r with k an integer and |r| <= ln2 / 2, the
/// powers of rho = Sign r that Estrin's scheme needs, and 2^k built in the exponent bits by integer
/// addition. e^r = sum rho^n Sign^n / n! (`series`, degree 7 in float, 13 in double: truncation
/// below 0.05 ulp).
/// u itself is never formed: the sigmoid's e^-z would take a negation (0 - z on AVX-512) on its
/// dependency chain; rho is reduced from z directly, and the sign goes into constants.
/// r = u - k ln2 takes ln2 in two parts (Cody-Waite: k ln2_hi is exact), two dependent steps.
/// `OneStep` (float with a fused multiply-add; the caller asks, tanh does not: it needs r itself)
/// takes one: rho = fma(k, -Sign ln2_f, z), rounded once (ln2_f is ln2 rounded to float), and
/// leaves d = k (ln2 - ln2_f) (below 2.5e-7 for |k| <= 128) to the caller as `correction` = 1 - d,
/// computed off the dependency chain: e^u = 2^k e^r (1 - d) to within d^2 / 2.
/// Negative constants rather than xsimd::fnma, which xsimd 8.1 builds on AVX-512 from a negation
/// (0 - k) and an FMA: one more step on the chain.
template <class B, bool OneStep = false, int Sign = 1>
struct exp_reduction {
    static_assert(Sign == 1 || Sign == -1);
    using T = typename B::value_type;
    using I = xsimd::batch<xsimd::as_integer_t<T>, typename B::arch_type>;
    static constexpr bool is_float = sizeof(T) == 4;
    static constexpr bool one_step = OneStep && is_float && fused_fma<typename B::arch_type>;
    static constexpr std::size_t degree = is_float ? 7 : 13;
    static constexpr T sign = T(Sign);
    /// Sign^n / n! for n = 0 ... degree.
    static constexpr std::array<T, degree + 1> series = [] {
        std::array<T, degree + 1> c{};
        double f = 1;
        for (std::size_t n = 0; n <= degree; ++n) c[n] = T((Sign < 0 && n % 2 == 1 ? -1 : 1) / (f *= double(n > 0 ? n : 1)));
        return c;
    }();
    struct none {};
    B rho;                    // Sign r
    std::array<B, 4> powers;  // rho, rho^2, rho^4, rho^8
    B two_k;
    [[no_unique_address]] std::conditional_t<one_step, B, none> correction;  // 1 - d, with one_step only
    explicit exp_reduction(const B& z) noexcept {
        constexpr T log2e = T(1.44269504088896340736);
        constexpr T ln2_hi = is_float ? T(0.693359375) : T(6.93147180369123816490e-01);  // k * ln2_hi exact
        constexpr T ln2_lo = is_float ? T(-2.12194440e-4) : T(1.90821492927058770002e-10);
        constexpr T ln2_f = T(0x1.62e43p-1), ln2_rest = T(-0x1.05c610p-29);  // ln2 rounded to float, ln2 - ln2_f
        constexpr T magic = is_float ? T(12582912.0) : T(6755399441055744.0);  // 1.5 * 2^23, 1.5 * 2^52
        constexpr int mantissa_bits = is_float ? 23 : 52;
        constexpr xsimd::as_integer_t<T> bias = is_float ? 127 : 1023;
        // y = u / ln2 + magic rounds u / ln2 to the nearest integer k, which then sits in y's low
        // mantissa bits: k = y - magic as a float, and bits(y) - bits(magic) as an integer.
        B const y = xsimd::fma(z, B(sign * log2e), B(magic));
        B const k = y - B(magic);
        if constexpr (one_step) {
            rho = xsimd::fma(k, B(-sign * ln2_f), z);
            correction = xsimd::fma(k, B(-ln2_rest), B(T(1)));
        } else {
            rho = xsimd::fma(k, B(-sign * ln2_lo), xsimd::fma(k, B(-sign * ln2_hi), z));
        }
        B const r2 = rho * rho, r4 = r2 * r2;
        powers = {rho, r2, r4, r4 * r4};
        // std::bit_cast rather than xsimd::bitwise_cast: the same reinterpretation of the register,
        // but xsimd 8.1's NEON version builds a table of casts between every pair of element types,
        // which cost the Arm cross g++ about 5 s per translation unit.
        I const exponent = std::bit_cast<I>(y) - std::bit_cast<I>(B(magic)) + I(bias);
        two_k = std::bit_cast<B>(exponent << mantissa_bits);
    }
    /// e^u + c, with the scaling by 2^k and the addition of c in the last two steps of the series:
    /// with one_step, e^r (1 - d) = low + high rho^4 (the factor 1 - d multiplies the first two
    /// coefficients, both +-1, only, so it costs no step on the chain; the part left out, d (r^2 / 2
    /// + ...), is below 0.13 eps of the result), and e^u + c = fma(high, rho^4 2^k, fma(low, 2^k, c)):
    /// rho^4 2^k and low are ready before high, so this takes no step after the series (the sigmoid's
    /// 1 + e^-z had one more FMA). Exact scalings by 2^k; rounded twice, as before.
    B exp_plus(const B& c) const noexcept {
        if constexpr (one_step) {
            static_assert(degree == 7, "the Estrin split below is written for 8 terms");
            B const first_two = xsimd::fma(rho, Sign > 0 ? correction : -correction, correction);
            B const low = xsimd::fma(estrin<2, 3>(series, powers), powers[1], first_two);
            return xsimd::fma(estrin<4, 7>(series, powers), powers[2] * two_k, xsimd::fma(low, two_k, c));
        } else {
            return xsimd::fma(estrin<0, degree>(series, powers), two_k, c);
        }
    }
};

/// The vector sigmoid, 1 / (1 + e^-z), with fixnet's own e^t (t = -z, exp_reduction; e^r by
/// Estrin's scheme: about log2(degree) dependent steps instead of Horner's degree), built for a
/// short dependency chain, since a 2-2-2 train_step is a chain of two sigmoids per step: the
/// one-step reduction in float with FMA, and no clamp before the reduction. Where t <= lo, e^t
/// rounds to 0 (result exactly 1, as in the scalar path), and where t >= hi it overflows (result
/// exactly 0): those lanes, garbage after the reduction, get their exact result by one select after
/// the division, computed in parallel with the chain instead of on it. A NaN gives NaN. Measured
/// against the clamped two-step version, both with the kernels inlined (AVX-512, float): 2-2-2
/// train_step 50.3 -> 45.5 ns, 8-16-8 forward 30.2 -> 22.4 ns; within 1.83 ulp of the exact
/// logistic in float, 1.98 in double (test_simd).
/// xsimd 8.1's exp does the same reduction with more range checks and, in double without AVX-512,
/// converts to 64-bit integers by a slow emulation (2-2-2 double forward measured slower than
/// scalar on AVX2).
template <>
struct batch_activation<sigmoid> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        using T = typename B::value_type;
        using E = exp_reduction<B, true, -1>;
        constexpr T lo = E::is_float ? T(-88) : T(-709);  // k = -127 / -1023: 2^k built as 0
        constexpr T hi = E::is_float ? T(89) : T(710);    // k = 128 / 1024: 2^k built as +inf

        E const x(z);
        B const s = B(T(1)) / x.exp_plus(B(T(1)));
        // One select after the division (the limits are ready long before s); both tests are
        // false for a NaN, which the steps above carry through to s.
        auto const saturated = z >= B(-lo);
        B const limit = xsimd::select(saturated, B(T(1)), B(T(0)));
        return xsimd::select(saturated || z <= B(-hi), limit, s);
    }
};

template <>
struct batch_activation<identity> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        return z;
    }
};

/// select rather than xsimd::max(z, 0): max's result for a NaN operand depends on the
/// instruction set (SSE's maxps returns its second operand), while z < 0 is false for NaN on
/// every one, so a NaN stays NaN as in the scalar relu.
template <>
struct batch_activation<relu> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        return xsimd::select(z < B(0), B(0), z);
    }
};

template <class Slope>
struct batch_activation<leaky_relu<Slope>> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        using T = typename B::value_type;
        return xsimd::select(z < B(0), z * B(leaky_relu<Slope>::template slope<T>), z);
    }
};

/// The vector tanh: sign(z) t / (t + 2) with t = e^(2|z|) - 1, as the constexpr scalar one, so that
/// small |z| keeps its relative accuracy. e^u - 1 (u = 2|z|) by the same reduction as the sigmoid's
/// e^t, u = k ln2 + r, then e^u - 1 = 2^k (e^r - 1) + (2^k - 1) with e^r - 1 = r + r^2 (1/2 + r/6 + ...)
/// (Estrin's scheme; the leading r added last, in one rounding: for k = 0, i.e. |z| < 0.17, this is
/// the whole result).
/// u is clamped to 20 (float) or 40 (double), beyond which tanh rounds to exactly 1 anyway. Measured
/// against long double tanhl over the whole range (tests/test_activations.cpp), in units of
/// eps * |tanh z|: worst 1.40 in float and 1.37 in double with FMA (AVX2, AVX-512), 1.33 and 1.43 on
/// SSE2, where xsimd's fma rounds twice (near |z| = 0.17, where k becomes 1 and 2 (e^r - 1) + 1
/// cancels a little), tested within 3; glibc's tanhf/tanh measured 1.35/1.31 and
/// xsimd 8.1's tanh 1.13/1.10 by the same yardstick, at the price of a rational function and an exp.
template <>
struct batch_activation<tanh> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        using T = typename B::value_type;
        using E = exp_reduction<B>;
        constexpr T hi = E::is_float ? T(20) : T(40);

        auto const nan = xsimd::isnan(z);
        E const x(xsimd::min(xsimd::abs(z) * B(T(2)), B(hi)));  // NaN lanes: replaced at the end
        // e^r - 1 = r + r^2 (1/2! + r/3! + ...): the series from its term 2 on.
        B const em1_r = xsimd::fma(x.powers[1], estrin<2, E::degree>(E::series, x.powers), x.rho);
        B const t = xsimd::fma(x.two_k, em1_r, x.two_k - B(T(1)));
        B const a = t / (t + B(T(2)));
        return xsimd::select(nan, z, xsimd::copysign(a, z));
    }
};

/// e^u for u <= 0 (softplus' e^-|z|, softmax's e^(z - max)): exp_reduction with u clamped below at
/// the point where 2^k is built as 0 (float -88, double -709; results below there are subnormal or 0
/// and come out as 0). A NaN stays NaN.
template <class B>
inline B exp_nonpositive(const B& u) noexcept {
    using T = typename B::value_type;
    using E = exp_reduction<B>;
    constexpr T lo = E::is_float ? T(-88) : T(-709);
    E const x(xsimd::max(u, B(lo)));
    return xsimd::select(xsimd::isnan(u), u, estrin<0, E::degree>(E::series, x.powers) * x.two_k);
}

/// log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) in [0, 1/3], the odd series
/// 2 s (1 + s^2/3 + s^4/5 + ...) to degree 7 in s^2 for float, 17 for double (truncation below
/// 0.1 ulp), by Horner's scheme.
template <class B>
inline B log1p_unit(const B& u) noexcept {
    using T = typename B::value_type;
    constexpr std::size_t degree = sizeof(T) == 4 ? 7 : 17;
    B const s = u / (B(T(2)) + u);
    B const w = s * s;
    B p(T(1.0 / (2 * degree + 1)));
    for (std::size_t n = degree; n-- > 0;) p = xsimd::fma(p, w, B(T(1.0 / double(2 * n + 1))));
    // Below 2^-24 (float) or 2^-53 (double), log1p(u) rounds to u itself; taking u there also keeps
    // the result where s = u / (2 + u) would be subnormal, which 32-bit NEON flushes to zero
    // (softplus(-87) came out 0 instead of 1.6e-38 on armhf).
    constexpr T tiny = sizeof(T) == 4 ? T(0x1p-24) : T(0x1p-53);
    return xsimd::select(u < B(tiny), u, B(T(2)) * s * p);
}

/// The vector softplus, max(z, 0) + log1p(e^-|z|), as the scalar one (exp_nonpositive, log1p_unit).
template <>
struct batch_activation<softplus> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B value(const B& z) noexcept {
        using T = typename B::value_type;
        B const pos = xsimd::select(z > B(T(0)), z, B(T(0)));
        return pos + log1p_unit(exp_nonpositive(-xsimd::abs(z)));
    }
};

/// The vector softmax of a layer whose N outputs are N batches of samples (one sample per lane):
/// the same steps as the scalar softmax::apply, lane-wise: the max (NaN in any output makes it NaN),
/// e^(z - max) by exp_nonpositive, the sum in output order, one division per output.
template <class B, std::size_t N>
inline void softmax_across_samples(std::array<B, N>& y) noexcept {
    using T = typename B::value_type;
    B m = y[0];
    auto nan = xsimd::isnan(y[0]);
    for (std::size_t o = 1; o < N; ++o) {
        nan = nan || xsimd::isnan(y[o]);
        m = xsimd::select(y[o] > m, y[o], m);
    }
    m = xsimd::select(nan, B(std::numeric_limits<T>::quiet_NaN()), m);
    B sum(T(0));
    for (std::size_t o = 0; o < N; ++o) {
        y[o] = exp_nonpositive(y[o] - m);
        sum += y[o];
    }
    for (std::size_t o = 0; o < N; ++o) y[o] /= sum;
}

/// Specialise for an activation A to give it a vectorised derivative: `static B derivative(const B& z,
/// const B& y)`, the very operations of A::derivative(z, y) lane by lane (so the same bits), for
/// the backward pass's delta = error * derivative (activation_backward). Activations without one
/// (softplus, whose derivative calls std::exp) take the scalar loop.
template <class A>
struct batch_derivative;

template <>
struct batch_derivative<sigmoid> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B derivative(const B& /*z*/, const B& y) noexcept {
        return y * (B(typename B::value_type(1)) - y);
    }
};

template <>
struct batch_derivative<tanh> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B derivative(const B& /*z*/, const B& y) noexcept {
        using T = typename B::value_type;
        return (B(T(1)) - y) * (B(T(1)) + y);
    }
};

template <>
struct batch_derivative<identity> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B derivative(const B& /*z*/, const B& /*y*/) noexcept {
        return B(typename B::value_type(1));
    }
};

/// detail::rectifier_derivative lane by lane: 1 for z > 0, `below` for z <= 0, z itself for a NaN.
template <class B>
FIXNET_ALWAYS_INLINE B rectifier_derivative(const B& z, const B& below) noexcept {
    using T = typename B::value_type;
    return xsimd::select(z > B(T(0)), B(T(1)), xsimd::select(z <= B(T(0)), below, z));
}

template <>
struct batch_derivative<relu> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B derivative(const B& z, const B& /*y*/) noexcept {
        return rectifier_derivative(z, B(typename B::value_type(0)));
    }
};

template <class Slope>
struct batch_derivative<leaky_relu<Slope>> {
    template <class B>
    FIXNET_ALWAYS_INLINE static B derivative(const B& z, const B& /*y*/) noexcept {
        return rectifier_derivative(z, B(leaky_relu<Slope>::template slope<typename B::value_type>));
    }
};

template <class A, class B>
concept has_batch_derivative = requires(const B& z) {
    { batch_derivative<A>::derivative(z, z) } -> std::same_as<B>;
};

template <class A, class B>
concept has_batch_activation = requires(const B& z) {
    { batch_activation<A>::value(z) } -> std::same_as<B>;
};

/// Activation of one batch of pre-activations.
template <class A, class T, class Arch>
FIXNET_ALWAYS_INLINE xsimd::batch<T, Arch> activate(const xsimd::batch<T, Arch>& z) noexcept {
    using B = xsimd::batch<T, Arch>;
    if constexpr (has_batch_activation<A, B>) {
        return batch_activation<A>::value(z);
    } else {
        alignas(B::arch_type::alignment()) std::array<T, B::size> lanes{};
        z.store_aligned(lanes.data());
        for (auto& v : lanes) v = A::value(v);
        return B::load_aligned(lanes.data());
    }
}

}  // namespace fixnet::kernels::simd
