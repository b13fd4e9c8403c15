// xsimd kernels of the optimizers' element-wise updates (same names as kernels/scalar/optimizers.hpp).
#pragma once

#include <array>
#include <cstddef>

#include "fixnet/kernels/scalar/optimizers.hpp"
#include "fixnet/kernels/simd/dense.hpp"

namespace fixnet::kernels::simd {

/// scalar::adam_update in batches: the compiler cannot vectorise the scalar loop itself, since
/// std::sqrt (detail::sqrt at run time) may set errno (and fixnet does not ask for
/// -fno-math-errno). The same operations in the same order, each correctly rounded (sqrt and
/// division included), so the results equal the scalar kernel's except where the compiler
/// contracts a multiply-add into an FMA on one side only. Elements past the last batch run the
/// scalar kernel's own per-element step.
template <class T, std::size_t N>
inline void adam_update(std::array<T, N>& p, const std::array<T, N>& g, std::array<T, N>& m, std::array<T, N>& v,
                        const adam_coefficients<T>& c) noexcept {
    bool const decay = c.weight_decay != T(0);
    for_chunks<T, 0, N, false>(
        [&](auto b, std::size_t k) {
            using B = typename decltype(b)::type;
            B const pk = B::load_unaligned(p.data() + k);
            B d = B::load_unaligned(g.data() + k);
            if (decay) d = d + B(c.weight_decay) * pk;
            B const mk = B::load_unaligned(m.data() + k) * B(c.beta1) + B(c.one_minus_beta1) * d;
            B const vk = B::load_unaligned(v.data() + k) * B(c.beta2) + B(c.one_minus_beta2) * (d * d);
            mk.store_unaligned(m.data() + k);
            vk.store_unaligned(v.data() + k);
            (pk - B(c.step_size) * mk / (xsimd::sqrt(vk) / B(c.correction2_sqrt) + B(c.epsilon))).store_unaligned(p.data() + k);
        },
        [&](std::size_t k) { scalar::adam_update_element(p[k], g[k], m[k], v[k], c); });
}

}  // namespace fixnet::kernels::simd
