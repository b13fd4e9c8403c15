// fixnet::online_trainer against fixnet::train_step: the same losses and parameters, to the bit,
// on both backends, with and without a step pending; flush, forward, network() and the destructor;
// refused non-finite samples; constant evaluation.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#include <fixnet/fixnet.hpp>

namespace test_online_trainer {

namespace {

using fixnet::dense;
using fixnet::sigmoid;

/// Whether two networks hold the same bits (NaN-safe, unlike ==).
template <class Net>
bool same_bits(const Net& a, const Net& b) {
    return std::memcmp(&a.layers, &b.layers, sizeof(a.layers)) == 0;
}

/// n samples of fixnet's own PRNG in [-1, 1) (inputs) and [0, 1) (targets).
template <class Net>
struct samples {
    using T = typename Net::value_type;
    std::vector<typename Net::input_type> x;
    std::vector<typename Net::output_type> t;
    explicit samples(std::size_t n, std::uint64_t seed) : x(n), t(n) {
        fixnet::random_engine rng{seed};
        for (auto& v : x) for (auto& e : v) e = static_cast<T>(2 * rng.uniform01() - 1);
        for (auto& v : t) for (auto& e : v) e = static_cast<T>(rng.uniform01());
    }
};

/// Trains one copy of a network with the trainer and one with fixnet::train_step on the same
/// samples (with and without learning the biases), comparing every loss and, after each flush, every
/// parameter bit for bit. Returns whether the trainer left a step pending.
template <class Net>
bool trains_as_train_step() {
    using T = typename Net::value_type;
    Net net{};
    fixnet::initialize(net, 11);
    Net want = net;
    samples<Net> const data(24, 5);
    bool was_pending = false;
    fixnet::online_trainer tr(net);
    for (bool const learn_biases : {true, false}) {
        fixnet::sgd<T> const opt{.learning_rate = learn_biases ? T(0.5) : T(0.25), .learn_biases = learn_biases};
        for (std::size_t k = 0; k < data.x.size(); ++k) {
            T const got = tr.train_step(data.x[k], data.t[k], opt);
            was_pending = was_pending || tr.pending();
            T const expected = fixnet::train_step(want, data.x[k], data.t[k], opt);
            CHECK(got == expected);
        }
        // forward() applies the pending step on its way; the output is the trained network's.
        auto const out = tr.forward(data.x[0]);
        CHECK_FALSE(tr.pending());
        CHECK(out == want.forward(data.x[0]));
        CHECK(same_bits(tr.network(), want));
    }
    return was_pending;
}

// 40-48-5: the input layer (7.5 KB in float) is stepped in the forward pass on simd_backend wherever
// 48 neurons are whole SIMD batches (3 with AVX-512, 6 with AVX2, 12 with SSE or NEON).
// 300-160-3: rows wider than one register block (20 batches with AVX2, 10 with AVX-512), which
// dense_forward_rows steps 8 rows at a time, the last 300 mod 8 = 4 one by one. 2-2-2: never
// pending (train_step as it is).
using deferred_f = fixnet::basic_network<fixnet::simd_backend, float, 40, dense<48, sigmoid>, dense<5, sigmoid>>;
using deferred_d = fixnet::basic_network<fixnet::simd_backend, double, 40, dense<48, sigmoid>, dense<5, sigmoid>>;
using two_blocks = fixnet::basic_network<fixnet::simd_backend, float, 300, dense<160, sigmoid>, dense<3, sigmoid>>;
using scalar_f = fixnet::basic_network<fixnet::scalar_backend, float, 40, dense<48, sigmoid>, dense<5, sigmoid>>;
using article_f = fixnet::mlp<float, sigmoid, 2, 2, 2>;

/// Whether the trainer should leave steps pending for Net (the simd kernels step inside the forward).
template <class Net>
constexpr bool defers = fixnet::detail::defer_input_step<typename Net::backend_type, typename Net::template layer_type<0>>;

}  // namespace

TEST_CASE("online_trainer: the same losses and parameters as train_step, bit for bit") {
    CHECK(trains_as_train_step<deferred_f>() == defers<deferred_f>);
    CHECK(trains_as_train_step<deferred_d>() == defers<deferred_d>);
    CHECK(trains_as_train_step<two_blocks>() == defers<two_blocks>);
    CHECK_FALSE(trains_as_train_step<scalar_f>());
    CHECK_FALSE(trains_as_train_step<article_f>());
#if FIXNET_HAS_SIMD
    // The deferred path is what these shapes test wherever xsimd has float lanes.
    CHECK(defers<deferred_f>);
    CHECK(defers<two_blocks>);
#endif
}

TEST_CASE("online_trainer: the destructor and flush apply the pending step; a refused sample changes nothing") {
    using T = float;
    deferred_f net{};
    fixnet::initialize(net, 3);
    deferred_f want = net;
    samples<deferred_f> const data(6, 9);
    fixnet::sgd<T> const opt{.learning_rate = T(0.5)};
    {
        fixnet::online_trainer tr(net);
        for (std::size_t k = 0; k < 3; ++k) {
            (void)tr.train_step(data.x[k], data.t[k], opt);
            (void)fixnet::train_step(want, data.x[k], data.t[k], opt);
        }
        // A NaN input and an infinite target are refused, as by train_step: the step pending from
        // the sample before them is kept (or applied), nothing else changes.
        auto bad_x = data.x[3];
        bad_x[7] = std::numeric_limits<T>::quiet_NaN();
        auto bad_t = data.t[3];
        bad_t[1] = std::numeric_limits<T>::infinity();
        CHECK(std::isnan(tr.train_step(bad_x, data.t[3], opt)));
        CHECK(std::isnan(tr.train_step(data.x[3], bad_t, opt)));
        CHECK(std::isnan(fixnet::train_step(want, bad_x, data.t[3], opt)));
        CHECK(tr.pending() == defers<deferred_f>);
        // A finite target whose loss overflows is refused after the forward pass, which has applied
        // the pending step: kept, and nothing new pending.
        auto huge_t = data.t[3];
        huge_t[0] = T(3e38);
        T const e_trainer = tr.train_step(data.x[3], huge_t, opt);
        T const e_step = fixnet::train_step(want, data.x[3], huge_t, opt);
        CHECK(std::isinf(e_trainer));
        CHECK(e_trainer == e_step);
        CHECK_FALSE(tr.pending());
        CHECK(same_bits(net, want));
        // unchecked lets the NaN in, like train_step<..., unchecked>: not tested further here.
        for (std::size_t k = 3; k < 6; ++k) {
            (void)tr.train_step(data.x[k], data.t[k], opt);
            (void)fixnet::train_step(want, data.x[k], data.t[k], opt);
        }
        if (defers<deferred_f>) CHECK_FALSE(same_bits(net, want));  // the last step is still pending
    }
    CHECK(same_bits(net, want));  // the destructor flushed it

    fixnet::online_trainer tr(net);
    (void)tr.train_step(data.x[0], data.t[0], opt);
    (void)fixnet::train_step(want, data.x[0], data.t[0], opt);
    tr.flush();
    CHECK_FALSE(tr.pending());
    CHECK(same_bits(net, want));
    tr.flush();  // nothing pending: no change
    CHECK(same_bits(net, want));
}

namespace {
/// Three trainer steps and three train_steps on a 32-32-1 network (a 4 KB input layer in float,
/// deferred on simd_backend at run time), in a constant expression, where the scalar kernels run.
constexpr bool constexpr_trainer_matches() {
    using net_t = fixnet::basic_network<fixnet::simd_backend, float, 32, dense<32, sigmoid>, dense<1, sigmoid>>;
    net_t a{}, b{};
    for (std::size_t k = 0; k < 32 * 32; ++k) a.layer<0>().weights[k] = b.layer<0>().weights[k] = float(k % 7) * 0.01f - 0.03f;
    for (std::size_t k = 0; k < 32; ++k) a.layer<1>().weights[k] = b.layer<1>().weights[k] = float(k % 5) * 0.02f - 0.04f;
    fixnet::sgd<float> const opt{.learning_rate = 0.5f};
    {
        fixnet::online_trainer tr(a);
        for (int s = 0; s < 3; ++s) {
            net_t::input_type x{};
            for (std::size_t i = 0; i < 32; ++i) x[i] = float((i + std::size_t(s)) % 4) * 0.25f;
            float const ea = tr.train_step(x, {0.75f}, opt);
            float const eb = fixnet::train_step(b, x, {0.75f}, opt);
            if (ea != eb) return false;
        }
    }
    return a.layers == b.layers;
}
static_assert(constexpr_trainer_matches());

// Where nothing is deferred (scalar_backend, as on a microcontroller), the trainer holds no
// activations: a pointer, the rate and two flags.
static_assert(sizeof(fixnet::online_trainer<fixnet::basic_mlp<fixnet::scalar_backend, float, sigmoid, 784, 128, 10>>) <= 32);
}  // namespace

TEST_CASE("online_trainer: the static_assert of this file compiled") {
    CHECK(constexpr_trainer_matches());
}

TEST_CASE("online_trainer: the README's snippet runs as written") {
    using net_t = fixnet::network<float, 64, dense<32, sigmoid>, dense<2, sigmoid>>;  // 8 KB input layer
    net_t net{};
    fixnet::initialize(net, 1);
    net_t want = net;
    samples<net_t> const data(10, 2);
    auto const& x = data.x;
    auto const& t = data.t;
    std::size_t const n = x.size();
    // From the README:
    fixnet::online_trainer tr(net);                       // refers to net; holds one pass's activations
    for (std::size_t k = 0; k < n; ++k) tr.train_step(x[k], t[k], fixnet::sgd<float>{.learning_rate = 0.1f});
    auto y = tr.forward(x[0]);                            // applies the pending update on the way
    tr.flush();                                           // or let tr go out of scope: net is up to date

    for (std::size_t k = 0; k < n; ++k) (void)fixnet::train_step(want, x[k], t[k], fixnet::sgd<float>{.learning_rate = 0.1f});
    CHECK(y == want.forward(x[0]));
    CHECK(same_bits(net, want));
}

}  // namespace test_online_trainer
