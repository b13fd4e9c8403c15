// Training breadth, the training loops: train_batch's statuses and its batch of one, fit (XOR with
// Adam and with full-batch Rprop, the callback, early stops, errors, determinism), index_permutation,
// and every activation, loss and optimizer in constant evaluation (train_batch and fit at compile
// time). Softplus and softmax are in tests/test_training_activations.cpp, the losses in
// tests/test_training_losses.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "reference_mlp.hpp"

namespace test_training_fit {

using namespace fixnet_test;
using fixnet::dense;

// ---- train_batch -------------------------------------------------------------------------------------

namespace {

/// The object representation: for "unchanged" checks of one object against its own earlier copy.
/// (Two different objects are compared by value instead, with values_of: a simd_backend network is
/// padded to its alignment, and padding bytes need not agree between objects.)
template <class X>
std::vector<unsigned char> bytes_of(const X& x) {
    std::vector<unsigned char> b(sizeof(X));
    std::memcpy(b.data(), &x, sizeof(X));
    return b;
}

/// Every parameter of a network, widened exactly (equal vectors: equal parameters, bit for bit but for
/// the sign of zero).
template <class Net>
    requires fixnet::Network<Net>
vec values_of(const Net& net) {
    return flat(net);
}

/// Every value an optimizer state holds.
template <class S>
    requires(!fixnet::Network<S>)
vec values_of(const S& s) {
    vec r;
    auto const add = [&](const auto& g) {
        auto const f = flat(g);
        r.insert(r.end(), f.begin(), f.end());
    };
    if constexpr (requires { s.velocity; }) add(s.velocity);
    if constexpr (requires { s.m; }) {
        add(s.m);
        add(s.v);
        r.push_back(static_cast<real>(s.steps));
        r.push_back(s.beta1_power);
        r.push_back(s.beta2_power);
    }
    if constexpr (requires { s.previous; }) {
        add(s.previous);
        add(s.step);
        r.push_back(s.started ? 1 : 0);
    }
    add(s.gradient);
    return r;
}

using small_net = fixnet::network<double, 3, dense<5, fixnet::softplus>, dense<3, fixnet::softmax>>;

std::vector<small_net::input_type> small_inputs(std::size_t n, std::uint64_t seed) {
    fixnet::random_engine rng{seed};
    std::vector<small_net::input_type> r(n);
    for (auto& x : r) x = random_array<double, 3>(rng, -1, 1);
    return r;
}
std::vector<small_net::output_type> small_targets(std::size_t n, std::uint64_t seed) {
    std::vector<small_net::output_type> r(n);
    for (std::size_t k = 0; k < n; ++k) r[k][(k * 7 + seed) % 3] = 1;
    return r;
}

template <class Opt>
void check_train_batch_errors(const Opt& opt) {
    small_net net{};
    seeded_network(net, 21);
    fixnet::optimizer_state<small_net, Opt> st{};
    auto const xs = small_inputs(5, 1);
    auto const ts = small_targets(5, 1);
    using In = std::span<const small_net::input_type>;
    using Out = std::span<const small_net::output_type>;
    // One good step first, so that the state is not all zero.
    REQUIRE(fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts), opt, st).code == fixnet::status::ok);
    auto const net_before = bytes_of(net);
    auto const state_before = bytes_of(st);

    auto const mismatch = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts).first(4), opt, st);
    CHECK(mismatch.code == fixnet::status::size_mismatch);
    CHECK(mismatch.loss == 0.0);
    auto const mismatch2 = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs).first(0), Out(ts).first(1), opt, st);
    CHECK(mismatch2.code == fixnet::status::size_mismatch);
    auto const empty = fixnet::train_batch<fixnet::cross_entropy>(net, In(xs).first(0), Out(ts).first(0), opt, st);
    CHECK(empty.code == fixnet::status::empty_batch);
    CHECK(empty.loss == 0.0);
    CHECK(bytes_of(net) == net_before);
    CHECK(bytes_of(st) == state_before);

    // And the next good step does change both (the comparison above can fail).
    REQUIRE(fixnet::train_batch<fixnet::cross_entropy>(net, In(xs), Out(ts), opt, st).code == fixnet::status::ok);
    CHECK(bytes_of(net) != net_before);
    CHECK(bytes_of(st) != state_before);
}

