// Shape checks and parameter storage shared by a network and its gradient (not public API).
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <tuple>
#include <utility>

#include "fixnet/layers/dense.hpp"

namespace fixnet::detail {

// Bound layer types of a spec list: each layer's input width is the previous one's output width.
template <class T, std::size_t In, class... Specs>
struct bind_layers {
    using type = std::tuple<>;
};
template <class T, std::size_t In, class S, class... Rest>
struct bind_layers<T, In, S, Rest...> {
    using type = decltype(std::tuple_cat(
        std::declval<std::tuple<dense_layer<T, In, S::output_size, typename S::activation_type>>>(),
        std::declval<typename bind_layers<T, S::output_size, Rest...>::type>()));
};

// Whether a shape is valid, computed apart from the static_asserts below: clang treats the
// members of a class whose static_assert failed as invalid, which would spread the error.
template <class T, std::size_t In, class... Specs>
inline constexpr bool shape_ok = std::floating_point<T> && In > 0 && sizeof...(Specs) > 0 && (LayerSpec<Specs> && ...);

// Checked here, once, with messages that name the problem; when a check fails the storage
// becomes a stand-in so that the compiler reports the static_assert and not pages of follow-up errors.
template <class T, std::size_t In, class... Specs>
struct shape_check {
    static_assert(std::floating_point<T>, "fixnet::network<T, In, Layers...>: T must be float or double (a floating-point type)");
    static_assert(In > 0, "fixnet::network<T, In, Layers...>: the input width In must be at least 1");
    static_assert(sizeof...(Specs) > 0, "fixnet::network<T, In, Layers...>: a network needs at least one layer");
    static_assert((LayerSpec<Specs> && ...),
                  "fixnet::network<T, In, Layers...>: every layer must be a layer spec such as fixnet::dense<Out, Activation>");
    static constexpr bool reported = true;
};

// Stand-in storage once a shape check has failed: one tiny layer, so shape members still exist.
struct failed_shape {
    using type = std::tuple<dense_layer<float, 1, 1, void>>;
};

template <class T, std::size_t In, class... Specs>
using layers_tuple = typename std::conditional_t<shape_ok<T, In, Specs...>, bind_layers<T, In, Specs...>, failed_shape>::type;

/// The layers of a network stored in order, input side first at the lowest address (std::tuple
/// leaves the order to the library: libstdc++ puts the last layer first). The first layer then
/// starts at the network's own (SIMD-aligned) address, and so does every layer whose predecessors
/// hold whole SIMD batches (Out (In + 1) a multiple of the lanes, as with 16-neuron layers). In
/// reverse order the 784-128-10 input layer started 40 bytes into a cache line, behind the 10-wide
/// output layer, and its 64-byte rows straddled two lines: its SGD step measured 3.7 us, aligned 2.7.
template <class... Layers>
struct layer_list;
template <class Last>
struct layer_list<Last> {
    Last first{};
    friend constexpr bool operator==(const layer_list&, const layer_list&) = default;
};
template <class First, class... Rest>
struct layer_list<First, Rest...> {
    First first{};
    layer_list<Rest...> rest{};
    friend constexpr bool operator==(const layer_list&, const layer_list&) = default;
};

/// Layer L of a layer_list.
template <std::size_t L, class List>
[[nodiscard]] constexpr auto& layer_at(List& list) noexcept {
    if constexpr (L == 0) {
        return list.first;
    } else {
        return layer_at<L - 1>(list.rest);
    }
}

template <class Tuple>
struct list_of_tuple;
template <class... Layers>
struct list_of_tuple<std::tuple<Layers...>> {
    using type = layer_list<Layers...>;
};

template <class Tuple>
struct tuple_parameter_count;
template <class... Layers>
struct tuple_parameter_count<std::tuple<Layers...>> {
    static constexpr std::size_t value = (std::size_t{0} + ... + Layers::parameter_count);
};

/// The parameters of every layer of a network, with its shape members and layer<L>() accessors.
/// Base of both basic_network and gradient, so that a gradient has the same shape and accessors.
template <class T, std::size_t In, class... Specs>
struct layer_stack {
    static_assert(shape_check<T, In, Specs...>::reported);  // instantiates the checks and their messages
    using value_type = T;
    using layer_types = layers_tuple<T, In, Specs...>;  // a std::tuple of the layer types, for type computations
    using layers_type = typename list_of_tuple<layer_types>::type;
    template <std::size_t L>
    using layer_type = std::tuple_element_t<L, layer_types>;

    static constexpr std::size_t input_size = In;
    static constexpr std::size_t layer_count = sizeof...(Specs);
    static constexpr std::size_t output_size =
        std::tuple_element_t<std::tuple_size_v<layer_types> - 1, layer_types>::output_size;
    static constexpr std::size_t parameter_count = tuple_parameter_count<layer_types>::value;
    /// The widest of the input and every layer (decides how forward_batch vectorises).
    static constexpr std::size_t max_width = [] {
        std::size_t w = In;
        [&]<std::size_t... L>(std::index_sequence<L...>) {
            ((w = std::tuple_element_t<L, layer_types>::output_size > w ? std::tuple_element_t<L, layer_types>::output_size : w), ...);
        }(std::make_index_sequence<std::tuple_size_v<layer_types>>{});
        return w;
    }();

    using input_type = std::array<T, In>;
    using output_type = std::array<T, output_size>;

    /// Layer L's parameters (weight(o, i), bias(o)); layers count from 0 at the input side.
    /// (The return type is deduced and the index clamped so that an L past the end reports this
    /// static_assert, not std::tuple's own error first.)
    template <std::size_t L>
    [[nodiscard]] constexpr auto& layer() noexcept {
        static_assert(L < layer_count, "fixnet: layer<L>(): L is past the last layer");
        return layer_at<(L < layer_count ? L : 0)>(layers);
    }
    template <std::size_t L>
    [[nodiscard]] constexpr const auto& layer() const noexcept {
        static_assert(L < layer_count, "fixnet: layer<L>(): L is past the last layer");
        return layer_at<(L < layer_count ? L : 0)>(layers);
    }

    /// All layers, in order (layer_list). Public so that a network stays an aggregate-like literal type that
    /// can be a constexpr object (weights in flash); use layer<L>() in ordinary code.
    layers_type layers{};

    friend constexpr bool operator==(const layer_stack&, const layer_stack&) = default;
};

}  // namespace fixnet::detail
