// forward_batch: every sample's output within the rounding bound of a long-double reference, on
// both backends, for narrow networks (samples in the SIMD lanes) and wide ones (blocks of samples
// through each layer, the rest one by one), at batch sizes around the lane and block counts; a
// size mismatch is reported and writes nothing; NaN inputs stay NaN on every path.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "reference_mlp.hpp"

namespace test_batch {

using namespace fixnet_test;

namespace {

template <class B, class T, std::size_t In, std::size_t H, std::size_t Out>
struct config {
    using net_t = fixnet::basic_mlp<B, T, fixnet::sigmoid, In, H, Out>;
};

#define FIXNET_BATCH_CONFIGS                                                                                   \
    config<fixnet::simd_backend, float, 2, 2, 2>, config<fixnet::simd_backend, double, 2, 2, 2>,            \
        config<fixnet::simd_backend, float, 8, 16, 8>, config<fixnet::simd_backend, float, 3, 17, 5>,        \
        config<fixnet::simd_backend, double, 5, 9, 3>, config<fixnet::simd_backend, float, 33, 9, 2>,        \
        config<fixnet::simd_backend, float, 20, 40, 7>, config<fixnet::simd_backend, double, 3, 33, 17>,     \
        config<fixnet::simd_backend, float, 1, 8, 1>, config<fixnet::simd_backend, double, 2, 4, 1>,          \
        config<fixnet::simd_backend, float, 1, 3, 2>, config<fixnet::scalar_backend, float, 2, 2, 2>,          \
        config<fixnet::scalar_backend, double, 3, 17, 5>

}  // namespace

TEST_CASE_TEMPLATE("forward_batch: each output within the bound of the reference, any batch size", C, FIXNET_BATCH_CONFIGS) {
    using net_t = typename C::net_t;
    using T = typename net_t::value_type;
    net_t net{};
    seeded_network(net, 11);
    auto const ref = to_ref(net);
    // Sizes around every lane count (1, 2, 4, 8, 16), pairs of batches side by side (2, 4, ... 32:
    // across_samples_blocks) and blocks of samples (6, 8): a few whole ones, one more single
    // batch after the pairs (12, 24, 48), and a tail.
    for (std::size_t const count :
         std::array<std::size_t, 21>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 32, 33, 48, 63, 100}) {
        CAPTURE(count);
        fixnet::random_engine rng{count + 1};
        std::vector<typename net_t::input_type> in(count);
        for (auto& x : in) x = random_array<T, net_t::input_size>(rng, -1, 1);
        std::vector<typename net_t::output_type> out(count);
        REQUIRE(net.forward_batch(in, out) == fixnet::status::ok);
        vec got, want, tol;
        vec const no_target(net_t::output_size, 0);
        for (std::size_t k = 0; k < count; ++k) {
            auto const pass = ref_backprop(ref, widen(in[k]), no_target);
            auto const bounds = error_bounds(ref, pass, no_target, rounding_of<T>(), 0, true);
            auto const g = widen(out[k]);
            got.insert(got.end(), g.begin(), g.end());
            want.insert(want.end(), pass.a.back().begin(), pass.a.back().end());
            tol.insert(tol.end(), bounds.a.back().begin(), bounds.a.back().end());
        }
        check_within("forward_batch vs reference", got, want, tol);
        if (count > 0) check_meaningful("forward_batch outputs", want, tol);
    }
}

TEST_CASE_TEMPLATE("forward_batch: in-place and size mismatch", C, FIXNET_BATCH_CONFIGS) {
    using net_t = typename C::net_t;
    using T = typename net_t::value_type;
    net_t net{};
    seeded_network(net, 12);
    fixnet::random_engine rng{5};
    std::vector<typename net_t::input_type> in(21);
    for (auto& x : in) x = random_array<T, net_t::input_size>(rng, -1, 1);

    SUBCASE("a size mismatch is reported and nothing is written") {
        std::vector<typename net_t::output_type> out(20);
        for (auto& y : out) y.fill(T(-7));
        CHECK(net.forward_batch(in, out) == fixnet::status::size_mismatch);
        CHECK(fixnet::failed(fixnet::status::size_mismatch));
        CHECK(fixnet::to_string(fixnet::status::size_mismatch) == "size mismatch");
        for (auto const& y : out)
            for (T v : y) CHECK(v == T(-7));
        std::vector<typename net_t::output_type> longer(22);
        CHECK(net.forward_batch(in, longer) == fixnet::status::size_mismatch);
    }
    SUBCASE("the batch path gives what forward gives, within the bound of one layer sum") {
        std::vector<typename net_t::output_type> out(in.size());
        REQUIRE(net.forward_batch(in, out) == fixnet::status::ok);
        for (std::size_t k = 0; k < in.size(); ++k) {
            auto const single = net.forward(in[k]);
            for (std::size_t o = 0; o < net_t::output_size; ++o) {
                // Both stay within the reference bound (checked above); here, a plain sanity check
                // that no sample was shifted to another slot: outputs match to float precision.
                CHECK(std::fabs(double(out[k][o]) - double(single[o])) <= 1e-5 * (1 + std::fabs(double(single[o]))));
            }
        }
    }
}

TEST_CASE_TEMPLATE("forward_batch and forward: a NaN input gives NaN outputs on every path", C, FIXNET_BATCH_CONFIGS) {
    using net_t = typename C::net_t;
    using T = typename net_t::value_type;
    net_t net{};
    seeded_network(net, 13);
    std::vector<typename net_t::input_type> in(19);
    fixnet::random_engine rng{9};
    for (auto& x : in) x = random_array<T, net_t::input_size>(rng, -1, 1);
    in[3][0] = std::numeric_limits<T>::quiet_NaN();
    in[18][0] = std::numeric_limits<T>::quiet_NaN();  // in the tail after the whole lane batches
    std::vector<typename net_t::output_type> out(in.size());
    REQUIRE(net.forward_batch(in, out) == fixnet::status::ok);
    for (std::size_t k = 0; k < in.size(); ++k) {
        CAPTURE(k);
        bool const poisoned = k == 3 || k == 18;
        for (T v : out[k]) CHECK(std::isnan(v) == poisoned);
        for (T v : net.forward(in[k])) CHECK(std::isnan(v) == poisoned);
    }
}

}  // namespace test_batch
