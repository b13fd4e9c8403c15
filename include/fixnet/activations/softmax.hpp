// The softmax activation of a whole layer, y_o = e^z_o / sum_j e^z_j: class probabilities.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "fixnet/activations/activation.hpp"
#include "fixnet/detail/math.hpp"

namespace fixnet {

/// Softmax over a layer's outputs: y_o = e^(z_o - m) / sum_j e^(z_j - m) with m = max_j z_j, so
/// that no exponential overflows (the largest term is e^0 = 1 and the sum is at least 1): finite
/// for every finite input, and the outputs sum to 1 within a few ulp. A layer-wide activation
/// (fixnet::LayerActivation), normally the last layer, paired with fixnet::cross_entropy, whose
/// fused gradient at the pre-activations is simply y - t. Used with another loss, backprop applies
/// its Jacobian: dz_o = y_o (g_o - sum_j g_j y_j). A NaN in any z makes every output NaN.
/// Runtime code uses std::exp; constant evaluation fixnet's own.
///
///     fixnet::network<float, 4, fixnet::dense<16, fixnet::relu>, fixnet::dense<3, fixnet::softmax>> net{};
struct softmax {
    template <std::floating_point T, std::size_t N>
    static constexpr void apply(const std::array<T, N>& z, std::array<T, N>& y) noexcept {
        T m = z[0];
        bool nan = false;
        for (std::size_t o = 0; o < N; ++o) {
            nan = nan || z[o] != z[o];
            m = z[o] > m ? z[o] : m;
        }
        // A NaN anywhere poisons the whole layer, as it would the sum, rather than only its own output.
        if (nan) m = std::numeric_limits<T>::quiet_NaN();
        T sum{};
        for (std::size_t o = 0; o < N; ++o) {
            y[o] = std::is_constant_evaluated() ? detail::exp(z[o] - m) : std::exp(z[o] - m);
            sum += y[o];
        }
        for (std::size_t o = 0; o < N; ++o) y[o] /= sum;
    }
    template <std::floating_point T, std::size_t N>
    static constexpr void backward(const std::array<T, N>& /*z*/, const std::array<T, N>& y, const std::array<T, N>& g,
                                   std::array<T, N>& dz) noexcept {
        T dot{};
        for (std::size_t o = 0; o < N; ++o) dot += g[o] * y[o];
        for (std::size_t o = 0; o < N; ++o) dz[o] = y[o] * (g[o] - dot);
    }
};

static_assert(LayerActivation<softmax>);

}  // namespace fixnet
