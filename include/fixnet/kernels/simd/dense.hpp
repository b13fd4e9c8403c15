// xsimd kernels of the dense layer: same names and results (within the documented bound) as
// kernels/scalar/dense.hpp, vectorised across output neurons.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "fixnet/config.hpp"
#include "fixnet/detail/activate.hpp"
#include "fixnet/detail/static_for.hpp"
#include "fixnet/kernels/simd/xsimd.hpp"

#include "fixnet/kernels/simd/activations.hpp"
#include "fixnet/layers/dense.hpp"

namespace fixnet::kernels::simd {

template <class T>
using batch = xsimd::batch<T>;  // the widest architecture the compiler's -m flags allow

template <class T>
inline constexpr std::size_t lanes = batch<T>::size;

template <class T>
inline constexpr std::size_t alignment = batch<T>::arch_type::alignment();

/// The widest native batch of T with at most N lanes (void when even the narrowest is wider):
/// a layer of 12 floats on AVX-512 is one 8-lane AVX2 batch and one 4-lane SSE batch, not 12
/// scalars. Every architecture below the target's is available to the same translation unit.
template <class T, std::size_t N, std::size_t W = lanes<T>>
struct fitting_batch {
    using candidate = xsimd::make_sized_batch_t<T, W>;
    using type = std::conditional_t<(W <= N && !std::is_void_v<candidate>), candidate,
                                    typename fitting_batch<T, N, W / 2>::type>;
};
template <class T, std::size_t N>
struct fitting_batch<T, N, 0> {
    using type = void;
};

/// The narrowest native batch of T (4 floats with SSE or NEON): pads fixnet's own scratch tails.
template <class T, std::size_t W = 1>
constexpr std::size_t narrowest_width() noexcept {
    if constexpr (!std::is_void_v<xsimd::make_sized_batch_t<T, W>>) {
        return W;
    } else {
        return narrowest_width<T, W * 2>();  // ends at lanes<T>, which always exists
    }
}
template <class T>
using narrowest_batch = xsimd::make_sized_batch_t<T, narrowest_width<T>()>;

/// Size of fixnet's scratch buffers for n values: room for whole batches up to the end, so that
/// a tail can be computed in one narrow batch. Caller arrays are never padded: they are read and
/// written in whole batches only where the batch fits, and element by element after that.
template <class T>
inline constexpr std::size_t padded(std::size_t n) noexcept {
    return (n + lanes<T> - 1) / lanes<T> * lanes<T>;
}

/// Splits [Begin, End) into batches: whole widest batches in a loop, then at most one batch of
/// each narrower width, widest first; what is left (fewer values than the narrowest batch) goes
/// to `scalar_op(o)`, or when `PadTail` (fixnet's own padded scratch) to one narrowest batch.
/// `vec_op(std::type_identity<B>{}, o)` processes the batch type B at offset o. This is the one
/// place that decides what is computed in which width.
template <class T, std::size_t Begin, std::size_t End, bool PadTail, class VecOp, class ScalarOp>
inline void for_chunks(VecOp&& vec_op, ScalarOp&& scalar_op) noexcept {
    constexpr std::size_t N = lanes<T>;
    constexpr std::size_t full_end = Begin + (End - Begin) / N * N;
    for (std::size_t o = Begin; o < full_end; o += N) vec_op(std::type_identity<batch<T>>{}, o);
    if constexpr (full_end < End) {
        using B = typename fitting_batch<T, End - full_end>::type;
        if constexpr (!std::is_void_v<B>) {
            vec_op(std::type_identity<B>{}, full_end);
            for_chunks<T, full_end + B::size, End, PadTail>(vec_op, scalar_op);
        } else if constexpr (PadTail) {
            vec_op(std::type_identity<narrowest_batch<T>>{}, full_end);
        } else {
            for (std::size_t o = full_end; o < End; ++o) scalar_op(o);
        }
    }
}

/// No step pending: dense_forward_block reads the weights as they are.
struct no_step {};

/// An SGD step of the layer left pending (by fixnet::online_trainer), applied by the forward pass
/// as it reads each weight: w(o, i) += x[i] (-rate delta[o]), and b(o) += -rate delta[o] when
/// learn_biases: the same operations, in the same rounding, as dense_sgd_step's.
template <class T>
struct pending_step {
    const T* x;
    const T* delta;
    T rate;
    bool learn_biases;
};

/// K batches of type B of neurons starting at O0 of W x + b, summed over all inputs with the K
/// accumulators held in registers: K independent fused multiply-add chains hide the FMA latency
/// that one chain per batch exposes (measured 2.5x slower on 784-128-10), and each weight is
/// loaded once. With a pending_step, each weight batch is stepped and stored back as it is loaded,
/// and the sum uses the stepped value: one pass over the weights for the step and the forward.
template <class B, std::size_t O0, std::size_t K, class Layer, class Step = no_step>
FIXNET_ALWAYS_INLINE void dense_forward_block(Layer& l, const std::array<typename Layer::value_type, Layer::input_size>& x,
                                              typename Layer::value_type* s, const Step& step = {}) noexcept {
    using T = typename Layer::value_type;
    constexpr std::size_t In = Layer::input_size, Out = Layer::output_size, N = B::size;
    constexpr bool stepped = !std::is_same_v<Step, no_step>;
    // With few batches (K < 8) the chains would be too few to hide the FMA latency: each batch
    // then sums P interleaved parts of the inputs (i = p, p + P, ...) added at the end, so that
    // K * P >= 8 chains run at once. A different order of the same sum: within the bound.
    // At most In / 2 parts, so that each takes two inputs or more: with one input per part, the
    // sum is one FMA and then a chain of P - 1 additions (the 8-16-8 input layer, P = 8: 1 FMA and
    // 7 additions; with P = 4, 2 FMAs and 3 additions). The 8-16-8 forward measured 18.5 -> 17.6
    // ns (AVX-512, medians of 4 interleaved rounds); its train_step stayed level.
    constexpr std::size_t P = K >= 8 ? 1 : (8 / K < In / 2 ? 8 / K : (In > 1 ? In / 2 : 1));
    [[maybe_unused]] std::array<B, K> neg_step;
    if constexpr (stepped)
        for (std::size_t k = 0; k < K; ++k) neg_step[k] = B::load_unaligned(step.delta + O0 + k * N) * B(-step.rate);
    std::array<std::array<B, K>, P> acc;
    // Unrolled, not a loop: g++ turns a loop of these loads into a memcpy into acc, which with
    // -march=znver3 (16-byte moves) then stalls the 32-byte loads of acc on store forwarding.
    detail::for_index<K>([&](std::size_t k) {
        auto* const b = l.biases.data() + O0 + k * N;
        acc[0][k] = B::load_unaligned(b);
        if constexpr (stepped) {
            if (step.learn_biases) {
                acc[0][k] += neg_step[k];
                acc[0][k].store_unaligned(b);
            }
        }
    });
    for (std::size_t p = 1; p < P; ++p)
        for (std::size_t k = 0; k < K; ++k) acc[p][k] = B(T(0));
    auto* const w = l.weights.data() + O0;
    // Batch k of weight row i, stepped and stored first when a step is pending.
    auto weight = [&](std::size_t i, std::size_t k, [[maybe_unused]] const B& step_xi) {
        B v = B::load_unaligned(w + i * Out + k * N);
        if constexpr (stepped) {
            v = xsimd::fma(step_xi, neg_step[k], v);
            v.store_unaligned(w + i * Out + k * N);
        }
        return v;
    };
    auto step_x = [&](std::size_t i) {
        if constexpr (stepped) {
            return B(step.x[i]);
        } else {
            return B();
        }
    };
    constexpr std::size_t whole = In / P * P;
    for (std::size_t i = 0; i < whole; i += P) {
        for (std::size_t p = 0; p < P; ++p) {
            B const xi(x[i + p]), sx = step_x(i + p);
            for (std::size_t k = 0; k < K; ++k) acc[p][k] = xsimd::fma(weight(i + p, k, sx), xi, acc[p][k]);
        }
    }
    for (std::size_t i = whole; i < In; ++i) {
        B const xi(x[i]), sx = step_x(i);
        for (std::size_t k = 0; k < K; ++k) acc[0][k] = xsimd::fma(weight(i, k, sx), xi, acc[0][k]);
    }
    for (std::size_t k = 0; k < K; ++k) {
        B sum = acc[0][k];
        for (std::size_t p = 1; p < P; ++p) sum += acc[p][k];
        sum.store_unaligned(s + O0 + k * N);
    }
}
/// A batch of type B whose first Count lanes are f(0), ..., f(Count - 1) and the rest zero, built
/// in registers (no store of scalars followed by a wider load, which stalls store forwarding).
template <class B, std::size_t Count, class F>
inline B gather(F&& f) noexcept {
    using T = typename B::value_type;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return B{(I < Count ? f(I) : T(0))...};
    }(std::make_index_sequence<B::size>{});
}

