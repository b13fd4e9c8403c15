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
/// AVX-512). Wider networks vectorise across neurons, one sample at a time.
inline constexpr std::size_t across_samples_max_width = 16;

/// One layer for lanes<T> samples at once: x[i] holds input i of every sample, the result holds
/// output o of every sample. Each output is one fused multiply-add chain over the inputs in order
/// (the scalar kernel's order) and one vector activation.
template <class B, class Layer>
inline auto layer_across_samples(const Layer& l, const std::array<B, Layer::input_size>& x) noexcept {
    using A = typename Layer::activation_type;
    constexpr std::size_t Out = Layer::output_size;
    std::array<B, Out> a;
    for (std::size_t o = 0; o < Out; ++o) {
        B acc(l.bias(o));
        for (std::size_t i = 0; i < Layer::input_size; ++i) acc = xsimd::fma(B(l.weight(o, i)), x[i], acc);
        if constexpr (LayerActivation<A>) {
            a[o] = acc;
        } else {
            a[o] = activate<A>(acc);
        }
    }
    if constexpr (std::is_same_v<A, softmax>) {
        softmax_across_samples(a);
    } else if constexpr (LayerActivation<A>) {  // no vector version: sample by sample
        using T = typename B::value_type;
        alignas(B::arch_type::alignment()) std::array<std::array<T, B::size>, Out> lanes;
        for (std::size_t o = 0; o < Out; ++o) a[o].store_aligned(lanes[o].data());
        for (std::size_t j = 0; j < B::size; ++j) {
            std::array<T, Out> zs, ys;
            for (std::size_t o = 0; o < Out; ++o) zs[o] = lanes[o][j];
            A::apply(zs, ys);
            for (std::size_t o = 0; o < Out; ++o) lanes[o][j] = ys[o];
        }
        for (std::size_t o = 0; o < Out; ++o) a[o] = B::load_aligned(lanes[o].data());
    }
    return a;
}

/// out[k] = net.forward(in[k]) for the first count / lanes * lanes samples, lanes samples at a
/// time; returns how many it did (the caller finishes the rest one by one). Samples of one value
/// are loaded and stored as whole batches; wider ones go into lanes by element-wise gathers and
/// come back by a store to fixnet's own scratch and scalar copies (splitting pairs by permutes
/// instead was measured no faster for 2-2-2: the sigmoids bound it). Only the caller's elements are
/// ever read or written, and a block's inputs are all read before its outputs are written (so
/// `out` may alias `in`).
template <class Net>
inline std::size_t forward_across_samples(const Net& net, const typename Net::input_type* in,
                                          typename Net::output_type* out, std::size_t count) noexcept {
    using T = typename Net::value_type;
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    // Samples of one value are read and written as whole batches: that needs the arrays of
    // a span to lie end to end, which std::array of T does on every ABI fixnet builds for.
    static_assert(sizeof(typename Net::input_type) == Net::input_size * sizeof(T) &&
                  sizeof(typename Net::output_type) == Net::output_size * sizeof(T));
    std::size_t k = 0;
    for (; k + W <= count; k += W) {
        std::array<B, Net::input_size> x;
        if constexpr (Net::input_size == 1) {
            x[0] = B::load_unaligned(in[k].data());
        } else {
            for (std::size_t i = 0; i < Net::input_size; ++i)
                x[i] = [&]<std::size_t... S>(std::index_sequence<S...>) { return B{in[k + S][i]...}; }(std::make_index_sequence<W>{});
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
        if constexpr (Net::output_size == 1) {
            y[0].store_unaligned(out[k].data());
        } else {
            alignas(alignment<T>) std::array<T, W> lanes_out;
            for (std::size_t o = 0; o < Net::output_size; ++o) {
                y[o].store_aligned(lanes_out.data());
                for (std::size_t s = 0; s < W; ++s) out[k + s][o] = lanes_out[s];
            }
        }
    }
    return k;
}

}  // namespace fixnet::kernels::simd
