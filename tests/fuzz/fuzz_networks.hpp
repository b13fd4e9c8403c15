// The networks the load fuzzer reads files into, shared with the seed corpus generator
// (make_corpus.cpp): float and double, small mixed-activation shapes, both backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ratio>
#include <type_traits>
#include <utility>

#include <fixnet/activations.hpp>
#include <fixnet/backend.hpp>
#include <fixnet/network.hpp>

namespace fixnet_fuzz {

using fixnet::dense;

using leaky_f32 = fixnet::basic_network<fixnet::simd_backend, float, 2, dense<3, fixnet::leaky_relu<std::ratio<1, 5>>>,
                                        dense<2, fixnet::sigmoid>>;
using leaky_f64 = fixnet::basic_network<fixnet::scalar_backend, double, 2, dense<3, fixnet::leaky_relu<std::ratio<1, 5>>>,
                                        dense<2, fixnet::sigmoid>>;
using softmax_f64 = fixnet::basic_network<fixnet::simd_backend, double, 3, dense<4, fixnet::tanh>, dense<3, fixnet::softmax>>;
using deep_f32 = fixnet::basic_network<fixnet::scalar_backend, float, 1, dense<3, fixnet::relu>, dense<2, fixnet::softplus>,
                                       dense<1, fixnet::identity>>;
using mlp_f32 = fixnet::basic_mlp<fixnet::simd_backend, float, fixnet::sigmoid, 2, 2, 2>;

/// Calls f(tag, name) for each network type above.
template <class F>
void for_each_network(F&& f) {
    f(std::type_identity<leaky_f32>{}, "leaky_f32");
    f(std::type_identity<leaky_f64>{}, "leaky_f64");
    f(std::type_identity<softmax_f64>{}, "softmax_f64");
    f(std::type_identity<deep_f32>{}, "deep_f32");
    f(std::type_identity<mlp_f32>{}, "mlp_f32");
}

/// f(array) for each parameter array of net in the file's order.
template <class Net, class F>
void for_each_array(Net& net, F&& f) {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((f(net.template layer<L>().weights), f(net.template layer<L>().biases)), ...);
    }(std::make_index_sequence<std::remove_cvref_t<Net>::layer_count>{});
}

/// Distinct finite values for seed (an LCG), so that a load that copies anything is visible.
template <class Net>
void fill(Net& net, std::uint32_t seed) {
    using T = typename Net::value_type;
    std::uint32_t k = seed * 7919u + 1u;
    for_each_array(net, [&](auto& p) {
        for (auto& v : p) {
            k = k * 1664525u + 1013904223u;
            v = (static_cast<T>(k >> 8) / static_cast<T>(1u << 24) - T(0.5)) * T(3);
        }
    });
}

}  // namespace fixnet_fuzz