/// Whether two floats move as one 64-bit value (load_head, store_head, rows of two floats): on x86,
/// where gather's zeroed lanes took a load, an insert and a zeroing move for every pair. Not on
/// NEON, where g++ already loads a gathered pair in one instruction and calls xsimd 8.1's
/// bitwise_cast out of line (the aarch64 2-2-2 train_step counted 315 -> 430 instructions with it).
template <class B>
inline constexpr bool pairs_as_64_bits =
    sizeof(typename B::value_type) == 4 && std::is_base_of_v<xsimd::sse2, typename B::arch_type>;

/// A batch of type B whose first Count lanes are p[0], ..., p[Count - 1], reading nothing past them;
/// the other lanes are unspecified (callers ignore them): where pairs_as_64_bits, two floats by one
/// 64-bit broadcast load (the 2-2-2 layers' biases and weight rows), else one element broadcast,
/// or gathered.
template <class B, std::size_t Count, class T>
FIXNET_ALWAYS_INLINE B load_head(const T* p) noexcept {
    if constexpr (Count == B::size) {
        return B::load_unaligned(p);
    } else if constexpr (Count == 1) {
        return B(p[0]);
    } else if constexpr (Count == 2 && pairs_as_64_bits<B>) {
        std::uint64_t bits;
        std::memcpy(&bits, p, sizeof bits);
        return xsimd::bitwise_cast<B>(xsimd::batch<std::uint64_t, typename B::arch_type>(bits));
    } else {
        return gather<B, Count>([&](std::size_t i) { return p[i]; });
    }
}

/// Stores the first Count lanes of v to p[0], ..., p[Count - 1], writing nothing past them: two
/// floats as one 64-bit store, so that load_head's 64-bit load of them is forwarded from it (a load
/// of two floats stored separately waits for both stores to complete).
template <std::size_t Count, class B, class T>
FIXNET_ALWAYS_INLINE void store_head(const B& v, T* p) noexcept {
    if constexpr (Count == B::size) {
        v.store_unaligned(p);
    } else {
        alignas(alignment<T>) std::array<T, B::size> lanes_of_v;
        v.store_aligned(lanes_of_v.data());
        std::memcpy(p, lanes_of_v.data(), Count * sizeof(T));
    }
}

/// The last Out - O0 neurons, fewer than the narrowest batch holds: summed in one narrowest batch
/// whose first lanes are loaded from the weights (reading only the caller's elements), stored whole
/// into the padded scratch where the activation picks it up (its other lanes too, never read).
template <std::size_t O0, class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_forward_tail(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                             T* s) noexcept {
    using B = narrowest_batch<T>;
    constexpr std::size_t R = Out - O0;
    B acc = load_head<B, R>(l.biases.data() + O0);
    for (std::size_t i = 0; i < In; ++i)
        acc = xsimd::fma(load_head<B, R>(l.weights.data() + i * Out + O0), B(x[i]), acc);
    acc.store_unaligned(s + O0);
}

/// The batch type of which a row of Out values is a whole number (rows of 8, 16, 32 ... floats),
/// or void when the row needs batches of several widths or scalar code.
template <class T, std::size_t Out, class R = typename fitting_batch<T, Out>::type>
struct row_batch {
    using type = std::conditional_t<Out % R::size == 0, R, void>;
};
template <class T, std::size_t Out>
struct row_batch<T, Out, void> {
    using type = void;
};

