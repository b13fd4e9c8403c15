// Loss functions: the error of a network's output against a target, and its gradient.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "fixnet/activations/sigmoid.hpp"
#include "fixnet/activations/softmax.hpp"
#include "fixnet/detail/math.hpp"

namespace fixnet {

/// A loss: `L::value(out, target)` is the error of one output vector and
/// `L::gradient(out, target, o)` is d value / d out[o]. Both constexpr and noexcept.
/// A loss may also fuse with an output activation A (`L::fuses_with<A>` true and
/// `L::fused_delta<A>(out, target, delta)`), giving the error at the pre-activations directly in a
/// form that is both cheaper and more stable than gradient times activation derivative.
template <class L>
concept Loss = requires(const std::array<double, 2>& o, const std::array<double, 2>& t) {
    { L::value(o, t) } noexcept -> std::same_as<double>;
    { L::gradient(o, t, std::size_t{0}) } noexcept -> std::same_as<double>;
};

namespace detail {
/// log at run time and in constant evaluation, never below -100 (PyTorch's clamp in its binary
/// cross-entropy): log 0 = -inf would turn a zero target's 0 * log into NaN.
template <std::floating_point T>
constexpr T clamped_log(T x) noexcept {
    T const l = std::is_constant_evaluated() ? detail::log(x) : std::log(x);
    return l < T(-100) ? T(-100) : l;
}

template <class L, class A>
concept fused_loss = requires { requires L::template fuses_with<A>; };
}  // namespace detail

/// The article's error: E = sum over outputs of 1/2 (target - out)^2; gradient out - target.
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

/// Mean squared error over the N outputs: E = (1/N) sum (target - out)^2; gradient 2 (out - target) / N.
/// PyTorch's mse_loss (reduction "mean") of one sample; over a mini-batch fixnet averages the samples' losses,
/// which is PyTorch's mean over all elements.
struct mean_squared_error {
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T value(const std::array<T, N>& out, const std::array<T, N>& target) noexcept {
        std::array<T, N> e{};
        for (std::size_t o = 0; o < N; ++o) {
            T const d = target[o] - out[o];
            e[o] = d * d;
        }
        return detail::pairwise_sum<0, N>(e) / T(N);
    }
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T gradient(const std::array<T, N>& out, const std::array<T, N>& target,
                                              std::size_t o) noexcept {
        return T(2) * (out[o] - target[o]) / T(N);
    }
};

/// Binary cross-entropy of outputs in (0, 1) against targets in [0, 1], averaged over the N outputs:
/// E = -(1/N) sum (t log out + (1 - t) log(1 - out)), each log clamped at -100 as in PyTorch's
/// binary_cross_entropy (so an output of exactly 0 or 1 gives a large finite error, not inf or NaN).
/// After a sigmoid output layer the two fuse: the error at the pre-activations is (out - t) / N,
/// free of the division by out (1 - out) that the general gradient needs (and that PyTorch guards
/// with max(out (1 - out), 1e-12), as the general gradient here does).
struct binary_cross_entropy {
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T value(const std::array<T, N>& out, const std::array<T, N>& target) noexcept {
        std::array<T, N> e{};
        for (std::size_t o = 0; o < N; ++o)
            e[o] = -(target[o] * detail::clamped_log(out[o]) + (T(1) - target[o]) * detail::clamped_log(T(1) - out[o]));
        return detail::pairwise_sum<0, N>(e) / T(N);
    }
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T gradient(const std::array<T, N>& out, const std::array<T, N>& target,
                                              std::size_t o) noexcept {
        T const v = out[o] * (T(1) - out[o]);
        return (out[o] - target[o]) / (v > T(1e-12) ? v : T(1e-12)) / T(N);
    }
    template <class A>
    static constexpr bool fuses_with = std::is_same_v<A, sigmoid>;
    template <class A, std::floating_point T, std::size_t N>
    static constexpr void fused_delta(const std::array<T, N>& out, const std::array<T, N>& target,
                                      std::array<T, N>& delta) noexcept {
        for (std::size_t o = 0; o < N; ++o) delta[o] = (out[o] - target[o]) / T(N);
    }
};

/// Cross-entropy of a probability vector (a softmax output) against a target distribution (one-hot
/// for a class label): E = -sum t log out, each log clamped at -100, and a zero target's term zero.
/// After a softmax layer the two fuse: the error at the pre-activations is out sum(t) - t (out - t for
/// a one-hot target), which neither divides by out nor subtracts nearly equal numbers: PyTorch's
/// cross_entropy of the logits with probability targets.
struct cross_entropy {
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T value(const std::array<T, N>& out, const std::array<T, N>& target) noexcept {
        std::array<T, N> e{};
        for (std::size_t o = 0; o < N; ++o) e[o] = target[o] == T(0) ? T(0) : -(target[o] * detail::clamped_log(out[o]));
        return detail::pairwise_sum<0, N>(e);
    }
    template <std::floating_point T, std::size_t N>
    [[nodiscard]] static constexpr T gradient(const std::array<T, N>& out, const std::array<T, N>& target,
                                              std::size_t o) noexcept {
        return target[o] == T(0) ? T(0) : -target[o] / out[o];
    }
    template <class A>
    static constexpr bool fuses_with = std::is_same_v<A, softmax>;
    template <class A, std::floating_point T, std::size_t N>
    static constexpr void fused_delta(const std::array<T, N>& out, const std::array<T, N>& target,
                                      std::array<T, N>& delta) noexcept {
        T const mass = detail::pairwise_sum<0, N>(target);
        for (std::size_t o = 0; o < N; ++o) delta[o] = out[o] * mass - target[o];
    }
};

static_assert(Loss<half_squared_error> && Loss<mean_squared_error> && Loss<binary_cross_entropy> && Loss<cross_entropy>);

}  // namespace fixnet