/// train_batch of one sample equals train_step(net, x, t, opt, st), step after step.
template <class L, class Opt>
void check_batch_of_one(const Opt& opt) {
    small_net a{};
    seeded_network(a, 22);
    small_net b = a;
    fixnet::optimizer_state<small_net, Opt> sa{}, sb{};
    auto const xs = small_inputs(6, 2);
    auto const ts = small_targets(6, 2);
    for (std::size_t k = 0; k < xs.size(); ++k) {
        auto const r = fixnet::train_batch<L>(a, std::span<const small_net::input_type>(&xs[k], 1),
                                              std::span<const small_net::output_type>(&ts[k], 1), opt, sa);
        double const e = fixnet::train_step<L>(b, xs[k], ts[k], opt, sb);
        CHECK(r.code == fixnet::status::ok);
        // The losses too can differ in the last bits once the parameters do (see below).
        CHECK(std::fabs(r.loss - e) <= 16 * std::numeric_limits<double>::epsilon() * std::fabs(e));
    }
    // Not bit for bit: the two calls run the same source, but g++ -O2 (-ffp-contract=fast, the GNU
    // default) fuses multiplies and adds into FMAs differently in the two inlined copies, so single
    // values differ in the last bit (measured with g++ -march=native on AVX-512 after 6 steps: up to
    // 3.4e-16 of the largest value; bit for bit with clang++ and with g++ -march=x86-64-v2, which has
    // no FMA). Within 16 eps of each array's largest magnitude, far below any logic error.
    auto const close = [](const vec& x, const vec& y) {
        real m = 0, d = 0;
        for (std::size_t k = 0; k < x.size(); ++k) {
            m = std::max(m, std::fabs(y[k]));
            d = std::max(d, std::fabs(x[k] - y[k]));
        }
        return x.size() == y.size() && d <= 16 * std::numeric_limits<double>::epsilon() * m;
    };
    CHECK(close(values_of(a), values_of(b)));
    CHECK(close(values_of(sa), values_of(sb)));
    small_net fresh{};
    seeded_network(fresh, 22);
    CHECK(flat(a) != flat(fresh));
}

}  // namespace

TEST_CASE("train_batch: size mismatch and empty batch report their status and change nothing, bit for bit") {
    check_train_batch_errors(fixnet::sgd<double>{.learning_rate = 0.1, .momentum = 0.9});
    check_train_batch_errors(fixnet::adam<double>{.learning_rate = 0.01});
    check_train_batch_errors(fixnet::rprop<double>{});
}

