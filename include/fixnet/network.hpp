// basic_network (a feed-forward network whose shape is its type), network, mlp, and gradient.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "fixnet/backend.hpp"
#include "fixnet/detail/layer_stack.hpp"
#include "fixnet/kernels/dispatch.hpp"
#include "fixnet/layers/dense.hpp"
#include "fixnet/status.hpp"

namespace fixnet {

/// The gradient of a network's error with respect to each parameter: the same shape, layout
/// and accessors (layer<L>().weight(o, i), .bias(o)) as the network. Value-initialised to zero;
/// backprop adds into it. Obtain it as `Net::gradient_type`.
template <class T, std::size_t In, class... Specs>
struct gradient : detail::layer_stack<T, In, Specs...> {};

/// A feed-forward network whose element type, input width and layers are template parameters.
///
/// \tparam Backend  scalar_backend or simd_backend: how it computes (never what it stores)
/// \tparam T        float or double
/// \tparam In       input width (>= 1)
/// \tparam Specs    one spec per layer, input side first, e.g. dense<16, sigmoid>
///
/// Storage: the parameters of every layer, in `std::array`s inside the object (see dense_layer
/// for the layout), and nothing else: sizeof is parameter_count * sizeof(T) rounded up to the
/// alignment. On simd_backend the object is aligned like the widest SIMD batch (64 bytes with
/// AVX-512, 16 with SSE or NEON) so that whole-batch rows do not straddle cache lines; on
/// scalar_backend like T, with no padding. Value-initialisation (`net_t net{};`) zeroes every parameter.
/// Guarantees: every member is constexpr and noexcept, nothing allocates, and forward() on a
/// const network touches only the caller's stack, so many threads may share one network.
///
///     fixnet::network<double, 2, fixnet::dense<2, fixnet::sigmoid>, fixnet::dense<2, fixnet::sigmoid>> net{};
///     auto out = net.forward({0.05, 0.10});
template <Backend B, class T, std::size_t In, class... Specs>
struct alignas(detail::parameter_alignment<B, T>) basic_network : detail::layer_stack<T, In, Specs...> {
    using base = detail::layer_stack<T, In, Specs...>;
    using backend_type = B;
    using gradient_type = gradient<T, In, Specs...>;
    using typename base::input_type;
    using typename base::output_type;
    using base::layer_count;

    /// The network's output for input x: each layer's act(W a + b) in turn.
    [[nodiscard]] constexpr output_type forward(const input_type& x) const noexcept { return forward_from<0>(x); }

    /// Rejects an input of the wrong width with a message that names the problem.
    template <class U, std::size_t N>
        requires(N != In)
    output_type forward(const std::array<U, N>&) const noexcept {
        static_assert(N == In, "fixnet::basic_network::forward: the input's width does not match the network's input_size");
        return {};
    }

    /// out[k] = forward(in[k]) for every k; `status::size_mismatch` (and nothing written) when the
    /// spans differ in length. On simd_backend a network no wider than 16 neurons with a layer
    /// that would leave SIMD lanes empty evaluates a whole SIMD batch of samples at once, one
    /// sample per lane (the 2-2-2 network fills the lanes with samples); other networks vectorise
    /// across neurons and take blocks of samples (8 with AVX-512, 6 elsewhere) through each layer,
    /// so each weight loaded serves the block. Results equal forward()'s within the scalar/SIMD
    /// bound. `out` may be the same storage as `in`.
    constexpr status forward_batch(std::span<const input_type> in, std::span<output_type> out) const noexcept {
        if (in.size() != out.size()) return status::size_mismatch;
        std::size_t k = detail::forward_batch_fast<B>(*this, in.data(), out.data(), in.size());
        for (; k < in.size(); ++k) out[k] = forward(in[k]);
        return status::ok;
    }

private:
    template <std::size_t L>
    constexpr auto forward_from(const std::array<T, base::template layer_type<L>::input_size>& x) const noexcept {
        std::array<T, base::template layer_type<L>::output_size> a;  // written by dense_forward
        detail::dense_forward<B>(this->template layer<L>(), x, a);
        if constexpr (L + 1 < layer_count) {
            return forward_from<L + 1>(a);
        } else {
            return a;
        }
    }
};

/// A network computed by the default backend (SIMD where xsimd has an architecture).
template <class T, std::size_t In, class... Specs>
using network = basic_network<default_backend, T, In, Specs...>;

/// Shorthand for a network whose layers all use one activation: widths listed input first.
/// `basic_mlp<B, T, A, 2, 3, 1>` is the very same type as `basic_network<B, T, 2, dense<3, A>, dense<1, A>>`.
template <Backend B, class T, class A, std::size_t In, std::size_t... Outs>
using basic_mlp = basic_network<B, T, In, dense<Outs, A>...>;

/// basic_mlp with the default backend: `mlp<double, sigmoid, 2, 2, 2>` is
/// `network<double, 2, dense<2, sigmoid>, dense<2, sigmoid>>`.
template <class T, class A, std::size_t In, std::size_t... Outs>
using mlp = basic_network<default_backend, T, In, dense<Outs, A>...>;

namespace detail {
template <class N>
struct is_basic_network : std::false_type {};
template <class B, class T, std::size_t In, class... Specs>
struct is_basic_network<basic_network<B, T, In, Specs...>> : std::true_type {};
}  // namespace detail

/// Any fixnet network (a basic_network of any backend, type and shape).
template <class N>
concept Network = detail::is_basic_network<std::remove_cvref_t<N>>::value;

}  // namespace fixnet
