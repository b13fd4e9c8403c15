// The number and C++ spelling of each built-in activation, as saved files and generated headers name them.
#pragma once

#include <concepts>
#include <cstdint>
#include <ratio>
#include <string_view>

#include "fixnet/activations/identity.hpp"
#include "fixnet/activations/leaky_relu.hpp"
#include "fixnet/activations/relu.hpp"
#include "fixnet/activations/sigmoid.hpp"
#include "fixnet/activations/softmax.hpp"
#include "fixnet/activations/softplus.hpp"
#include "fixnet/activations/tanh.hpp"

namespace fixnet {

/// How fixnet's file format (docs/format.md) and write_cpp name activation A: `id` (a number that
/// never changes meaning), `num` and `den` (a parameter as a ratio: leaky_relu's slope; 0 and 1
/// for the others) and `spelling` (the C++ type as generated headers write it). An activation of
/// your own can be saved by specialising this with an id from 1000 on.
template <class A>
struct activation_code;

template <>
struct activation_code<identity> {
    static constexpr std::uint32_t id = 1;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::identity";
};
template <>
struct activation_code<relu> {
    static constexpr std::uint32_t id = 2;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::relu";
};
template <std::intmax_t Num, std::intmax_t Den>
struct activation_code<leaky_relu<std::ratio<Num, Den>>> {
    static constexpr std::uint32_t id = 3;
    static constexpr std::int64_t num = std::ratio<Num, Den>::num, den = std::ratio<Num, Den>::den;
    static constexpr std::string_view spelling = "fixnet::leaky_relu";  // followed by <std::ratio<num, den>>
};
template <>
struct activation_code<tanh> {
    static constexpr std::uint32_t id = 4;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::tanh";
};
template <>
struct activation_code<sigmoid> {
    static constexpr std::uint32_t id = 5;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::sigmoid";
};
template <>
struct activation_code<softplus> {
    static constexpr std::uint32_t id = 6;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::softplus";
};
template <>
struct activation_code<softmax> {
    static constexpr std::uint32_t id = 7;
    static constexpr std::int64_t num = 0, den = 1;
    static constexpr std::string_view spelling = "fixnet::softmax";
};

/// True for activations that have an activation_code (all of fixnet's own).
template <class A>
concept CodedActivation = requires {
    { activation_code<A>::id } -> std::convertible_to<std::uint32_t>;
};

}  // namespace fixnet
