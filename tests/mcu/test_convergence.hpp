// Training to convergence on the device: XOR, which a 2-4-1 sigmoid network can only learn with a
// hidden layer, from fixnet's seeded initialisation (the same weights on every platform), in float
// and double, on both backends. Included once, by mcu_tests.cpp.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>

#include <fixnet/fixnet.hpp>

namespace fixnet_mcu_test {

template <class Backend, class T>
struct xor_config {
    using net_t = fixnet::basic_mlp<Backend, T, fixnet::sigmoid, 2, 4, 1>;
};

}  // namespace fixnet_mcu_test

TEST_CASE_TEMPLATE("convergence: XOR learned by on-line SGD", C, fixnet_mcu_test::xor_config<fixnet::scalar_backend, float>,
                   fixnet_mcu_test::xor_config<fixnet::simd_backend, float>,
                   fixnet_mcu_test::xor_config<fixnet::scalar_backend, double>) {
    using net_t = typename C::net_t;
    using T = typename net_t::value_type;
    constexpr std::array<typename net_t::input_type, 4> inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    constexpr std::array<typename net_t::output_type, 4> targets{{{0}, {1}, {1}, {0}}};
    auto total_loss = [&](const net_t& n) {
        T e{};
        for (std::size_t k = 0; k < inputs.size(); ++k) e += fixnet::loss(n, inputs[k], targets[k]);
        return e;
    };

    net_t net{};
    fixnet::initialize(net, 42);
    T const e_start = total_loss(net);
    CHECK(e_start > T(0.4));  // the initial network is far from XOR: convergence below is not luck

    fixnet::sgd<T> const opt{.learning_rate = T(1)};
    for (int epoch = 0; epoch < 2000; ++epoch)
        for (std::size_t k = 0; k < inputs.size(); ++k) fixnet::train_step(net, inputs[k], targets[k], opt);

    CHECK(total_loss(net) < T(0.01));
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        CAPTURE(k);
        T const y = net.forward(inputs[k])[0];
        CHECK(std::fabs(y - targets[k][0]) < T(0.1));  // right, and clearly so
    }
}