/// Narrow layers whose Out neurons fill only part of a batch: Out a power of two below the widest
/// batch's lanes (8 floats on AVX-512, 2 on SSE or NEON). The type `B` then holds G = B::size / Out
/// consecutive rows of the input-major weights at once (rows are contiguous), multiplied by the G
/// inputs of those rows each repeated Out times; lane group g sums rows i = g mod G, and the G
/// groups are folded together at the end. The 8-16-8 output layer takes 8 batch FMAs this way
/// instead of 16 half-empty ones, each after a broadcast from a register (forward 22.7 -> 18.1 ns,
/// AVX-512). Void when no G >= 2 divides In into at least two groups: a single group (the 2-2-2
/// layers) measured slower than the broadcasts (f64 forward 13.6 -> 16.5 ns).
template <class T, std::size_t In, std::size_t Out, std::size_t W = lanes<T>>
struct packed_rows_batch {
    static constexpr std::size_t G = Out > 0 ? W / Out : 0;
    static constexpr bool fits = std::has_single_bit(Out) && G >= 2 && In % G == 0 && In / G >= 2 &&
                                 !std::is_void_v<xsimd::make_sized_batch_t<T, W>>;
    using type = std::conditional_t<fits, xsimd::make_sized_batch_t<T, W>,
                                    typename packed_rows_batch<T, In, Out, W / 2>::type>;
};
template <class T, std::size_t In, std::size_t Out>
struct packed_rows_batch<T, In, Out, 1> {
    using type = void;
};

/// Lane j of the result is lane `Start + j / Stride` of v: with Stride = Out, the G inputs from
/// lane Start on, each repeated over one group of Out lanes. With `Rotate`, lane (j + Start) mod the
/// width instead: added to v, Start = width / 2 folds the upper half onto the lower.
template <std::size_t Start, std::size_t Stride, bool Rotate, class B>
FIXNET_ALWAYS_INLINE B spread_lanes(const B& v) noexcept {
    using I = xsimd::as_unsigned_integer_t<typename B::value_type>;
    using IB = xsimd::batch<I, typename B::arch_type>;
    return [&]<std::size_t... J>(std::index_sequence<J...>) {
        if constexpr (Rotate) {
            return xsimd::swizzle(v, xsimd::batch_constant<IB, I((J + Start) % B::size)...>{});
        } else {
            return xsimd::swizzle(v, xsimd::batch_constant<IB, I(Start + J / Stride)...>{});
        }
    }(std::make_index_sequence<B::size>{});
}

/// W x + b of a narrow layer (see packed_rows_batch): the inputs in chunks of one batch, whose Out
/// groups of G rows go to up to four accumulators in turn; those are added, then folded.
template <class B, class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_forward_packed(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                               T* s) noexcept {
    constexpr std::size_t N = B::size, G = N / Out, full = In / N, rest = In % N;
    constexpr std::size_t groups = In / G, P = groups < 4 ? groups : 4;
    std::array<B, P> acc;
    for (std::size_t p = 0; p < P; ++p) acc[p] = B(T(0));
    // The groups of the chunk of inputs xc, whose weights start at w.
    auto chunk = [&](const B& xc, const T* w, auto count) {
        detail::static_for<count / G>([&](auto h) {
            B const xs = spread_lanes<h * G, Out, false>(xc);
            acc[h % P] = xsimd::fma(B::load_unaligned(w + h * N), xs, acc[h % P]);
        });
    };
    for (std::size_t c = 0; c < full; ++c)
        chunk(B::load_unaligned(x.data() + c * N), l.weights.data() + c * N * Out,
              std::integral_constant<std::size_t, N>{});
    if constexpr (rest > 0)
        chunk(load_head<B, rest>(x.data() + full * N), l.weights.data() + full * N * Out,
              std::integral_constant<std::size_t, rest>{});
    B sum = acc[0];
    for (std::size_t p = 1; p < P; ++p) sum += acc[p];
    detail::static_for<std::bit_width(G) - 1>([&](auto f) {
        sum += spread_lanes<(N >> (f + 1)), 1, true>(sum);  // lane j gets j + N/2, then j + N/4, ...
    });
    sum.store_unaligned(s);
    // The biases last, in a batch of Out lanes where there is one: gathered into the wide batch
    // up front, they took 12 scalar loads and inserts on the 8-16-8 output layer.
    using O = typename row_batch<T, Out>::type;
    if constexpr (!std::is_void_v<O>) {
        (O::load_unaligned(s) + O::load_unaligned(l.biases.data())).store_unaligned(s);
    } else {
        for (std::size_t o = 0; o < Out; ++o) s[o] += l.biases[o];
    }
}

/// The widest batches in the register block from neuron O0 (O0 + lanes<T> <= Out): up to 8 (16
/// vector registers hold 8 accumulators, their weights and the broadcast input).
template <class T, std::size_t O0, std::size_t Out>
inline constexpr std::size_t block_batches = (Out - O0) / lanes<T> < 8 ? (Out - O0) / lanes<T> : 8;

/// Whether a layer's rows are wider than one register block (more than 8 widest batches, all whole:
/// with AVX2, the 128 neurons of the 784-128-10 and 128-128-128 layers), so that
/// dense_forward_rows reads them in one pass.
template <class T, std::size_t Out>
inline constexpr bool rows_wider_than_block = lanes<T> != 0 && Out % lanes<T> == 0 && Out / lanes<T> > 8;

