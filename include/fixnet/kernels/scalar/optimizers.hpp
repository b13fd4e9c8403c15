// Reference (scalar, constexpr) kernels of the optimizers' element-wise updates.
#pragma once

#include <array>
#include <cstddef>

#include "fixnet/detail/math.hpp"

namespace fixnet::kernels {

/// The per-step constants of an Adam update, already in the network's type T.
template <class T>
struct adam_coefficients {
    T beta1, one_minus_beta1, beta2, one_minus_beta2;
    T step_size;         // learning_rate / (1 - beta1^t)
    T correction2_sqrt;  // sqrt(1 - beta2^t)
    T epsilon, weight_decay;
};

}  // namespace fixnet::kernels

namespace fixnet::kernels::scalar {

/// One element of adam_update. The SIMD kernel computes its tail with it too, so that the elements
/// past the last whole batch follow the specification by construction rather than by a copy.
template <class T>
constexpr void adam_update_element(T& p, T g, T& m, T& v, const adam_coefficients<T>& c) noexcept {
    T const d = c.weight_decay != T(0) ? g + c.weight_decay * p : g;
    m = m * c.beta1 + c.one_minus_beta1 * d;
    v = v * c.beta2 + c.one_minus_beta2 * (d * d);
    p -= c.step_size * m / (detail::sqrt(v) / c.correction2_sqrt + c.epsilon);
}

/// One Adam step of a parameter array p with gradient g and moment arrays m, v (see fixnet::adam):
/// d = g + weight_decay p; m = beta1 m + (1 - beta1) d; v = beta2 v + (1 - beta2) d^2;
/// p -= step_size m / (sqrt(v) / correction2_sqrt + epsilon), in that order of operations.
template <class T, std::size_t N>
constexpr void adam_update(std::array<T, N>& p, const std::array<T, N>& g, std::array<T, N>& m, std::array<T, N>& v,
                           const adam_coefficients<T>& c) noexcept {
    for (std::size_t k = 0; k < N; ++k) adam_update_element(p[k], g[k], m[k], v[k], c);
}

}  // namespace fixnet::kernels::scalar
