// Backprop against finite differences and against a long-double reference, on seeded random
// networks of three and four layers with odd widths, float and double, both backends.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference_mlp.hpp"

namespace test_gradients {

using namespace fixnet_test;

namespace {

template <std::size_t In, std::size_t... Outs>
struct shape {
    template <class B, class T>
    using net = fixnet::basic_mlp<B, T, fixnet::sigmoid, In, Outs...>;
};

template <class B, class S>
struct config {
    template <class T>
    using net = typename S::template net<B, T>;
};

#define FIXNET_GRADIENT_CONFIGS                                                                                         \
    config<fixnet::scalar_backend, shape<3, 5, 7, 2>>, config<fixnet::simd_backend, shape<3, 5, 7, 2>>,                 \
        config<fixnet::scalar_backend, shape<5, 9, 3, 4>>, config<fixnet::simd_backend, shape<5, 9, 3, 4>>,             \
        config<fixnet::scalar_backend, shape<1, 17, 3>>, config<fixnet::simd_backend, shape<1, 17, 3>>,                 \
        config<fixnet::scalar_backend, shape<4, 3, 5, 3, 2>>, config<fixnet::simd_backend, shape<4, 3, 5, 3, 2>>

constexpr std::array<std::uint64_t, 3> seeds{1, 2, 0x5eed5eed5eedULL};

template <class Net>
struct sample {
    typename Net::input_type x;
    typename Net::output_type t;
};

/// Inputs in [-1, 1), targets in [0.05, 0.95): away from the sigmoid's flat ends, so gradients are not tiny.
template <class Net>
sample<Net> random_sample(fixnet::random_engine& rng) {
    using T = typename Net::value_type;
    return {random_array<T, Net::input_size>(rng, -1, 1), random_array<T, Net::output_size>(rng, 0.05, 0.95)};
}

/// Central differences of sum_s E(x_s, t_s) in every parameter, with fixnet::loss in the network's
/// own type (double here).
template <class Net>
vec central_differences(const Net& net, const std::vector<sample<Net>>& samples) {
    return parameter_central_differences(net, [&](const Net& n) {
        typename Net::value_type e{};
        for (auto const& s : samples) e += fixnet::loss(n, s.x, s.t);
        return e;
    });
}

}  // namespace

TEST_CASE_TEMPLATE("gradients: backprop matches central differences (double, one sample)", C, FIXNET_GRADIENT_CONFIGS) {
    using net_t = typename C::template net<double>;
    for (auto const seed : seeds) {
        CAPTURE(seed);
        net_t net{};
        seeded_network(net, seed);
        fixnet::random_engine rng{seed + 1000};
        auto const s = random_sample<net_t>(rng);

        typename net_t::gradient_type g{};
        auto const e = fixnet::backprop(net, s.x, s.t, g);
        CHECK(e == doctest::Approx(fixnet::loss(net, s.x, s.t)).epsilon(1e-14));

        auto const fd = central_differences(net, {s});
        auto const tol = fd_tolerance(fd);
        check_within("backprop vs central differences", flat(g), fd, tol);
        // Most gradients are far from zero at this scale: a backprop that returned zeros could not pass.
        check_meaningful("central differences", fd, tol);
    }
}

TEST_CASE_TEMPLATE("gradients: backprop accumulates a mini-batch (double, three samples)", C, FIXNET_GRADIENT_CONFIGS) {
    using net_t = typename C::template net<double>;
    net_t net{};
    seeded_network(net, 77);
    fixnet::random_engine rng{78};
    std::vector<sample<net_t>> batch{random_sample<net_t>(rng), random_sample<net_t>(rng), random_sample<net_t>(rng)};

    typename net_t::gradient_type g{};
    double e = 0;
    for (auto const& s : batch) e += fixnet::backprop(net, s.x, s.t, g);
    CHECK(e > 0.01);  // the three samples are far from fitted, so the gradient is not a rounding artefact

    auto const fd = central_differences(net, batch);
    auto const tol = fd_tolerance(fd);
    check_within("accumulated backprop vs central differences of the summed loss", flat(g), fd, tol);
    check_meaningful("central differences", fd, tol);
}

TEST_CASE_TEMPLATE("gradients: float and double backprop within the rounding bound of a long-double reference", C,
                   FIXNET_GRADIENT_CONFIGS) {
    using netf_t = typename C::template net<float>;
    using netd_t = typename C::template net<double>;
    for (auto const seed : seeds) {
        CAPTURE(seed);
        netf_t netf{};
        seeded_network(netf, seed);
        auto const netd = cast_network<netd_t>(netf);  // the very same parameters, exactly
        fixnet::random_engine rng{seed + 2000};
        auto const sf = random_sample<netf_t>(rng);
        auto const xd = widen(sf.x), td = widen(sf.t);

        auto const ref = to_ref(netf);
        auto const pass = ref_backprop(ref, xd, td);
        auto const want = ref_gradient(ref, pass);
        auto const bound_f = error_bounds(ref, pass, td, rounding_of<float>(), 0, true);
        auto const bound_d = error_bounds(ref, pass, td, rounding_of<double>(), 0, true);
        auto const bound_ref = error_bounds(ref, pass, td, reference_rounding, 0, true);

        typename netf_t::gradient_type gf{};
        auto const ef = fixnet::backprop(netf, sf.x, sf.t, gf);
        typename netd_t::gradient_type gd{};
        auto const ed = fixnet::backprop(netd, cast_array<double>(sf.x), cast_array<double>(sf.t), gd);

        // Float against the double network's backprop of the same parameters: the float bound plus the double one.
        check_within("float gradient vs double gradient", flat(gf), flat(gd), bound_f.grad + bound_d.grad);
        check_within("float E vs double E", ef, ed, bound_f.e + bound_d.e);
        // Each against the long-double reference.
        check_within("float gradient vs reference", flat(gf), want, bound_f.grad + bound_ref.grad);
        check_within("double gradient vs reference", flat(gd), want, bound_d.grad + bound_ref.grad);
        check_within("double E vs reference", ed, pass.e, bound_d.e + bound_ref.e);
        // The float bound is tight enough to mean something: most gradients stand 100x above it.
        check_meaningful("reference gradient vs float bound", want, bound_f.grad + bound_ref.grad);
    }
}

}  // namespace test_gradients
