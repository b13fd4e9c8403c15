// xsimd kernel of a whole narrow network evaluated for one batch of samples, one sample per lane.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "fixnet/kernels/simd/xsimd.hpp"

#include "fixnet/detail/static_for.hpp"
#include "fixnet/kernels/simd/activations.hpp"
#include "fixnet/kernels/simd/dense.hpp"

namespace fixnet::kernels::simd {

/// Widest layer (or input) a network may have for forward_batch to put samples in the lanes:
/// each layer's inputs and outputs then live in registers (a 16-16 layer needs 32 of them on
/// AVX-512). Wider networks vectorise across neurons (forward_sample_blocks).
inline constexpr std::size_t across_samples_max_width = 16;

/// Whether forward_batch puts samples in the lanes: a network no wider than
/// across_samples_max_width, some of whose layers leave lanes empty when vectorised across
/// neurons (a width that is not a whole number of batches). Where every width is whole batches,
/// one sample at a time does the same multiply-adds and activations without building lanes from
/// samples, and forward_sample_blocks is faster: f32 8-16-8 with AVX2 (8 lanes), 256 samples,
/// three A/B runs of 3 rounds, 8.2-9.3, 8.8-8.9 and 9.1-9.6 us across samples, 6.7-8.1, 6.4-7.4
/// and 7.2-7.5 us in blocks of samples.
template <class Net>
inline constexpr bool across_samples_pays = Net::max_width <= across_samples_max_width &&
    []<std::size_t... L>(std::index_sequence<L...>) {
        return ((Net::template layer_type<L>::output_size % lanes<typename Net::value_type> != 0) || ...);
    }(std::make_index_sequence<Net::layer_count>{});

/// One layer for U blocks of lanes<T> samples at once: x[u][i] holds input i of every sample of
/// block u, the result output o of each. Each output is one fused multiply-add chain over the
/// inputs in order (the scalar kernel's order) and one vector activation. The blocks' chains are
/// written side by side so that the core has two independent ones at hand (see across_samples_blocks).
template <class B, std::size_t U, class Layer>
FIXNET_ALWAYS_INLINE auto layer_across_samples(const Layer& l,
                                               const std::array<std::array<B, Layer::input_size>, U>& x) noexcept {
    using A = typename Layer::activation_type;
    constexpr std::size_t Out = Layer::output_size;
    std::array<std::array<B, Out>, U> a;
    for (std::size_t o = 0; o < Out; ++o) {
        std::array<B, U> acc;
        for (std::size_t u = 0; u < U; ++u) acc[u] = B(l.bias(o));
        for (std::size_t i = 0; i < Layer::input_size; ++i) {
            B const w(l.weight(o, i));
            for (std::size_t u = 0; u < U; ++u) acc[u] = xsimd::fma(w, x[u][i], acc[u]);
        }
        for (std::size_t u = 0; u < U; ++u) {
            if constexpr (LayerActivation<A>) {
                a[u][o] = acc[u];
            } else {
                a[u][o] = activate<A>(acc[u]);
            }
        }
    }
    for (std::size_t u = 0; u < U; ++u) {
        if constexpr (std::is_same_v<A, softmax>) {
            softmax_across_samples(a[u]);
        } else if constexpr (LayerActivation<A>) {  // no vector version: sample by sample
            using T = typename B::value_type;
            alignas(B::arch_type::alignment()) std::array<std::array<T, B::size>, Out> lanes;
            for (std::size_t o = 0; o < Out; ++o) a[u][o].store_aligned(lanes[o].data());
            for (std::size_t j = 0; j < B::size; ++j) {
                std::array<T, Out> zs, ys;
                for (std::size_t o = 0; o < Out; ++o) zs[o] = lanes[o][j];
                A::apply(zs, ys);
                for (std::size_t o = 0; o < Out; ++o) lanes[o][j] = ys[o];
            }
            for (std::size_t o = 0; o < Out; ++o) a[u][o] = B::load_aligned(lanes[o].data());
        }
    }
    return a;
}

/// How many blocks of lanes<T> samples forward_across_samples takes through the network side by
/// side. One block is a chain of dependent steps (a sigmoid is about 20 of them), and the core
/// overlapped consecutive blocks too little to keep its units busy (f32 2-2-2 with AVX-512: about
/// 1.6 instructions per cycle). Measured A/B on f32 forward_batch of 256 samples, AVX-512, ns per
/// call: 2-2-2 370 -> 310 with 2 blocks (f64 1071 -> 885), 400 with 4; 8-16-8 3614 -> 3250 with 2
/// (its 2 x 24 live batches spill a little, and it still gains); 4-16-3 tanh 2300 -> 2060. With
/// AVX2's 16 registers, one block measured slower too (f32 8-16-8, before it left this path: 8.2-9.3
/// us with 2 blocks, 9.3-10.8 with 1).
template <class Net>
inline constexpr std::size_t across_samples_blocks = 2;

/// out[k] = net.forward(in[k]) for U blocks of lanes<T> samples from in and out.
template <std::size_t U, class Net>
FIXNET_ALWAYS_INLINE void forward_across_samples_blocks(const Net& net, const typename Net::input_type* in,
                                                        typename Net::output_type* out) noexcept {
    using T = typename Net::value_type;
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    std::array<std::array<B, Net::input_size>, U> x;
    for (std::size_t u = 0; u < U; ++u) {
        const auto* block = in + u * W;
        if constexpr (Net::input_size == 1) {
            x[u][0] = B::load_unaligned(block[0].data());
        } else {
            for (std::size_t i = 0; i < Net::input_size; ++i)
                x[u][i] = [&]<std::size_t... S>(std::index_sequence<S...>) { return B{block[S][i]...}; }(std::make_index_sequence<W>{});
        }
    }
    auto run = [&]<std::size_t L>(auto& self, std::integral_constant<std::size_t, L>, const auto& a) {
        auto next = layer_across_samples<B>(net.template layer<L>(), a);
        if constexpr (L + 1 < Net::layer_count) {
            return self(self, std::integral_constant<std::size_t, L + 1>{}, next);
        } else {
            return next;
        }
    };
    auto const y = run(run, std::integral_constant<std::size_t, 0>{}, x);
    for (std::size_t u = 0; u < U; ++u) {
        auto* block = out + u * W;
        if constexpr (Net::output_size == 1) {
            y[u][0].store_unaligned(block[0].data());
        } else {
            alignas(alignment<T>) std::array<T, W> lanes_out;
            for (std::size_t o = 0; o < Net::output_size; ++o) {
                y[u][o].store_aligned(lanes_out.data());
                for (std::size_t s = 0; s < W; ++s) block[s][o] = lanes_out[s];
            }
        }
    }
}

/// out[k] = net.forward(in[k]) for the first count / lanes * lanes samples, lanes samples at a
/// time (across_samples_blocks of them side by side while there are enough); returns how many it
/// did (the caller finishes the rest one by one). Samples of one value are loaded and stored as
/// whole batches; wider ones go into lanes by element-wise gathers (which g++ turns into permutes)
/// and come back by a store to fixnet's own scratch and scalar copies (splitting pairs by explicit
/// permutes instead was measured no faster for 2-2-2). Only the caller's elements are ever read or
/// written, and a block's inputs are all read before its outputs are written (so `out` may alias `in`).
template <class Net>
inline std::size_t forward_across_samples(const Net& net, const typename Net::input_type* in,
                                          typename Net::output_type* out, std::size_t count) noexcept {
    using T = typename Net::value_type;
    constexpr std::size_t W = lanes<T>, U = across_samples_blocks<Net>;
    // Samples of one value are read and written as whole batches: that needs the arrays of
    // a span to lie end to end, which std::array of T does on every ABI fixnet builds for.
    static_assert(sizeof(typename Net::input_type) == Net::input_size * sizeof(T) &&
                  sizeof(typename Net::output_type) == Net::output_size * sizeof(T));
    std::size_t k = 0;
    if constexpr (U > 1)
        for (; k + U * W <= count; k += U * W) forward_across_samples_blocks<U>(net, in + k, out + k);
    for (; k + W <= count; k += W) forward_across_samples_blocks<1>(net, in + k, out + k);
    return k;
}

}  // namespace fixnet::kernels::simd
