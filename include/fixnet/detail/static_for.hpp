// Compile-time unrolled loops for small trip counts, plain loops for large ones.
#pragma once

#include <cstddef>
#include <utility>

#include "fixnet/config.hpp"

namespace fixnet::detail {

// Named helpers rather than lambdas over index_sequence: an attribute cannot force a lambda inline
// portably, and g++ left such a lambda (activation_backward's 16 steps) out of line in train_step.
template <class F, std::size_t... I>
FIXNET_ALWAYS_INLINE constexpr void call_each_index(F& f, std::index_sequence<I...>) noexcept {
    (f(I), ...);
}
template <class F, std::size_t... I>
FIXNET_ALWAYS_INLINE constexpr void call_each_constant(F& f, std::index_sequence<I...>) noexcept {
    (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F, std::size_t... I>
FIXNET_ALWAYS_INLINE constexpr void call_each_constant_reverse(F& f, std::index_sequence<I...>) noexcept {
    (f(std::integral_constant<std::size_t, N - 1 - I>{}), ...);
}

/// Calls f(i) for i in [0, N). Unrolled by a fold expression when N <= FIXNET_UNROLL_LIMIT
/// (the compiler then sees straight-line code even at -O1 and in constant evaluation),
/// otherwise a plain loop, so that wide layers do not explode compile time.
template <std::size_t N, class F>
FIXNET_ALWAYS_INLINE constexpr void for_index(F&& f) noexcept {
    if constexpr (N <= FIXNET_UNROLL_LIMIT) {
        call_each_index(f, std::make_index_sequence<N>{});
    } else {
        for (std::size_t i = 0; i < N; ++i) f(i);
    }
}

/// Calls f(std::integral_constant<std::size_t, I>{}) for every I in [0, N): always unrolled.
/// Used over layers, whose types differ, so the index must be a constant.
template <std::size_t N, class F>
FIXNET_ALWAYS_INLINE constexpr void static_for(F&& f) noexcept {
    call_each_constant(f, std::make_index_sequence<N>{});
}

/// Same as static_for, from N-1 down to 0 (backpropagation walks the layers backwards).
template <std::size_t N, class F>
FIXNET_ALWAYS_INLINE constexpr void static_for_reverse(F&& f) noexcept {
    call_each_constant_reverse<N>(f, std::make_index_sequence<N>{});
}

}  // namespace fixnet::detail
