// The article's 2-2-2 network with its initial weights, for any fixnet network type of that shape.
#pragma once

#include <array>

#include <fixnet/fixnet.hpp>

namespace fixnet_test {

inline constexpr std::array<double, 2> article_input{0.05, 0.10};
inline constexpr std::array<double, 2> article_target{0.01, 0.99};  // T2 = 0.99: see the walkthrough

template <class Net>
constexpr Net article_network() noexcept {
    using T = typename Net::value_type;
    Net net{};
    auto& h = net.template layer<0>();
    auto& o = net.template layer<1>();
    h.weight(0, 0) = T(0.15); h.weight(0, 1) = T(0.20); h.weight(1, 0) = T(0.25); h.weight(1, 1) = T(0.30);
    o.weight(0, 0) = T(0.40); o.weight(0, 1) = T(0.45); o.weight(1, 0) = T(0.50); o.weight(1, 1) = T(0.55);
    h.bias(0) = h.bias(1) = T(0.35);
    o.bias(0) = o.bias(1) = T(0.60);
    return net;
}

template <class T>
constexpr std::array<T, 2> as(const std::array<double, 2>& v) noexcept {
    return {static_cast<T>(v[0]), static_cast<T>(v[1])};
}

/// Weights w1..w8 of a 2-2-2 network, in the article's numbering.
template <class Layers>
constexpr auto article_weights(const Layers& net) noexcept {
    auto const& h = net.template layer<0>();
    auto const& o = net.template layer<1>();
    using T = typename Layers::value_type;
    return std::array<T, 8>{h.weight(0, 0), h.weight(0, 1), h.weight(1, 0), h.weight(1, 1),
                            o.weight(0, 0), o.weight(0, 1), o.weight(1, 0), o.weight(1, 1)};
}

/// |got - want| <= rel * |want|: the tolerance form the issue and the reference use.
constexpr bool close_rel(double got, double want, double rel) noexcept {
    double const d = got > want ? got - want : want - got;
    double const m = want < 0 ? -want : want;
    return d <= rel * m;
}

}  // namespace fixnet_test
