// xsimd kernel of a whole wide network evaluated for a few samples at once, each layer's weights
// loaded once per block of samples instead of once per sample.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "fixnet/kernels/simd/dense.hpp"

namespace fixnet::kernels::simd {

/// out[k] = net.forward(in[k]) for the first count / S * S samples (S = samples_per_block, see
/// dense.hpp), a block of samples at a time through every layer; returns how many it did (the
/// caller finishes the rest one by one). Reads the caller's inputs and writes the caller's
/// outputs only at their own elements; a block's outputs are written after its inputs were read.
template <class Net>
inline std::size_t forward_sample_blocks(const Net& net, const typename Net::input_type* in,
                                         typename Net::output_type* out, std::size_t count) noexcept {
    constexpr std::size_t S = samples_per_block<typename Net::value_type>;
    std::size_t k = 0;
    for (; k + S <= count; k += S) {
        auto run = [&]<std::size_t L>(auto& self, std::integral_constant<std::size_t, L>, const auto* x) -> void {
            using layer_t = typename Net::template layer_type<L>;
            if constexpr (L + 1 < Net::layer_count) {
                std::array<std::array<typename Net::value_type, layer_t::output_size>, S> a;
                dense_forward_samples<S>(net.template layer<L>(), x, a.data());
                self(self, std::integral_constant<std::size_t, L + 1>{}, a.data());
            } else {
                dense_forward_samples<S>(net.template layer<L>(), x, out + k);
            }
        };
        run(run, std::integral_constant<std::size_t, 0>{}, in + k);
    }
    return k;
}

}  // namespace fixnet::kernels::simd
