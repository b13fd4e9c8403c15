// Chooses, per call, between the scalar and the SIMD kernels according to the backend tag.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "fixnet/backend.hpp"
#include "fixnet/config.hpp"
#include "fixnet/detail/activate.hpp"
#include "fixnet/kernels/scalar/dense.hpp"
#include "fixnet/kernels/scalar/optimizers.hpp"

#if FIXNET_HAS_SIMD
#include "fixnet/kernels/simd/across_samples.hpp"
#include "fixnet/kernels/simd/dense.hpp"
#include "fixnet/kernels/simd/optimizers.hpp"
#include "fixnet/kernels/simd/sample_blocks.hpp"
#else
namespace fixnet::kernels {
namespace simd = scalar;  // no xsimd architecture: simd_backend computes with the scalar kernels
}
#endif

namespace fixnet::detail {

/// True when xsimd has lanes for T on the target: 32-bit NEON (armhf) has float lanes but no
/// double ones (xsimd declares its double batch there with an empty register, of size 0), so
/// there double computes with the scalar kernels.
template <class T>
inline constexpr bool simd_has_lanes =
#if FIXNET_HAS_SIMD
    xsimd::batch<T>::size > 0;
#else
    false;
#endif

/// The element type of a kernel's first argument (a layer or a parameter array).
template <class First, class...>
struct first_of {
    using type = std::remove_cvref_t<First>;
};
template <class... Args>
using element_of = typename first_of<Args...>::type::value_type;

// Each wrapper takes the SIMD kernel only at run time and only for simd_backend: constant
// evaluation always runs the constexpr scalar kernel, which is the specification.
#define FIXNET_DETAIL_DISPATCH(kernel)                                                    \
    template <Backend B, class... Args>                                                   \
    FIXNET_ALWAYS_INLINE constexpr void kernel(Args&&... args) noexcept {                 \
        if constexpr (B::uses_simd && simd_has_lanes<element_of<Args...>>) {              \
            if (!std::is_constant_evaluated()) return kernels::simd::kernel(args...);     \
        }                                                                                 \
        kernels::scalar::kernel(args...);                                                 \
    }

FIXNET_DETAIL_DISPATCH(dense_forward)
FIXNET_DETAIL_DISPATCH(dense_backward_input)
FIXNET_DETAIL_DISPATCH(dense_accumulate_gradient)
FIXNET_DETAIL_DISPATCH(dense_sgd_step)
FIXNET_DETAIL_DISPATCH(dense_backward_sgd_step)
FIXNET_DETAIL_DISPATCH(dense_step_forward)
FIXNET_DETAIL_DISPATCH(sgd_update)
FIXNET_DETAIL_DISPATCH(adam_update)

#undef FIXNET_DETAIL_DISPATCH

/// detail::activation_backward<A> on backend B (the SIMD kernel takes whole batches).
template <Backend B, class A, class T, std::size_t N>
FIXNET_ALWAYS_INLINE constexpr void activation_backward_on(const std::array<T, N>& z, const std::array<T, N>& y,
                                                           const std::array<T, N>& g, std::array<T, N>& dz) noexcept {
#if FIXNET_HAS_SIMD
    if constexpr (B::uses_simd && simd_has_lanes<T>) {
        if (!std::is_constant_evaluated()) return kernels::simd::activation_backward<A>(z, y, g, dz);
    }
#endif
    activation_backward<A>(z, y, g, dz);
}

/// Alignment of a network's storage: on simd_backend that of the widest batch (64 bytes with
/// AVX-512), so that each layer's weights start on a cache line when the layers before it hold a
/// whole number of batches; a batch that straddles two cache lines loads and stores measurably
/// slower (64-64-64 f32 forward 202 -> 126 ns, train_step 588 -> 447 ns on AVX-512). Elsewhere
/// that of T, so scalar networks (microcontrollers) carry no padding.
template <Backend B, class T>
inline constexpr std::size_t parameter_alignment = [] {
#if FIXNET_HAS_SIMD
    if constexpr (B::uses_simd) return kernels::simd::alignment<T>;
#endif
    return alignof(T);
}();

/// Whether fixnet::online_trainer leaves the input layer's step pending for the next forward pass
/// (else it takes fixnet::train_step's steps as they are): on simd_backend, where the kernel steps
/// the weights inside the forward pass (kernels::simd::step_in_forward), and for input layers of
/// 4 KB or more. Measured train_step, AVX-512, float, against fixnet::train_step: 784-128-10 5.64
/// -> 4.17 us, 128-128-128 2.00 -> 1.74 us, 64-64-64 420 -> 405 ns, 32-32-32 (4 KB) 141 -> 131
/// ns; but 8-16-8 (512 bytes) 64.1 -> 67.7 ns: its step is one dependency chain (the next step
/// needs the weights this one wrote), which the activations and delta kept in the trainer's memory
/// instead of a local trace lengthen by more than one pass over 512 bytes saves.
template <Backend B, class Layer>
inline constexpr bool defer_input_step = [] {
#if FIXNET_HAS_SIMD
    using T = typename Layer::value_type;
    if constexpr (B::uses_simd && simd_has_lanes<T>) {
        return kernels::simd::step_in_forward<T, Layer::output_size> && Layer::weight_count * sizeof(T) >= 4096;
    }
#endif
    return false;
}();

/// forward_batch's fast paths on simd_backend at run time: a narrow network computes whole
/// batches of samples one per lane; a wider one blocks of a few samples per pass over its
/// weights. Returns how many samples it did (0 elsewhere); the caller does the rest one at a time.
template <Backend B, class Net>
constexpr std::size_t forward_batch_fast([[maybe_unused]] const Net& net, [[maybe_unused]] const typename Net::input_type* in,
                                         [[maybe_unused]] typename Net::output_type* out,
                                         [[maybe_unused]] std::size_t count) noexcept {
#if FIXNET_HAS_SIMD
    if constexpr (B::uses_simd && simd_has_lanes<typename Net::value_type>) {
        if (!std::is_constant_evaluated()) {
            if constexpr (kernels::simd::across_samples_pays<Net>) {
                return kernels::simd::forward_across_samples(net, in, out, count);
            } else {
                return kernels::simd::forward_sample_blocks(net, in, out, count);
            }
        }
    }
#endif
    return 0;
}

}  // namespace fixnet::detail

namespace fixnet {

/// Name of the xsimd architecture simd_backend computes with, e.g. "avx512bw", "fma3+avx2",
/// or "none (scalar)" where xsimd has no architecture for this target.
[[nodiscard]] constexpr const char* simd_arch_name() noexcept {
#if FIXNET_HAS_SIMD
    return xsimd::default_arch::name();
#else
    return "none (scalar)";
#endif
}

}  // namespace fixnet