TEST_CASE("train_batch: a batch of one is train_step with the same optimizer and state (to the last bits)") {
    check_batch_of_one<fixnet::cross_entropy>(fixnet::sgd<double>{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
    check_batch_of_one<fixnet::mean_squared_error>(fixnet::adam<double>{.learning_rate = 0.01, .weight_decay = 0.01});
    check_batch_of_one<fixnet::binary_cross_entropy>(fixnet::rprop<double>{});
    check_batch_of_one<fixnet::half_squared_error>(fixnet::sgd<float>{.learning_rate = 0.1f, .weight_decay = 0.001f});
}

TEST_CASE("train_batch: the loss it returns is the mean loss before the update, and the mean gradient is applied") {
    small_net net{};
    seeded_network(net, 23);
    auto const xs = small_inputs(7, 3);
    auto const ts = small_targets(7, 3);
    double mean = 0;
    small_net::gradient_type g{};
    for (std::size_t k = 0; k < xs.size(); ++k) mean += fixnet::backprop<fixnet::cross_entropy>(net, xs[k], ts[k], g);
    mean /= 7;
    small_net expected = net;
    fixnet::detail::for_each_parameter_array(
        expected,
        [](auto& p, const auto& gp, bool) {
            for (std::size_t k = 0; k < p.size(); ++k) p[k] -= 0.5 * (gp[k] / 7);
        },
        g);
    fixnet::sgd<double> const opt{.learning_rate = 0.5};
    fixnet::optimizer_state<small_net, fixnet::sgd<double>> st{};
    auto const r = fixnet::train_batch<fixnet::cross_entropy>(net, std::span<const small_net::input_type>(xs),
                                                              std::span<const small_net::output_type>(ts), opt, st);
    CHECK(r.code == fixnet::status::ok);
    CHECK(r.loss == doctest::Approx(mean).epsilon(1e-14));
    // The gradient is scaled by 1/7 per sample rather than summed then divided: a few eps apart.
    check_within("parameters after one mean-gradient step", flat(net), flat(expected), vec(small_net::parameter_count, 1e-14L));
}

// ---- fit ---------------------------------------------------------------------------------------------

namespace {

using xor_net = fixnet::network<float, 2, dense<4, fixnet::tanh>, dense<1, fixnet::sigmoid>>;
constexpr std::array<xor_net::input_type, 4> xor_inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<xor_net::output_type, 4> xor_targets{{{0}, {1}, {1}, {0}}};
using xor_in = std::span<const xor_net::input_type>;
using xor_out = std::span<const xor_net::output_type>;

int xor_correct(const xor_net& net) {
    int c = 0;
    for (std::size_t k = 0; k < 4; ++k) c += (net.forward(xor_inputs[k])[0] > 0.5f) == (xor_targets[k][0] > 0.5f) ? 1 : 0;
    return c;
}

}  // namespace

TEST_CASE("fit: XOR reaches 100 % with Adam and binary cross-entropy, and with full-batch Rprop") {
    for (std::uint64_t const seed : {1u, 2u, 3u, 4u}) {
        CAPTURE(seed);
        {
            xor_net net{};
            fixnet::initialize(net, seed);
            CHECK(xor_correct(net) < 4);  // not solved by chance before training
            fixnet::adam<float> const opt{.learning_rate = 0.05f};
            fixnet::optimizer_state<xor_net, fixnet::adam<float>> st{};
            auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets), opt, st,
                                                                     {.epochs = 500, .batch_size = 2, .seed = seed});
            CHECK(r.code == fixnet::status::ok);
            CHECK(r.epochs == 500);
            CHECK(r.loss < 0.1f);
            CHECK(xor_correct(net) == 4);
        }
        {
            xor_net net{};
            fixnet::initialize(net, seed);
            fixnet::optimizer_state<xor_net, fixnet::rprop<float>> st{};
            auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets),
                                                                     fixnet::rprop<float>{}, st, {.epochs = 300, .batch_size = 0});
            CHECK(r.code == fixnet::status::ok);
            CHECK(r.loss < 0.1f);
            CHECK(xor_correct(net) == 4);
        }
    }
}

TEST_CASE("fit: the callback sees every epoch once and the returned loss last; false stops; target_loss stops early") {
    xor_net net{};
    fixnet::initialize(net, 5);
    fixnet::adam<float> const opt{.learning_rate = 0.05f};
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> st{};
    std::vector<std::size_t> epochs;
    std::vector<float> losses;
    auto const r = fixnet::fit<fixnet::binary_cross_entropy>(net, xor_in(xor_inputs), xor_out(xor_targets), opt, st,
                                                             {.epochs = 40, .batch_size = 3, .seed = 9},
                                                             [&](std::size_t e, float l) {
                                                                 epochs.push_back(e);
                                                                 losses.push_back(l);
                                                             });
    REQUIRE(epochs.size() == 40);
    for (std::size_t k = 0; k < epochs.size(); ++k) CHECK(epochs[k] == k + 1);
    CHECK(r.epochs == 40);
    CHECK(r.loss == losses.back());
    CHECK(losses.back() < losses.front());

    // Returning false stops at that epoch.
    xor_net n2{};
    fixnet::initialize(n2, 5);
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> s2{};
    std::size_t calls = 0;
    auto const stopped = fixnet::fit<fixnet::binary_cross_entropy>(n2, xor_in(xor_inputs), xor_out(xor_targets), opt, s2,
                                                                   {.epochs = 40, .batch_size = 3, .seed = 9},
                                                                   [&](std::size_t e, float) {
                                                                       ++calls;
                                                                       return e < 7;
                                                                   });
    CHECK(stopped.epochs == 7);
    CHECK(calls == 7);
    CHECK(stopped.loss == losses[6]);  // the same run as above up to there
    CHECK(s2.steps == 7 * 2);           // 4 samples in batches of 3: two updates per epoch

    // target_loss: stops at the first epoch whose loss is at or below it.
    xor_net n3{};
    fixnet::initialize(n3, 5);
    fixnet::optimizer_state<xor_net, fixnet::adam<float>> s3{};
    std::vector<float> l3;
    auto const early = fixnet::fit<fixnet::binary_cross_entropy>(n3, xor_in(xor_inputs), xor_out(xor_targets), opt, s3,
                                                                 {.epochs = 5000, .batch_size = 3, .seed = 9, .target_loss = 0.2},
                                                                 [&](std::size_t, float l) { l3.push_back(l); });
    CHECK(early.epochs < 5000);
    CHECK(early.epochs == l3.size());
    CHECK(early.loss <= 0.2f);
    REQUIRE(l3.size() >= 2);
    CHECK(l3[l3.size() - 2] > 0.2f);
}