/// W x + b in one pass over whole weight rows, the sums held in the aligned scratch s (L1) instead
/// of registers. Register blocks would read each row in parts, one pass over the layer per block;
/// with the layer in L2, those passes cost more than loading and storing the sums in L1. Measured
/// (AVX2, Zen 3, two A/B runs of bench builds, 3 rounds each): 784-128-10 forward 7.4-10.1 ->
/// 5.6-7.3 us, 128-128-128 forward 1.84-2.39 -> 1.75-1.99 us; their train_step level or a little
/// faster (13.0-13.8 -> 12.6-13.2 us, 5.0-5.3 -> 4.9-5.4 us). With AVX-512 no bench shape is wider
/// than one block (128 floats are 8 batches), so nothing changes there. Each sum
/// is b + w0 x0 + w1 x1 + ... in input order. With a pending_step, each weight batch is stepped and
/// stored back as it is loaded, in dense_sgd_step's operations (the step's -rate delta kept in a
/// second scratch), and the sum uses the stepped value: online_trainer's one pass, and the same
/// sums as this function's forward.
template <class Layer, class Step = no_step>
FIXNET_ALWAYS_INLINE void dense_forward_rows(Layer& l, const std::array<typename Layer::value_type, Layer::input_size>& x,
                                             typename Layer::value_type* s, const Step& step = {}) noexcept {
    using T = typename Layer::value_type;
    using B = batch<T>;
    constexpr std::size_t In = Layer::input_size, Out = Layer::output_size, N = lanes<T>;
    constexpr bool stepped = !std::is_same_v<Step, no_step>;
    [[maybe_unused]] alignas(alignment<T>) std::array<T, stepped ? Out : 0> neg_step;
    for (std::size_t o = 0; o < Out; o += N) {
        B b = B::load_unaligned(l.biases.data() + o);
        if constexpr (stepped) {
            B const ns = B::load_unaligned(step.delta + o) * B(-step.rate);
            ns.store_aligned(neg_step.data() + o);
            if (step.learn_biases) {
                b += ns;
                b.store_unaligned(l.biases.data() + o);
            }
        }
        b.store_aligned(s + o);
    }
    // With a step, G = 8 rows at a time: each batch of sums (and of -rate delta) is loaded once,
    // takes the 8 rows' FMAs in input order (the same chain, the same bits) and is stored once,
    // instead of once per row, so that the stores are mostly the stepped weights'. Measured (AVX2,
    // Zen 3, A/B of bench builds, 4 rounds of 5 repetitions, min and median ns): train_step
    // 128-128-128 4040 / 5320 -> 3656 / 4043 (G = 2 and 4 between the two), an hour later 5216 /
    // 5462 -> 4530 / 5064; 784-128-10 11618 / 13577 -> 9850 / 10742, but level an hour later
    // (11860 / 13584 -> 11760 / 13350). Without a step, reading the layer from L2 is the limit,
    // and the best G depends on the layer's size: 4 rows for layers of up to 64 KB (128-128-128
    // forward 1843 / 2086 -> 1669 / 1890, its train_step level), one row for larger ones
    // (784-128-10 forward 5436 / 6427 with 1, 6124 / 6992 with 4, 6302 / 7437 with 8; 128-128-128
    // 1968 / 2182 with 8).
    auto rows = [&]<std::size_t G>(std::size_t i0, std::integral_constant<std::size_t, G>) {
        std::array<B, G> xi;
        [[maybe_unused]] std::array<B, G> sx;
        for (std::size_t g = 0; g < G; ++g) {
            xi[g] = B(x[i0 + g]);
            if constexpr (stepped) sx[g] = B(step.x[i0 + g]);
        }
        auto* const w = l.weights.data() + i0 * Out;
        for (std::size_t o = 0; o < Out; o += N) {
            B acc = B::load_aligned(s + o);
            [[maybe_unused]] B ns;
            if constexpr (stepped) ns = B::load_aligned(neg_step.data() + o);
            for (std::size_t g = 0; g < G; ++g) {
                B wv = B::load_unaligned(w + g * Out + o);
                if constexpr (stepped) {
                    wv = xsimd::fma(sx[g], ns, wv);
                    wv.store_unaligned(w + g * Out + o);
                }
                acc = xsimd::fma(wv, xi[g], acc);
            }
            acc.store_aligned(s + o);
        }
    };
    constexpr std::size_t G = stepped ? 8 : (In * Out * sizeof(T) <= 65536 ? 4 : 1), whole = In / G * G;
    for (std::size_t i = 0; i < whole; i += G) rows(i, std::integral_constant<std::size_t, G>{});
    for (std::size_t i = whole; i < In; ++i) rows(i, std::integral_constant<std::size_t, 1>{});
}

/// Register blocks of up to 8 widest batches (block_batches), then the narrower tail batches, all
/// unrolled at compile time.
template <std::size_t O0, class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_forward_blocks(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                               T* s) noexcept {
    constexpr std::size_t N = lanes<T>;
    if constexpr (O0 == 0 && !std::is_void_v<typename packed_rows_batch<T, In, Out>::type>) {
        dense_forward_packed<typename packed_rows_batch<T, In, Out>::type>(l, x, s);
    } else if constexpr (O0 == 0 && rows_wider_than_block<T, Out>) {
        dense_forward_rows(l, x, s);
    } else if constexpr (O0 + N <= Out) {
        constexpr std::size_t K = block_batches<T, O0, Out>;
        dense_forward_block<batch<T>, O0, K>(l, x, s);
        dense_forward_blocks<O0 + K * N>(l, x, s);
    } else if constexpr (O0 < Out) {
        using B = typename fitting_batch<T, Out - O0>::type;
        if constexpr (!std::is_void_v<B>) {
            dense_forward_block<B, O0, 1>(l, x, s);
            dense_forward_blocks<O0 + B::size>(l, x, s);
        } else {
            dense_forward_tail<O0>(l, x, s);
        }
    }
}

/// softmax over the first Out values of the padded scratch s, in place, in the steps of the scalar
/// softmax::apply: the max and the sum in output order (Out is small: an output layer), e^(z - max)
/// and the divisions in batches (the padding lanes compute values nobody reads).
template <std::size_t Out, class T, std::size_t P>
FIXNET_ALWAYS_INLINE void softmax_scratch(std::array<T, P>& s) noexcept {
    T m = s[0];
    bool nan = false;
    for (std::size_t o = 0; o < Out; ++o) {
        nan = nan || s[o] != s[o];
        m = s[o] > m ? s[o] : m;
    }
    if (nan) m = std::numeric_limits<T>::quiet_NaN();
    for_chunks<T, 0, Out, true>(
        [&](auto b, std::size_t o) {
            using B = typename decltype(b)::type;
            exp_nonpositive(B::load_unaligned(s.data() + o) - B(m)).store_unaligned(s.data() + o);
        },
        [](std::size_t) {});
    T sum{};
    for (std::size_t o = 0; o < Out; ++o) sum += s[o];
    for_chunks<T, 0, Out, true>(
        [&](auto b, std::size_t o) {
            using B = typename decltype(b)::type;
            (B::load_unaligned(s.data() + o) / B(sum)).store_unaligned(s.data() + o);
        },
        [](std::size_t) {});
}

