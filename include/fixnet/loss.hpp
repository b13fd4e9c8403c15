// Loss functions: the error of a network's output against a target, and its gradient.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>

#include "fixnet/detail/math.hpp"

namespace fixnet {

/// A loss: `L::value(out, target)` is the error of one output vector and
/// `L::gradient(out, target, o)` is d value / d out[o]. Both constexpr and noexcept.
template <class L>
concept Loss = requires(const std::array<double, 2>& o, const std::array<double, 2>& t) {
    { L::value(o, t) } noexcept -> std::same_as<double>;
    { L::gradient(o, t, std::size_t{0}) } noexcept -> std::same_as<double>;
};

/// The article's error: E_total = sum over outputs of 1/2 (target - out)^2; gradient out - target.
struct half_squared_error {
    /// The terms are summed pairwise (detail::pairwise_sum): the same as in output order up to 2
    /// outputs, and no long chain of dependent additions for wide outputs.
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T value(const std::array<T, N>& out, const std::array<T, N>& target) noexcept {
        std::array<T, N> e{};
        for (std::size_t o = 0; o < N; ++o) {
            T const d = target[o] - out[o];
            e[o] = T(0.5) * (d * d);
        }
        return detail::pairwise_sum<0, N>(e);
    }
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T gradient(const std::array<T, N>& out, const std::array<T, N>& target,
                                              std::size_t o) noexcept {
        return out[o] - target[o];
    }
};

static_assert(Loss<half_squared_error>);

}  // namespace fixnet