TEST_CASE("fit: size mismatch and empty data train nothing; the same seed gives bit-identical parameters") {
    xor_net net{};
    fixnet::initialize(net, 6);
    auto const before = bytes_of(net);
    fixnet::optimizer_state<xor_net, fixnet::sgd<float>> st{};
    fixnet::sgd<float> const opt{.learning_rate = 0.1f, .momentum = 0.9f};
    std::size_t calls = 0;
    auto const count = [&](std::size_t, float) { ++calls; };
    auto const r = fixnet::fit(net, xor_in(xor_inputs), xor_out(xor_targets).first(3), opt, st, {}, count);
    CHECK(r.code == fixnet::status::size_mismatch);
    CHECK(r.epochs == 0);
    auto const e = fixnet::fit(net, xor_in(xor_inputs).first(0), xor_out(xor_targets).first(0), opt, st, {}, count);
    CHECK(e.code == fixnet::status::empty_batch);
    CHECK(e.epochs == 0);
    CHECK(calls == 0);
    CHECK(bytes_of(net) == before);
    CHECK(values_of(st) == values_of(fixnet::optimizer_state<xor_net, fixnet::sgd<float>>{}));

    // Determinism: two runs with one seed agree bit for bit; another seed shuffles differently.
    auto const run = [](std::uint64_t seed) {
        xor_net n{};
        fixnet::initialize(n, 6);
        fixnet::optimizer_state<xor_net, fixnet::adam<float>> s{};
        (void)fixnet::fit<fixnet::binary_cross_entropy>(n, xor_in(xor_inputs), xor_out(xor_targets),
                                                        fixnet::adam<float>{.learning_rate = 0.02f}, s,
                                                        {.epochs = 30, .batch_size = 1, .seed = seed});
        return n;
    };
    CHECK(values_of(run(17)) == values_of(run(17)));
    CHECK(values_of(run(17)) != values_of(run(18)));
    // Without shuffling the seed does not matter.
    auto const run_unshuffled = [](std::uint64_t seed) {
        xor_net n{};
        fixnet::initialize(n, 6);
        fixnet::optimizer_state<xor_net, fixnet::sgd<float>> s{};
        (void)fixnet::fit(n, xor_in(xor_inputs), xor_out(xor_targets), fixnet::sgd<float>{.learning_rate = 0.1f}, s,
                          {.epochs = 10, .batch_size = 1, .seed = seed, .shuffle = false});
        return n;
    };
    CHECK(values_of(run_unshuffled(1)) == values_of(run_unshuffled(2)));
}

// ---- index_permutation -------------------------------------------------------------------------------

