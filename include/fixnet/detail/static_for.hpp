// Compile-time unrolled loops for small trip counts, plain loops for large ones.
#pragma once

#include <cstddef>
#include <utility>

#include "fixnet/config.hpp"

namespace fixnet::detail {

/// Calls f(i) for i in [0, N). Unrolled by a fold expression when N <= FIXNET_UNROLL_LIMIT
/// (the compiler then sees straight-line code even at -O1 and in constant evaluation),
/// otherwise a plain loop, so that wide layers do not explode compile time.
template <std::size_t N, class F>
constexpr void for_index(F&& f) noexcept {
    if constexpr (N <= FIXNET_UNROLL_LIMIT) {
        [&]<std::size_t... I>(std::index_sequence<I...>) { (f(I), ...); }(std::make_index_sequence<N>{});
    } else {
        for (std::size_t i = 0; i < N; ++i) f(i);
    }
}

/// Calls f(std::integral_constant<std::size_t, I>{}) for every I in [0, N): always unrolled.
/// Used over layers, whose types differ, so the index must be a constant.
template <std::size_t N, class F>
constexpr void static_for(F&& f) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
}

/// Same as static_for, from N-1 down to 0 (backpropagation walks the layers backwards).
template <std::size_t N, class F>
constexpr void static_for_reverse(F&& f) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, N - 1 - I>{}), ...);
    }(std::make_index_sequence<N>{});
}

}  // namespace fixnet::detail