/// a = the first Out values of the scratch s: whole batches, unrolled, then element by element. A
/// loop or std::copy_n becomes a memcpy that g++ (-march=znver3) moves in 16- or 8-byte pieces, and
/// the next layer's 32-byte loads of a then stall on store forwarding.
template <std::size_t Out, class T, std::size_t P>
FIXNET_ALWAYS_INLINE void copy_out(const std::array<T, P>& s, std::array<T, Out>& a) noexcept {
    constexpr std::size_t N = lanes<T>;
    detail::for_index<Out / N>([&](std::size_t k) { batch<T>::load_aligned(s.data() + k * N).store_unaligned(a.data() + k * N); });
    for (std::size_t o = Out / N * N; o < Out; ++o) a[o] = s[o];
}

/// a = act(s) from the padded scratch s of pre-activations (z = s first, when `z` is not null):
/// the activation in whole batches, tails included, then Out values copied out.
template <class A, std::size_t Out, class T, std::size_t P>
FIXNET_ALWAYS_INLINE void activate_scratch(std::array<T, P>& s, std::array<T, Out>& a, std::array<T, Out>* z = nullptr) noexcept {
    if (z != nullptr) copy_out<Out>(s, *z);
    if constexpr (std::is_same_v<A, softmax>) {
        softmax_scratch<Out>(s);
    } else if constexpr (LayerActivation<A>) {  // a layer-wide activation with no vector version
        std::array<T, Out> zs;
        std::copy_n(s.begin(), Out, zs.begin());
        A::apply(zs, a);
        return;
    } else {
        for_chunks<T, 0, Out, true>(
            [&](auto b, std::size_t o) {
                using B = typename decltype(b)::type;
                activate<A>(B::load_unaligned(s.data() + o)).store_unaligned(s.data() + o);
            },
            [](std::size_t) {});
    }
    copy_out<Out>(s, a);
}

/// dz = g * A's derivative at (z, y), the error at a layer's pre-activations (detail::activation_backward,
/// the same operations lane by lane: the same bits), in batches where A has a batch_derivative.
/// g++ does not vectorise the scalar loop for relu and leaky_relu (their derivatives branch), and
/// only in part for 16 sigmoid neurons (scalar and 2-lane pieces, stored in pieces and loaded back
/// whole). Measured train_batch, ns per sample (AVX2, Zen 3, 3 A/B rounds): 32-64-10 relu 997-1053
/// -> 614-663, leaky_relu 949-1039 -> 578-752, 4-16-3 relu 98-105 -> 79-87; sigmoid and tanh, and
/// the train_step rows of 8-16-8 to 64-64-64, level. dz may be the same array as z or g.
template <class A, class T, std::size_t N>
FIXNET_ALWAYS_INLINE void activation_backward(const std::array<T, N>& z, const std::array<T, N>& y,
                                              const std::array<T, N>& g, std::array<T, N>& dz) noexcept {
    if constexpr (has_batch_derivative<A, batch<T>>) {
        for_chunks<T, 0, N, false>(
            [&](auto b, std::size_t o) {
                using B = typename decltype(b)::type;
                B const d = batch_derivative<A>::derivative(B::load_unaligned(z.data() + o), B::load_unaligned(y.data() + o));
                (B::load_unaligned(g.data() + o) * d).store_unaligned(dz.data() + o);
            },
            [&](std::size_t o) { dz[o] = g[o] * A::derivative(z[o], y[o]); });
    } else {
        detail::activation_backward<A>(z, y, g, dz);
    }
}

/// The pre-activations of K widest batches of neurons from O0 for S samples at once: each batch
/// of weights loaded serves S samples, which the one-sample kernel cannot do (a 128-128-128
/// layer's 64 KB of weights come from L2 on every forward). K * S accumulators stay in registers.
template <std::size_t O0, std::size_t K, std::size_t S, class T, std::size_t In, std::size_t Out, class A, std::size_t P>
inline void dense_forward_samples_block(const dense_layer<T, In, Out, A>& l, const std::array<T, In>* x,
                                        std::array<T, P>* s) noexcept {
    using B = batch<T>;
    constexpr std::size_t N = lanes<T>;
    std::array<std::array<B, K>, S> acc;
    for (std::size_t k = 0; k < K; ++k) {
        B const b = B::load_unaligned(l.biases.data() + O0 + k * N);
        for (std::size_t j = 0; j < S; ++j) acc[j][k] = b;
    }
    const T* w = l.weights.data() + O0;
    for (std::size_t i = 0; i < In; ++i) {
        std::array<B, K> wv;
        for (std::size_t k = 0; k < K; ++k) wv[k] = B::load_unaligned(w + i * Out + k * N);
        for (std::size_t j = 0; j < S; ++j) {
            B const xi(x[j][i]);
            for (std::size_t k = 0; k < K; ++k) acc[j][k] = xsimd::fma(wv[k], xi, acc[j][k]);
        }
    }
    for (std::size_t j = 0; j < S; ++j)
        for (std::size_t k = 0; k < K; ++k) acc[j][k].store_unaligned(s[j].data() + O0 + k * N);
}

/// Register blocking of the multi-sample forward: K = 2 widest batches of neurons for S samples,
/// K * S accumulators and K weight batches within the register file (AVX-512's 32 vector
/// registers: 2 x 8 + 2; 16 elsewhere: 2 x 6 + 2). Measured on the 784-128-10 forward_batch of
/// 256 samples, whose weights come from L2 or further: with AVX-512, (K, S) = (2, 8) 301 us,
/// (3, 8) 299, (2, 12) 305, (4, 4) 932, (1, 16) 511, one sample at a time 782; with AVX2,
/// (2, 6) 597, (2, 4) 642, (3, 4) 693, one at a time 1129. Few samples per weight load is what
/// loses: the loads, not the FMAs, are the limit.
template <class T>
inline constexpr bool has_32_vector_registers = std::is_base_of_v<xsimd::avx512f, typename batch<T>::arch_type>;
template <class T>
inline constexpr std::size_t samples_block_batches = 2;
template <class T>
inline constexpr std::size_t samples_per_block = has_32_vector_registers<T> ? 8 : 6;