TEST_CASE("index_permutation: a bijection of [0, n) for every n and seed, different for different seeds") {
    for (std::size_t const n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{17},
                                std::size_t{64}, std::size_t{1000}, std::size_t{4096}, std::size_t{4097}}) {
        CAPTURE(n);
        std::vector<std::vector<std::size_t>> perms;
        for (std::uint64_t const seed : {0ull, 1ull, 2ull, 12345ull, ~0ull}) {
            CAPTURE(seed);
            fixnet::detail::index_permutation const p(n, seed);
            std::vector<bool> seen(n, false);
            std::vector<std::size_t> perm(n);
            std::size_t out_of_range = 0, repeats = 0;
            for (std::size_t k = 0; k < n; ++k) {
                std::size_t const v = p(k);
                perm[k] = v;
                if (v >= n) {
                    ++out_of_range;
                    continue;
                }
                repeats += seen[v] ? 1 : 0;
                seen[v] = true;
            }
            CHECK(out_of_range == 0);
            CHECK(repeats == 0);
            perms.push_back(perm);
            if (n >= 17) {  // and it actually shuffles: most indices move
                std::size_t fixed = 0;
                for (std::size_t k = 0; k < n; ++k) fixed += perm[k] == k ? 1 : 0;
                CHECK(fixed * 4 < n);
            }
        }
        if (n >= 5) {  // 5 seeds, n! >= 120 permutations: all distinct
            for (std::size_t a = 0; a < perms.size(); ++a)
                for (std::size_t b = a + 1; b < perms.size(); ++b) CHECK(perms[a] != perms[b]);
        }
    }
    // The same permutation at compile time.
    static_assert(fixnet::detail::index_permutation(5, 3)(0) != fixnet::detail::index_permutation(5, 3)(1));
}

// ---- constant evaluation -----------------------------------------------------------------------------

// Each new activation and loss in a static_assert on its own.
static_assert(fixnet::softplus::value(0.0) - 0.69314718055994531 < 2e-16 && 0.69314718055994531 - fixnet::softplus::value(0.0) < 2e-16);
static_assert(fixnet::softplus::value(1000.0) == 1000.0 && fixnet::softplus::value(-1000.0f) == 0.0f);
static_assert(fixnet::softplus::derivative(0.0, 0.0) == 0.5);
static_assert([] {
    std::array<double, 3> y{};
    fixnet::softmax::apply(std::array<double, 3>{1000.0, -1000.0, 0.0}, y);
    std::array<double, 2> h{}, dz{};
    fixnet::softmax::apply(std::array<double, 2>{0.3, 0.3}, h);
    fixnet::softmax::backward(std::array<double, 2>{0.3, 0.3}, h, std::array<double, 2>{1.0, 0.0}, dz);
    return y[0] == 1.0 && y[1] == 0.0 && h[0] == 0.5 && dz[0] == 0.25 && dz[1] == -0.25;
}());
static_assert(fixnet::mean_squared_error::value(std::array<double, 2>{0.5, 0.0}, std::array<double, 2>{1.0, 0.5}) == 0.25);
static_assert(fixnet::binary_cross_entropy::value(std::array<double, 2>{0.0, 1.0}, std::array<double, 2>{1.0, 1.0}) == 50.0);
static_assert([] {
    // -log 0.25 = 2 log 2 = 1.3862943611198906
    double const e = fixnet::cross_entropy::value(std::array<double, 2>{0.75, 0.25}, std::array<double, 2>{0.0, 1.0});
    return e - 1.3862943611198906 < 5e-16 && 1.3862943611198906 - e < 5e-16;
}());

