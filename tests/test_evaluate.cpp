// fixnet::argmax and fixnet::evaluate: the class a network picks, and a network's mean loss and
// accuracy over a data set, on both backends, in float and double, at run time and compile time.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include <fixnet/fixnet.hpp>

namespace test_evaluate {

namespace {

constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

// ---- argmax -------------------------------------------------------------------------------------------

static_assert(fixnet::argmax(std::array{1.0f, 3.0f, 2.0f}) == 1);
static_assert(fixnet::argmax(std::array{2.0, 5.0, 5.0, 1.0}) == 1, "ties: the first largest");
static_assert(fixnet::argmax(std::array{7.0, 7.0, 7.0}) == 0, "all equal: the first");
static_assert(fixnet::argmax(std::array{-3.0f, -1.0f, -2.0f}) == 1, "negative values");
static_assert(fixnet::argmax(std::array{-0.5}) == 0, "N = 1");
static_assert(fixnet::argmax(std::array{nan_f, 1.0f, 2.0f}) == 2, "a leading NaN does not win");
static_assert(fixnet::argmax(std::array{1.0f, nan_f, 0.0f}) == 0, "a NaN in the middle does not win");
static_assert(fixnet::argmax(std::array{nan_f, -inf_f}) == 1, "even -inf beats NaN");
static_assert(fixnet::argmax(std::array{nan_f, nan_f, nan_f}) == 0, "all NaN: 0");
static_assert(fixnet::argmax(std::array{1.0f, inf_f, 3.0f}) == 1, "+inf is the largest");
static_assert(fixnet::argmax(std::array{2, 9, 4}) == 1, "any ordered element type");

// ---- networks and data -----------------------------------------------------------------------------------

/// A 2-2 identity network (identity weights, zero biases): its output is its input, so which
/// sample it classifies right can be read off the data.
template <class B, class T>
using identity_net = fixnet::basic_network<B, T, 2, fixnet::dense<2, fixnet::identity>>;

template <class Net>
constexpr Net make_identity() noexcept {
    using T = typename Net::value_type;
    Net net{};
    net.template layer<0>().weight(0, 0) = T(1);
    net.template layer<0>().weight(1, 1) = T(1);
    return net;
}

/// Outputs {1, 0}, {0, 1}, {0.2, 0.8}, {0.9, 0.1} against classes 0, 1, 0, 1: the first two right,
/// the last two wrong.
template <class T>
constexpr std::array<std::array<T, 2>, 4> identity_inputs{{{T(1), T(0)}, {T(0), T(1)}, {T(0.2), T(0.8)}, {T(0.9), T(0.1)}}};
template <class T>
constexpr std::array<std::array<T, 2>, 4> identity_targets{{{T(1), T(0)}, {T(0), T(1)}, {T(1), T(0)}, {T(0), T(1)}}};

template <class B, class T>
constexpr bool identity_evaluation_at_compile_time() {
    auto const net = make_identity<identity_net<B, T>>();
    auto const e = fixnet::evaluate(net, std::span<const std::array<T, 2>>(identity_inputs<T>),
                                    std::span<const std::array<T, 2>>(identity_targets<T>));
    // Half squared errors 0, 0, 0.64, 0.81: mean 0.3625 (not exact in binary, hence the window).
    return e.code == fixnet::status::ok && e.correct == 2 && e.count == 4 && e.accuracy() == 0.5 && e.loss > T(0.3624) &&
           e.loss < T(0.3626);
}

static_assert(identity_evaluation_at_compile_time<fixnet::scalar_backend, float>());
static_assert(identity_evaluation_at_compile_time<fixnet::scalar_backend, double>());
static_assert(identity_evaluation_at_compile_time<fixnet::simd_backend, float>());
static_assert(identity_evaluation_at_compile_time<fixnet::simd_backend, double>());

// The default evaluation is an empty one whose accuracy is 0, not a NaN.
static_assert(fixnet::evaluation<float>{}.accuracy() == 0.0);
static_assert(fixnet::evaluation<double>{.code = fixnet::status::ok, .loss = 0.0, .correct = 3, .count = 4}.accuracy() == 0.75);

template <class B, class T>
using softmax_net = fixnet::basic_network<B, T, 4, fixnet::dense<8, fixnet::tanh>, fixnet::dense<3, fixnet::softmax>>;

constexpr std::size_t sample_count = 9;

template <class Net>
struct data_set {
    std::array<typename Net::input_type, sample_count> inputs{};
    std::array<typename Net::output_type, sample_count> targets{};  // one-hot
    data_set() {
        using T = typename Net::value_type;
        for (std::size_t k = 0; k < sample_count; ++k) {
            for (std::size_t i = 0; i < Net::input_size; ++i) inputs[k][i] = T((k * 5 + i * 3) % 11) / T(11) - T(0.45);
            targets[k][(k * 2) % Net::output_size] = T(1);
        }
    }
    std::span<const typename Net::input_type> in() const { return inputs; }
    std::span<const typename Net::output_type> out() const { return targets; }
};

/// evaluate against a plain loop over the same data: fixnet::loss per sample, summed in T in
/// sample order and scaled by 1 / n. evaluate does exactly these operations in this order (one
/// forward pass, L::value, the same running sum and the same scale), so the results are equal to
/// the bit, not only close; a different order of additions would round differently.
template <class L, class Net>
void check_against_hand_loop(const Net& net, const data_set<Net>& d) {
    using T = typename Net::value_type;
    T total{};
    std::size_t correct = 0;
    for (std::size_t k = 0; k < sample_count; ++k) {
        total += fixnet::loss<L>(net, d.inputs[k], d.targets[k]);
        correct += fixnet::argmax(net.forward(d.inputs[k])) == fixnet::argmax(d.targets[k]) ? 1 : 0;
    }
    T const mean = total * (T(1) / static_cast<T>(sample_count));
    auto const e = fixnet::evaluate<L>(net, d.in(), d.out());
    CHECK(e.code == fixnet::status::ok);
    CHECK(e.loss == mean);
    CHECK(e.correct == correct);
    CHECK(e.count == sample_count);
    CHECK(e.accuracy() == static_cast<double>(correct) / static_cast<double>(sample_count));
    // unchecked changes nothing for finite data.
    auto const u = fixnet::evaluate<L, fixnet::unchecked>(net, d.in(), d.out());
    CHECK(u.code == fixnet::status::ok);
    CHECK(u.loss == mean);
    CHECK(u.correct == correct);
}

}  // namespace

TEST_CASE("argmax: the static_asserts of this file compiled; run-time calls agree") {
    std::array<float, 5> v{0.1f, -2.0f, 0.7f, 0.7f, nan_f};
    CHECK(fixnet::argmax(v) == 2);
    v[4] = 0.8f;
    CHECK(fixnet::argmax(v) == 4);
    v = {nan_f, nan_f, nan_f, nan_f, nan_f};
    CHECK(fixnet::argmax(v) == 0);
}

TEST_CASE_TEMPLATE("evaluate: equals a hand loop with fixnet::loss, every loss", B, fixnet::scalar_backend, fixnet::simd_backend) {
    auto const run = [](auto tag) {
        using T = decltype(tag);
        using Net = softmax_net<B, T>;
        INFO(doctest::String(B::name) << (sizeof(T) == 4 ? " float" : " double"));
        Net net{};
        fixnet::initialize(net, 17);
        data_set<Net> const d;
        check_against_hand_loop<fixnet::half_squared_error>(net, d);
        check_against_hand_loop<fixnet::mean_squared_error>(net, d);
        check_against_hand_loop<fixnet::cross_entropy>(net, d);
        check_against_hand_loop<fixnet::binary_cross_entropy>(net, d);
    };
    run(float{});
    run(double{});
}

TEST_CASE_TEMPLATE("evaluate: its loss is train_batch's loss before the step", B, fixnet::scalar_backend, fixnet::simd_backend) {
    // train_batch computes its forward pass through the backprop trace (other kernels), so close,
    // not necessarily equal to the bit.
    using Net = softmax_net<B, double>;
    Net net{};
    fixnet::initialize(net, 5);
    data_set<Net> const d;
    auto const before = fixnet::evaluate<fixnet::cross_entropy>(net, d.in(), d.out());
    fixnet::sgd<double> const opt{.learning_rate = 0.1};
    fixnet::optimizer_state<Net, fixnet::sgd<double>> st{};
    auto const r = fixnet::train_batch<fixnet::cross_entropy>(net, d.in(), d.out(), opt, st);
    REQUIRE(r.code == fixnet::status::ok);
    CHECK(before.loss == doctest::Approx(r.loss).epsilon(1e-12));
    // And training lowers it.
    CHECK(fixnet::evaluate<fixnet::cross_entropy>(net, d.in(), d.out()).loss < before.loss);
}

TEST_CASE_TEMPLATE("evaluate: correct and count on a hand-set network", B, fixnet::scalar_backend, fixnet::simd_backend) {
    auto const run = [](auto tag) {
        using T = decltype(tag);
        INFO(doctest::String(B::name) << (sizeof(T) == 4 ? " float" : " double"));
        auto const net = make_identity<identity_net<B, T>>();
        std::span<const std::array<T, 2>> const in(identity_inputs<T>), out(identity_targets<T>);
        auto const e = fixnet::evaluate(net, in, out);
        CHECK(e.code == fixnet::status::ok);
        CHECK(e.correct == 2);
        CHECK(e.count == 4);
        CHECK(e.accuracy() == 0.5);
        CHECK(static_cast<double>(e.loss) == doctest::Approx(0.3625).epsilon(1e-6));
        // The first two samples alone: all right, no error.
        auto const first_two = fixnet::evaluate(net, in.first(2), out.first(2));
        CHECK(first_two.correct == 2);
        CHECK(first_two.accuracy() == 1.0);
        CHECK(first_two.loss == T(0));
    };
    run(float{});
    run(double{});
}

TEST_CASE_TEMPLATE("evaluate: a one-output regression counts every sample correct (accuracy means nothing there)", B,
                   fixnet::scalar_backend, fixnet::simd_backend) {
    // argmax of a one-element array is always 0: correct == count whatever the error.
    using Net = fixnet::basic_network<B, double, 1, fixnet::dense<1, fixnet::identity>>;
    Net net{};
    net.template layer<0>().weight(0, 0) = 2.0;
    std::array<std::array<double, 1>, 3> const xs{{{1.0}, {2.0}, {3.0}}};
    std::array<std::array<double, 1>, 3> const ts{{{-5.0}, {4.0}, {100.0}}};
    auto const e = fixnet::evaluate<fixnet::mean_squared_error>(net, std::span<const std::array<double, 1>>(xs),
                                                                std::span<const std::array<double, 1>>(ts));
    CHECK(e.code == fixnet::status::ok);
    CHECK(e.correct == 3);
    CHECK(e.loss == doctest::Approx((49.0 + 0.0 + 8836.0) / 3.0));
}

TEST_CASE_TEMPLATE("evaluate: statuses", B, fixnet::scalar_backend, fixnet::simd_backend) {
    using Net = identity_net<B, float>;
    using X = std::array<float, 2>;
    auto const net = make_identity<Net>();
    std::array<X, 3> xs{{{1.0f, 0.0f}, {0.0f, 1.0f}, {0.3f, 0.7f}}};
    std::array<X, 3> ts{{{1.0f, 0.0f}, {0.0f, 1.0f}, {0.0f, 1.0f}}};

    SUBCASE("size mismatch: every field zero") {
        auto const e = fixnet::evaluate(net, std::span<const X>(xs), std::span<const X>(ts).first(2));
        CHECK(e.code == fixnet::status::size_mismatch);
        CHECK(e.loss == 0.0f);
        CHECK(e.correct == 0);
        CHECK(e.count == 0);
    }
    SUBCASE("empty: every field zero, accuracy 0") {
        auto const e = fixnet::evaluate(net, std::span<const X>(), std::span<const X>());
        CHECK(e.code == fixnet::status::empty_batch);
        CHECK(e.loss == 0.0f);
        CHECK(e.correct == 0);
        CHECK(e.count == 0);
        CHECK(e.accuracy() == 0.0);
    }
    SUBCASE("a NaN input: non_finite_value when checked; unchecked, status ok and the loss NaN") {
        xs[1][0] = nan_f;
        auto const c = fixnet::evaluate(net, std::span<const X>(xs), std::span<const X>(ts));
        CHECK(c.code == fixnet::status::non_finite_value);
        CHECK(c.count == 3);
        auto const u = fixnet::evaluate<fixnet::half_squared_error, fixnet::unchecked>(net, std::span<const X>(xs), std::span<const X>(ts));
        CHECK(u.code == fixnet::status::ok);
        CHECK(std::isnan(u.loss));
        CHECK(u.count == 3);
    }
    SUBCASE("an infinite target: non_finite_value when checked") {
        ts[2][1] = inf_f;
        auto const c = fixnet::evaluate(net, std::span<const X>(xs), std::span<const X>(ts));
        CHECK(c.code == fixnet::status::non_finite_value);
        auto const u = fixnet::evaluate<fixnet::half_squared_error, fixnet::unchecked>(net, std::span<const X>(xs), std::span<const X>(ts));
        CHECK(u.code == fixnet::status::ok);
        CHECK(std::isinf(u.loss));
    }
    SUBCASE("finite data whose loss overflows: non_finite_value when checked") {
        xs[0] = {3e19f, 0.0f};  // (3e19)^2 / 2 is past float's largest value
        auto const c = fixnet::evaluate(net, std::span<const X>(xs), std::span<const X>(ts));
        CHECK(c.code == fixnet::status::non_finite_value);
        CHECK(std::isinf(c.loss));
    }
}

}  // namespace test_evaluate
