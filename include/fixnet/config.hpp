// Configuration macros and feature detection shared by every fixnet header.
#pragma once

#include <cstddef>

/// Loops with at most this many iterations are unrolled at compile time (fold expressions);
/// longer ones stay loops, so that wide layers such as 784-128-10 compile in seconds.
/// Define it before including fixnet to tune the trade between code size and speed.
#ifndef FIXNET_UNROLL_LIMIT
#define FIXNET_UNROLL_LIMIT 16
#endif

// FIXNET_HAS_SIMD is 1 when xsimd is available and has an architecture for this target.
// Only the cheap config header of xsimd is read here; the SIMD kernels include the rest.
// Define FIXNET_DISABLE_SIMD to force the scalar backend even where xsimd would work.
#if defined(FIXNET_DISABLE_SIMD)
#define FIXNET_HAS_SIMD 0
#elif __has_include(<xsimd/config/xsimd_config.hpp>) && __has_include(<xsimd/xsimd.hpp>)
#include <xsimd/config/xsimd_config.hpp>
#if defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)
#define FIXNET_HAS_SIMD 0
#else
#define FIXNET_HAS_SIMD 1
#endif
#else
#define FIXNET_HAS_SIMD 0
#endif

/// Marks the kernels and loop helpers of one sample's path (forward, backward, step) that must be
/// inlined into their caller whatever the compiler's size heuristics decide: in a translation unit
/// that used them from several places g++ kept dense_forward, the activations and the unrolling
/// helpers out of line, which put calls and round trips of the activations through memory on the
/// dependency chain of every train_step (AVX-512: f32 2-2-2 54.8 -> 50.3 ns for dense_forward
/// alone; all of them, with the new sigmoid: f64 2-2-2 72.6 -> 48.5 ns, f32 8-16-8 89 -> 66 ns).
#if defined(__GNUC__) || defined(__clang__)
#define FIXNET_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define FIXNET_ALWAYS_INLINE inline
#endif

#define FIXNET_VERSION_MAJOR 0
#define FIXNET_VERSION_MINOR 1
#define FIXNET_VERSION_PATCH 0
