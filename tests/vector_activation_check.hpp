// One harness for checking the vector activations (kernels::simd::activate) lane by lane against a
// reference: tests/test_activations.cpp checks identity, relu, leaky_relu and tanh with it,
// tests/test_training_activations.cpp softplus. The packing into batches, the NaN point, the padding
// and the error measure live here once, so the activations cannot drift apart in how they are checked.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "reference_mlp.hpp"

#if FIXNET_HAS_SIMD
namespace fixnet_test {

/// 32-bit NEON (armhf) has no subnormal numbers: its float vector arithmetic flushes them to zero.
#if defined(__arm__) && !defined(__aarch64__)
inline constexpr bool vector_flushes_subnormals = true;
#else
inline constexpr bool vector_flushes_subnormals = false;
#endif

template <class T>
bool is_subnormal(T v) {
    return v != 0 && std::fabs(v) < std::numeric_limits<T>::min();
}

/// The same value, NaN or not: the same bits, the sign of zero included.
template <class T>
bool same_bits(T a, T b) {
    return std::isnan(a) ? std::isnan(b) : (a == b && std::signbit(a) == std::signbit(b));
}

/// How far a lane y may be from its reference value r: |y - r| <= relative * eps * |r| + absolute.
/// Both 0 means bit for bit, the sign of zero included (the piecewise-linear activations compute the
/// same comparison and the same one product as their scalar versions).
struct vector_bound {
    real relative = 0;
    real absolute = 0;
};

/// A's vector version on every point and a quiet NaN, in the widest batch (padded with 0.25 to whole
/// batches): NaN must stay NaN, every other lane must be within `bound` of reference(z) (a long double).
/// Where the bound leaves no absolute room for a flushed subnormal (absolute below T's smallest normal),
/// 32-bit NEON is compared on the normal inputs and scalar results only. Returns the worst |y - r| in
/// units of eps * |r| over the lanes where that measure means something: r finite, non-zero and not
/// below the absolute term. Double has no lanes on 32-bit NEON (it computes with the scalar kernels
/// there): nothing to check, 0.
template <class A, class T, class Reference>
double check_vector_activation_lanes(std::vector<T> points, Reference reference, vector_bound bound) {
    if constexpr (!fixnet::detail::simd_has_lanes<T>) {
        return 0;
    } else {
        using B = xsimd::batch<T>;
        constexpr std::size_t N = B::size;
        real const eps = std::numeric_limits<T>::epsilon();
        bool const skip_subnormals = vector_flushes_subnormals && bound.absolute < std::numeric_limits<T>::min();
        points.push_back(std::numeric_limits<T>::quiet_NaN());
        while (points.size() % N != 0) points.push_back(T(0.25));
        double worst = 0;
        std::size_t bad = 0;
        for (std::size_t k = 0; k < points.size(); k += N) {
            alignas(64) std::array<T, N> y{};
            fixnet::kernels::simd::activate<A>(B::load_unaligned(points.data() + k)).store_aligned(y.data());
            for (std::size_t j = 0; j < N; ++j) {
                T const z = points[k + j];
                if (skip_subnormals && (is_subnormal(z) || is_subnormal(A::value(z)))) continue;
                if (std::isnan(z)) {
                    bad += std::isnan(y[j]) ? 0 : 1;
                    continue;
                }
                real const r = reference(z), err = std::fabs(y[j] - r);
                bool const ok = bound.relative == 0 && bound.absolute == 0
                                    ? !std::isnan(r) && same_bits<real>(y[j], r)  // z is not NaN here
                                    : near(y[j], r, bound.relative * eps * std::fabs(r) + bound.absolute);
                if (!ok) {
                    ++bad;
                    if (bad < 5) FAIL_CHECK("vector activation(" << z << ") = " << y[j] << ", reference " << static_cast<double>(r));
                }
                if (r != 0 && std::isfinite(r) && std::fabs(r) >= bound.absolute)
                    worst = std::max(worst, static_cast<double>(err / (eps * std::fabs(r))));
            }
        }
        CHECK(bad == 0);
        return worst;
    }
}

}  // namespace fixnet_test
#endif