template <std::size_t O0, std::size_t S, class T, std::size_t In, std::size_t Out, class A, std::size_t P>
inline void dense_forward_samples_blocks(const dense_layer<T, In, Out, A>& l, const std::array<T, In>* x,
                                         std::array<T, P>* s) noexcept {
    constexpr std::size_t N = lanes<T>, left = (Out - O0) / N;
    if constexpr (left > 0) {
        constexpr std::size_t K = left < samples_block_batches<T> ? left : samples_block_batches<T>;
        dense_forward_samples_block<O0, K, S>(l, x, s);
        dense_forward_samples_blocks<O0 + K * N, S>(l, x, s);
    } else {
        for (std::size_t j = 0; j < S; ++j) dense_forward_blocks<O0>(l, x[j], s[j].data());  // the tail
    }
}

/// a[j] = act(W x[j] + b) for S samples x[0..S) at once (forward_batch of wide networks). Each
/// neuron's sum runs over the inputs in order; the last Out mod lanes neurons go sample by sample.
template <std::size_t S, class T, std::size_t In, std::size_t Out, class A>
inline void dense_forward_samples(const dense_layer<T, In, Out, A>& l, const std::array<T, In>* x,
                                  std::array<T, Out>* a) noexcept {
    alignas(alignment<T>) std::array<std::array<T, padded<T>(Out)>, S> s;
    dense_forward_samples_blocks<0, S>(l, x, s.data());
    for (std::size_t j = 0; j < S; ++j) activate_scratch<A, Out>(s[j], a[j]);
}

/// a = act(W x + b); z = W x + b when `z` is not null. Each neuron's sum is a fused multiply-add
/// chain over the inputs in order, computed for batches of neurons in register blocks (the tail
/// in narrower batches, the last few neurons by scalar code); every activation is then taken in
/// batches on a padded scratch buffer (one vector exp per batch, tails included).
template <class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_forward(const dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                        std::array<T, Out>& a, std::array<T, Out>* z = nullptr) noexcept {
    // Every lane the activation reads is written by the blocks above (tails as whole batches).
    alignas(alignment<T>) std::array<T, padded<T>(Out)> s;
    dense_forward_blocks<0>(l, x, s.data());
    activate_scratch<A, Out>(s, a, z);
}

/// Whether dense_step_forward steps the weights inside the forward pass: rows of whole widest
/// batches, where only dense_forward_block or dense_forward_rows runs, stepping in dense_sgd_step's operations.
template <class T, std::size_t Out>
inline constexpr bool step_in_forward = Out % lanes<T> == 0;

template <std::size_t O0, class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_forward_stepped_blocks(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x, T* s,
                                                       const pending_step<T>& step) noexcept {
    constexpr std::size_t N = lanes<T>, K = block_batches<T, O0, Out>;
    if constexpr (O0 == 0 && rows_wider_than_block<T, Out>) {
        dense_forward_rows(l, x, s, step);  // as dense_forward_blocks does without a step
    } else {
        dense_forward_block<batch<T>, O0, K>(l, x, s, step);
        if constexpr (O0 + K * N < Out) dense_forward_stepped_blocks<O0 + K * N>(l, x, s, step);
    }
}

/// Where xsimd::haddp must find row r so that lane r of its result is that row's sum. xsimd 8.1's
/// AVX-512 float haddp puts the sums of rows 4, 5 in lanes 2, 3 and those of rows 2, 3 in lanes
/// 4, 5 (likewise 12, 13 and 10, 11), as test_simd's whole-row kernel test showed; swapping those
/// rows on the way in undoes it. Every other architecture's haddp keeps the order.
template <class R>
constexpr std::size_t haddp_slot(std::size_t r) noexcept {
    if constexpr (std::is_same_v<typename R::value_type, float> && std::is_base_of_v<xsimd::avx512f, typename R::arch_type>) {
        std::size_t const q = r % 8;
        if (q == 2 || q == 3) return r + 2;
        if (q == 4 || q == 5) return r - 2;
    }
    return r;
}

/// The widest batch R that fits in a row of Out values, when what is left after the row's whole
/// batches of R is fewer values than the narrowest batch holds (so that scalar code takes it):
/// rows of 8, 16, 32 ... floats, or of 10 (8 + 2), 17 (16 + 1). Void otherwise (rows of 2, 24).
template <class T, std::size_t Out, class R = typename fitting_batch<T, Out>::type>
struct row_head_batch {
    using type = std::conditional_t<(Out % R::size < narrowest_width<T>()), R, void>;
};
template <class T, std::size_t Out>
struct row_head_batch<T, Out, void> {
    using type = void;
};

/// back[i] for every row i of a layer's weights, W = R::size rows at a time: `row(i, tail)`
/// returns row i's partial sums over its whole batches (one batch) and sets `tail` to the scalar
/// sum of the values after them; W rows' batches are reduced together by one haddp instead of one
/// horizontal add per row, the tails added after. The group stays a loop (g++ keeps the W sums on
/// the stack for haddp): unrolled at compile time, with the sums in registers, it was faster in a
/// loop over one fixed sample (32-32-32 output layer 71-80 -> 42-54 ns) but slower in the
/// benchmark's train_step over 512 samples (64-64-64 413-439 -> 555-584 ns, 128-128-128
/// 1890-1988 -> 2529-2582 ns), which is what training does.
template <class R, bool Tail, class T, std::size_t In, class Row>
inline void reduce_rows(std::array<T, In>& back, Row&& row) noexcept {
    constexpr std::size_t W = R::size, groups_end = In / W * W;
    for (std::size_t i = 0; i < groups_end; i += W) {
        std::array<R, W> acc;
        alignas(alignment<T>) std::array<T, W> tails;
        for (std::size_t r = 0; r < W; ++r) acc[haddp_slot<R>(r)] = row(i + r, tails[r]);
        R sums = xsimd::haddp(acc.data());
        if constexpr (Tail) sums += R::load_aligned(tails.data());
        sums.store_unaligned(back.data() + i);
    }
    for (std::size_t i = groups_end; i < In; ++i) {
        T t{};
        back[i] = xsimd::hadd(row(i, t));
        if constexpr (Tail) back[i] += t;
    }
}

