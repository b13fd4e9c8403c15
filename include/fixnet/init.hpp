// Seeded random initialisation of a network's parameters (Glorot/Xavier uniform).
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixnet/detail/math.hpp"
#include "fixnet/detail/static_for.hpp"
#include "fixnet/network.hpp"
#include "fixnet/random.hpp"

namespace fixnet {

/// Glorot/Xavier-uniform initialisation: each weight of a layer with In inputs and Out outputs
/// drawn from U(-l, l), l = sqrt(6 / (In + Out)); every bias set to zero.
///
/// The same seed gives bit-identical parameters on every compiler and platform, at run time and
/// at compile time: numbers come from fixnet::random_engine, are drawn layer by layer in
/// weight(o, i) order (o outer, i inner: independent of the storage layout), and are formed by
/// one IEEE multiplication from exact values (the limit's square root is fixnet's own
/// deterministic sqrt, not the platform's).
template <Network Net>
constexpr void initialize(Net& net, std::uint64_t seed) noexcept {
    using T = typename Net::value_type;
    random_engine rng{seed};
    detail::static_for<Net::layer_count>([&](auto l) {
        auto& layer = net.template layer<l>();
        using layer_t = std::remove_cvref_t<decltype(layer)>;
        constexpr double limit = detail::sqrt_double(6.0 / static_cast<double>(layer_t::input_size + layer_t::output_size));
        for (std::size_t o = 0; o < layer_t::output_size; ++o) {
            for (std::size_t i = 0; i < layer_t::input_size; ++i) {
                double const u = 2.0 * rng.uniform01() - 1.0;  // exact: a multiple of 2^-52 in [-1, 1)
                layer.weight(o, i) = static_cast<T>(u * limit);
            }
            layer.bias(o) = T{};
        }
    });
}

}  // namespace fixnet