namespace {

template <class B>
using cx_softmax_net = fixnet::basic_network<B, double, 2, dense<3, fixnet::softplus>, dense<2, fixnet::softmax>>;
template <class B>
using cx_sigmoid_net = fixnet::basic_network<B, float, 2, dense<3, fixnet::softplus>, dense<2, fixnet::sigmoid>>;

/// Five train_batch steps of loss L with optimizer opt on two samples, at compile time or at run time:
/// returns the network (its loss is then compared with the starting one).
template <class Net, class L, class Opt>
constexpr Net trained_at(const Opt& opt) {
    using T = typename Net::value_type;
    Net n{};
    fixnet::initialize(n, 3);
    std::array<typename Net::input_type, 2> const xs{{{T(0.5), T(-0.3)}, {T(-0.8), T(0.9)}}};
    std::array<typename Net::output_type, 2> const ts{{{T(1), T(0)}, {T(0), T(1)}}};
    fixnet::optimizer_state<Net, Opt> st{};
    for (int k = 0; k < 5; ++k)
        (void)fixnet::train_batch<L>(n, std::span<const typename Net::input_type>(xs), std::span<const typename Net::output_type>(ts), opt, st);
    return n;
}

template <class Net, class L>
constexpr typename Net::value_type mean_loss(const Net& n) {
    using T = typename Net::value_type;
    return (fixnet::loss<L>(n, {T(0.5), T(-0.3)}, {T(1), T(0)}) + fixnet::loss<L>(n, {T(-0.8), T(0.9)}, {T(0), T(1)})) / T(2);
}

template <class Net, class L, class Opt>
constexpr bool learns(const Opt& opt) {
    Net n{};
    fixnet::initialize(n, 3);
    return mean_loss<Net, L>(trained_at<Net, L>(opt)) < mean_loss<Net, L>(n);
}

constexpr fixnet::adam<double> cx_adam{.learning_rate = 0.05};
constexpr fixnet::adam<double> cx_adam_decay{.learning_rate = 0.05, .weight_decay = 0.01};
constexpr fixnet::rprop<double> cx_rprop{};
constexpr fixnet::sgd<double> cx_momentum{.learning_rate = 0.2, .momentum = 0.9};
constexpr fixnet::sgd<double> cx_nesterov{.learning_rate = 0.2, .momentum = 0.9, .nesterov = true, .weight_decay = 0.01};

static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam));
static_assert(learns<cx_softmax_net<fixnet::simd_backend>, fixnet::cross_entropy>(cx_rprop));
static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::mean_squared_error>(cx_rprop));
static_assert(learns<cx_softmax_net<fixnet::simd_backend>, fixnet::half_squared_error>(cx_momentum));
static_assert(learns<cx_softmax_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_nesterov));
static_assert(learns<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay));
static_assert(learns<cx_sigmoid_net<fixnet::simd_backend>, fixnet::mean_squared_error>(cx_momentum));

// fit at compile time: full-batch Rprop with cross-entropy, and the callback stops it.
constexpr auto cx_fit = [] {
    using Net = cx_softmax_net<fixnet::scalar_backend>;
    Net n{};
    fixnet::initialize(n, 3);
    std::array<Net::input_type, 2> const xs{{{0.5, -0.3}, {-0.8, 0.9}}};
    std::array<Net::output_type, 2> const ts{{{1, 0}, {0, 1}}};
    fixnet::optimizer_state<Net, fixnet::rprop<double>> st{};
    double first = 0;
    auto const r = fixnet::fit<fixnet::cross_entropy>(n, std::span<const Net::input_type>(xs), std::span<const Net::output_type>(ts),
                                                      cx_rprop, st, {.epochs = 20, .batch_size = 0},
                                                      [&](std::size_t e, double l) {
                                                          if (e == 1) first = l;
                                                          return e < 8;
                                                      });
    return std::array<double, 3>{static_cast<double>(r.epochs), first, r.loss};
}();
static_assert(cx_fit[0] == 8 && cx_fit[2] < cx_fit[1]);

constexpr auto cx_trained = trained_at<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam);
constexpr auto cx_trained_sigmoid = trained_at<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay);

}  // namespace

TEST_CASE("constant evaluation: train_batch at compile time equals run time within the constexpr exp/log's rounding") {
    // Compile time uses fixnet's constexpr exp and log (within an ulp or so of std's): after five
    // Adam steps the parameters, of order 1, agree within a few hundred eps.
    auto const rt = trained_at<cx_softmax_net<fixnet::scalar_backend>, fixnet::cross_entropy>(cx_adam);
    check_within("double, cross_entropy, adam", flat(rt), flat(cx_trained),
                 vec(rt.parameter_count, 256 * std::numeric_limits<double>::epsilon()));
    auto const rs = trained_at<cx_sigmoid_net<fixnet::scalar_backend>, fixnet::binary_cross_entropy>(cx_adam_decay);
    check_within("float, binary_cross_entropy, adam with weight decay", flat(rs), flat(cx_trained_sigmoid),
                 vec(rs.parameter_count, 256 * std::numeric_limits<float>::epsilon()));
    auto const simd = trained_at<cx_softmax_net<fixnet::simd_backend>, fixnet::cross_entropy>(cx_adam);
    check_within("simd_backend at run time", flat(simd), flat(cx_trained), vec(rt.parameter_count, 256 * std::numeric_limits<double>::epsilon()));
    cx_softmax_net<fixnet::scalar_backend> start{};
    fixnet::initialize(start, 3);
    CHECK(flat(rt) != flat(start));
}

}  // namespace test_training_fit