/// Whether rows of Out values go through reduce_rows (row_head_batch exists and there are at least
/// as many rows as it has lanes), and the batch they use.
template <class T, std::size_t In, std::size_t Out>
inline constexpr bool grouped_rows = [] {
    using R = typename row_head_batch<T, Out>::type;
    if constexpr (std::is_void_v<R>) {
        return false;
    } else {
        return In >= R::size;
    }
}();

/// C batches of type R from p, p + R::size, ... (the backward pass's error batches). Unrolled, as
/// the loads of dense_forward_block's accumulators: g++ turned a loop of them into a memcpy call into
/// the array on the stack, and loaded the batches back from there (the 64-64-64 output layer too).
/// Measured with A/B of bench builds (AVX2, 3 rounds): 32-32-32 train_step 313-354 -> 291-296 ns
/// (through dense_backward_input), 8-16-8 80-87 -> 77-81 ns (through dense_backward_sgd_step),
/// 64-64-64 and 128-128-128 level.
template <class R, std::size_t C, class T>
FIXNET_ALWAYS_INLINE std::array<R, C> load_batches(const T* p) noexcept {
    std::array<R, C> d;
    detail::for_index<C>([&](std::size_t c) { d[c] = R::load_unaligned(p + c * R::size); });
    return d;
}

