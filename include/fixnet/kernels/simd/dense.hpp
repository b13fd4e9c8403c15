// xsimd kernels of the dense layer: same names and results (within the documented bound) as
// kernels/scalar/dense.hpp, vectorised across output neurons.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "fixnet/kernels/simd/xsimd.hpp"

#include "fixnet/kernels/simd/activations.hpp"
#include "fixnet/layers/dense.hpp"

namespace fixnet::kernels::simd {

template <class T>
using batch = xsimd::batch<T>;  // the architecture chosen by the compiler's -m flags

template <class T>
inline constexpr std::size_t lanes = batch<T>::size;

template <class T>
inline constexpr std::size_t alignment = batch<T>::arch_type::alignment();

/// Smallest multiple of the batch size holding n values: the size of fixnet's own scratch
/// buffers, so that whole batches can be loaded and stored there. Caller arrays are never
/// padded: they are read and written in whole batches only up to their last full one.
template <class T>
inline constexpr std::size_t padded(std::size_t n) noexcept {
    return (n + lanes<T> - 1) / lanes<T> * lanes<T>;
}

/// Batches of neurons [B0, B0 + K) of W x + b, summed over all inputs with K accumulators held
/// in registers: K independent fused multiply-add chains hide the FMA latency that one chain
/// per batch would expose (measured 2.5x slower on 784-128-10), and each weight is loaded once.
template <std::size_t B0, std::size_t K, class T, std::size_t In, std::size_t Out, class A>
inline void dense_forward_block(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x, T* s) noexcept {
    using B = batch<T>;
    constexpr std::size_t N = lanes<T>;
    std::array<B, K> acc;
    for (std::size_t k = 0; k < K; ++k) acc[k] = B::load_unaligned(l.biases.data() + (B0 + k) * N);
    const T* w = l.weights.data() + B0 * N;
    for (std::size_t i = 0; i < In; ++i, w += Out) {
        B const xi(x[i]);
        for (std::size_t k = 0; k < K; ++k) acc[k] = xsimd::fma(B::load_unaligned(w + k * N), xi, acc[k]);
    }
    for (std::size_t k = 0; k < K; ++k) acc[k].store_aligned(s + (B0 + k) * N);
}

/// Register blocks of up to 8 batches (16 vector registers of x86-64 hold 8 accumulators, their
/// weights and the broadcast input), unrolled at compile time over all Out / lanes full batches.
template <std::size_t B0, class T, std::size_t In, std::size_t Out, class A>
inline void dense_forward_blocks(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x, T* s) noexcept {
    constexpr std::size_t batches = Out / lanes<T>;
    if constexpr (B0 < batches) {
        constexpr std::size_t K = batches - B0 < 8 ? batches - B0 : 8;
        dense_forward_block<B0, K>(l, x, s);
        dense_forward_blocks<B0 + K>(l, x, s);
    }
}

/// a = act(W x + b); z = W x + b when `z` is not null. Each neuron's sum is a fused multiply-add
/// chain over the inputs in order, for whole batches of neurons in register blocks; the last
/// (Out mod lanes) neurons are summed input-outer by scalar code with compile-time bounds, which
/// the compiler may vectorise with narrower registers. Every activation is then taken in whole
/// batches on a padded scratch buffer (one vector exp per batch, tails included).
template <class T, std::size_t In, std::size_t Out, class A>
inline void dense_forward(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                          std::array<T, Out>& a, std::array<T, Out>* z = nullptr) noexcept {
    using B = batch<T>;
    constexpr std::size_t N = lanes<T>;
    constexpr std::size_t full = Out / N * N;
    constexpr std::size_t P = padded<T>(Out);
    alignas(alignment<T>) std::array<T, P> s{};
    dense_forward_blocks<0>(l, x, s.data());
    if constexpr (full < Out) {
        const T* w = l.weights.data();
        for (std::size_t o = full; o < Out; ++o) s[o] = l.biases[o];
        for (std::size_t i = 0; i < In; ++i)
            for (std::size_t o = full; o < Out; ++o) s[o] += w[i * Out + o] * x[i];
    }
    if (z != nullptr) std::copy_n(s.begin(), Out, z->begin());
    for (std::size_t o = 0; o < P; o += N) activate<A>(B::load_aligned(s.data() + o)).store_aligned(s.data() + o);
    std::copy_n(s.begin(), Out, a.begin());
}

/// back[i] = sum_o w(o, i) delta[o]: one batch-wide partial sum per input, then one
/// horizontal add (the weights leaving input i are contiguous in the input-major layout).
template <class T, std::size_t In, std::size_t Out, class A>
inline void dense_backward_input(const dense_layer<T, In, Out, A>& l, const std::array<T, Out>& delta,
                                 std::array<T, In>& back) noexcept {
    using B = batch<T>;
    constexpr std::size_t N = lanes<T>;
    constexpr std::size_t full = Out / N * N;
    const T* w = l.weights.data();
    for (std::size_t i = 0; i < In; ++i) {
        T s{};
        if constexpr (full > 0) {
            B acc(T(0));
            for (std::size_t o = 0; o < full; o += N)
                acc = xsimd::fma(B::load_unaligned(w + i * Out + o), B::load_unaligned(delta.data() + o), acc);
            s = xsimd::hadd(acc);
        }
        for (std::size_t o = full; o < Out; ++o) s += w[i * Out + o] * delta[o];
        back[i] = s;
    }
}

/// Calls `vec_op(pointer, o)` on each whole batch of the `Out` values at `row`, then
/// `scalar_op(value, o)` on the tail: the one place that decides what is vector and what is scalar.
template <class T, std::size_t Out, class VecOp, class ScalarOp>
inline void for_batches(T* row, VecOp&& vec_op, ScalarOp&& scalar_op) noexcept {
    constexpr std::size_t N = lanes<T>;
    constexpr std::size_t full = Out / N * N;
    for (std::size_t o = 0; o < full; o += N) vec_op(row + o, o);
    for (std::size_t o = full; o < Out; ++o) scalar_op(row[o], o);
}

/// g.w(o, i) += x[i] delta[o]; g.b(o) += delta[o].
template <class T, std::size_t In, std::size_t Out, class A>
inline void dense_accumulate_gradient(dense_layer<T, In, Out, A>& g, const std::array<T, In>& x,
                                      const std::array<T, Out>& delta) noexcept {
    using B = batch<T>;
    for (std::size_t i = 0; i < In; ++i) {
        const B xi(x[i]);
        for_batches<T, Out>(
            g.weights.data() + i * Out,
            [&](T* p, std::size_t o) { xsimd::fma(xi, B::load_unaligned(delta.data() + o), B::load_unaligned(p)).store_unaligned(p); },
            [&](T& p, std::size_t o) { p += x[i] * delta[o]; });
    }
    for_batches<T, Out>(
        g.biases.data(),
        [&](T* p, std::size_t o) { (B::load_unaligned(p) + B::load_unaligned(delta.data() + o)).store_unaligned(p); },
        [&](T& p, std::size_t o) { p += delta[o]; });
}

/// Fused SGD step: w(o, i) -= x[i] (rate delta[o]); biases likewise when `learn_biases`.
template <class T, std::size_t In, std::size_t Out, class A>
inline void dense_sgd_step(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x, const std::array<T, Out>& delta,
                           T rate, bool learn_biases) noexcept {
    using B = batch<T>;
    constexpr std::size_t P = padded<T>(Out);
    alignas(alignment<T>) std::array<T, P> step{};  // rate * delta, computed once per layer
    for (std::size_t o = 0; o < Out; ++o) step[o] = rate * delta[o];
    for (std::size_t i = 0; i < In; ++i) {
        const B xi(x[i]);
        for_batches<T, Out>(
            l.weights.data() + i * Out,
            [&](T* p, std::size_t o) { xsimd::fnma(xi, B::load_aligned(step.data() + o), B::load_unaligned(p)).store_unaligned(p); },
            [&](T& p, std::size_t o) { p -= x[i] * step[o]; });
    }
    if (learn_biases)
        for_batches<T, Out>(
            l.biases.data(),
            [&](T* p, std::size_t o) { (B::load_unaligned(p) - B::load_aligned(step.data() + o)).store_unaligned(p); },
            [&](T& p, std::size_t o) { p -= step[o]; });
}

/// p[k] -= rate * g[k] over a whole parameter array.
template <class T, std::size_t N>
inline void sgd_update(std::array<T, N>& p, const std::array<T, N>& g, T rate) noexcept {
    using B = batch<T>;
    const B r(rate);
    for_batches<T, N>(
        p.data(),
        [&](T* q, std::size_t k) { xsimd::fnma(r, B::load_unaligned(g.data() + k), B::load_unaligned(q)).store_unaligned(q); },
        [&](T& q, std::size_t k) { q -= rate * g[k]; });
}

}  // namespace fixnet::kernels::simd