/// back[i] = sum_o w(o, i) delta[o] (the weights leaving input i are contiguous in the
/// input-major layout): rows grouped by reduce_rows where they allow it, else one batch-wide
/// partial sum per row and one horizontal add.
template <class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_backward_input(const dense_layer<T, In, Out, A>& l, const std::array<T, Out>& delta,
                                               std::array<T, In>& back) noexcept {
    const T* w = l.weights.data();
    if constexpr (grouped_rows<T, In, Out>) {
        using R = typename row_head_batch<T, Out>::type;
        constexpr std::size_t W = R::size, C = Out / W, head = C * W;
        std::array<R, C> const d = load_batches<R, C>(delta.data());
        reduce_rows<R, (head < Out)>(back, [&](std::size_t i, T& tail) {
            const T* const wr = w + i * Out;
            R acc = R(T(0));
            for (std::size_t c = 0; c < C; ++c) acc = xsimd::fma(R::load_unaligned(wr + c * W), d[c], acc);
            T t{};
            for (std::size_t o = head; o < Out; ++o) t += wr[o] * delta[o];
            tail = t;
            return acc;
        });
    } else {
        using B = batch<T>;
        constexpr std::size_t N = lanes<T>;
        constexpr std::size_t full = Out / N * N;
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
}

/// g.w(o, i) += x[i] delta[o]; g.b(o) += delta[o].
template <class T, std::size_t In, std::size_t Out, class A>
inline void dense_accumulate_gradient(dense_layer<T, In, Out, A>& g, const std::array<T, In>& x,
                                      const std::array<T, Out>& delta) noexcept {
    for (std::size_t i = 0; i < In; ++i) {
        T* row = g.weights.data() + i * Out;
        for_chunks<T, 0, Out, false>(
            [&](auto b, std::size_t o) {
                using B = typename decltype(b)::type;
                xsimd::fma(B(x[i]), B::load_unaligned(delta.data() + o), B::load_unaligned(row + o)).store_unaligned(row + o);
            },
            [&](std::size_t o) { row[o] += x[i] * delta[o]; });
    }
    for_chunks<T, 0, Out, false>(
        [&](auto b, std::size_t o) {
            using B = typename decltype(b)::type;
            (B::load_unaligned(g.biases.data() + o) + B::load_unaligned(delta.data() + o)).store_unaligned(g.biases.data() + o);
        },
        [&](std::size_t o) { g.biases[o] += delta[o]; });
}

/// Fused SGD step: w(o, i) -= x[i] (rate delta[o]); biases likewise when `learn_biases`.
/// Here and below as w + x (-rate delta), an FMA with the rate negated once: xsimd 8.1's fnma on
/// AVX-512 negates its first operand by 0 - x, one more instruction per row (the results are the
/// same bits: negation is exact).
/// Rows of whole batches keep rate * delta in registers for the whole layer: the 784-128-10 input
/// layer's step measured 4.1 us reloading it with each row through for_chunks, 3.6 us this way
/// (medians of one interleaved run).
template <class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_sgd_step(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x, const std::array<T, Out>& delta,
                                         T rate, bool learn_biases) noexcept {
    using R = typename row_batch<T, Out>::type;
    if constexpr (!std::is_void_v<R>) {
        constexpr std::size_t W = R::size, C = Out / W;
        std::array<R, C> neg_step;
        for (std::size_t c = 0; c < C; ++c) neg_step[c] = R::load_unaligned(delta.data() + c * W) * R(-rate);
        for (std::size_t i = 0; i < In; ++i) {
            T* const row = l.weights.data() + i * Out;
            R const xi(x[i]);
            for (std::size_t c = 0; c < C; ++c)
                xsimd::fma(xi, neg_step[c], R::load_unaligned(row + c * W)).store_unaligned(row + c * W);
        }
        if (learn_biases)
            for (std::size_t c = 0; c < C; ++c)
                (R::load_unaligned(l.biases.data() + c * W) + neg_step[c]).store_unaligned(l.biases.data() + c * W);
    } else if constexpr (Out == 2 && pairs_as_64_bits<narrowest_batch<T>>) {
        // Rows of two floats, read and written whole (load_head, store_head) as the forward reads
        // them: f32 2-2-2 train_step measured 47.5 -> 49.1 ns with these stored one float at a time.
        // The deltas were just computed one by one: gathered from registers, not reloaded as one
        // 64-bit value from two float stores (that reload measured 47 -> 55 ns).
        using B = narrowest_batch<T>;
        B const neg_step = gather<B, Out>([&](std::size_t o) { return delta[o]; }) * B(-rate);
        for (std::size_t i = 0; i < In; ++i) {
            T* const row = l.weights.data() + i * Out;
            store_head<Out>(xsimd::fma(B(x[i]), neg_step, load_head<B, Out>(row)), row);
        }
        if (learn_biases) store_head<Out>(load_head<B, Out>(l.biases.data()) + neg_step, l.biases.data());
    } else {
        std::array<T, Out> neg_step;  // -rate * delta, computed once per layer
        for (std::size_t o = 0; o < Out; ++o) neg_step[o] = -rate * delta[o];
        for (std::size_t i = 0; i < In; ++i) {
            T* row = l.weights.data() + i * Out;
            for_chunks<T, 0, Out, false>(
                [&](auto b, std::size_t o) {
                    using B = typename decltype(b)::type;
                    xsimd::fma(B(x[i]), B::load_unaligned(neg_step.data() + o), B::load_unaligned(row + o)).store_unaligned(row + o);
                },
                [&](std::size_t o) { row[o] += x[i] * neg_step[o]; });
        }
        if (learn_biases)
            for_chunks<T, 0, Out, false>(
                [&](auto b, std::size_t o) {
                    using B = typename decltype(b)::type;
                    (B::load_unaligned(l.biases.data() + o) + B::load_unaligned(neg_step.data() + o)).store_unaligned(l.biases.data() + o);
                },
                [&](std::size_t o) { l.biases[o] += neg_step[o]; });
    }
}

/// dense_sgd_step(l, step_x, step_delta, rate, learn_biases), then dense_forward(l, x, a, z): in one
/// pass over the weights where step_in_forward allows (each weight is loaded once, stepped, stored
/// and used), else one after the other. Same results either way.
template <class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_step_forward(dense_layer<T, In, Out, A>& l, const std::array<T, In>& step_x,
                                             const std::array<T, Out>& step_delta, T rate, bool learn_biases,
                                             const std::array<T, In>& x, std::array<T, Out>& a,
                                             std::array<T, Out>* z = nullptr) noexcept {
    if constexpr (step_in_forward<T, Out>) {
        alignas(alignment<T>) std::array<T, padded<T>(Out)> s;
        dense_forward_stepped_blocks<0>(l, x, s.data(), pending_step<T>{step_x.data(), step_delta.data(), rate, learn_biases});
        activate_scratch<A, Out>(s, a, z);
    } else {
        dense_sgd_step(l, step_x, step_delta, rate, learn_biases);
        dense_forward(l, x, a, z);
    }
}

/// Whether dense_backward_sgd_step takes one pass over the weights: rows grouped by reduce_rows,
/// and either rows of one batch (plus a tail) or weights of 16 KB or more. Measured on train_step
/// (AVX-512, float), fused against two passes: 128-128-128 1987 against 2276 ns (its 64 KB come
/// from L2, once instead of twice) and 8-16-8 69 against 77 ns; 64-64-64 (16 KB) about level, 440
/// against 455; but 32-32-32 (rows of two batches, 4 KB) 159-177 against 144 ns, in two passes.
template <class T, std::size_t In, std::size_t Out>
inline constexpr bool fused_backward_step = [] {
    if constexpr (grouped_rows<T, In, Out>) {
        return Out / row_head_batch<T, Out>::type::size == 1 || In * Out * sizeof(T) >= 16384;
    } else {
        return false;
    }
}();

/// back = W^T delta with the weights before the step, and the SGD step of dense_sgd_step: in one
/// pass over the weights where fused_backward_step says so (each weight is loaded once, used for
/// the error, updated and stored), else as dense_backward_input then dense_sgd_step. The 784-128-10
/// output layer (rows of 10 floats: 8 + 2) measured 325-329 ns as two passes with scalar rows,
/// 210-218 ns fused and grouped (train_step 5.50-5.58 -> 5.34-5.37 us).
template <class T, std::size_t In, std::size_t Out, class A>
FIXNET_ALWAYS_INLINE void dense_backward_sgd_step(dense_layer<T, In, Out, A>& l, const std::array<T, In>& x,
                                                  const std::array<T, Out>& delta, T rate, bool learn_biases,
                                                  std::array<T, In>& back) noexcept {
    if constexpr (fused_backward_step<T, In, Out>) {
        using R = typename row_head_batch<T, Out>::type;
        constexpr std::size_t W = R::size, C = Out / W, head = C * W;
        std::array<R, C> const d = load_batches<R, C>(delta.data());
        T* const w = l.weights.data();
        T const neg_rate = -rate;
        // One row: its partial sums of w * delta, and w += (-rate x[i]) delta.
        reduce_rows<R, (head < Out)>(back, [&](std::size_t i, T& tail) {
            T* const wr = w + i * Out;
            T const neg_si = neg_rate * x[i];
            R const neg_step(neg_si);
            R acc = R(T(0));
            for (std::size_t c = 0; c < C; ++c) {
                R const wv = R::load_unaligned(wr + c * W);
                acc = xsimd::fma(wv, d[c], acc);
                xsimd::fma(neg_step, d[c], wv).store_unaligned(wr + c * W);
            }
            T t{};
            for (std::size_t o = head; o < Out; ++o) {
                t += wr[o] * delta[o];
                wr[o] += neg_si * delta[o];
            }
            tail = t;
            return acc;
        });
        if (learn_biases) {
            for (std::size_t c = 0; c < C; ++c)
                xsimd::fma(R(neg_rate), d[c], R::load_unaligned(l.biases.data() + c * W)).store_unaligned(l.biases.data() + c * W);
            for (std::size_t o = head; o < Out; ++o) l.biases[o] += neg_rate * delta[o];
        }
    } else {
        dense_backward_input(l, delta, back);
        dense_sgd_step(l, x, delta, rate, learn_biases);
    }
}

/// p[k] -= rate * g[k] over a whole parameter array.
template <class T, std::size_t N>
inline void sgd_update(std::array<T, N>& p, const std::array<T, N>& g, T rate) noexcept {
    T const neg_rate = -rate;
    for_chunks<T, 0, N, false>(
        [&](auto b, std::size_t k) {
            using B = typename decltype(b)::type;
            xsimd::fma(B(neg_rate), B::load_unaligned(g.data() + k), B::load_unaligned(p.data() + k)).store_unaligned(p.data() + k);
        },
        [&](std::size_t k) { p[k] += neg_rate * g[k]; });
}

}  // namespace fixnet::kernels::simd
