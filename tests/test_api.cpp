// The public contract's shapes, types and guarantees: shape members, type identities, backends,
// value-initialisation, storage size, initialize() against generated reference values, and a
// 784-128-10 network on both backends.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "generated/init_reference.hpp"
#include "reference_mlp.hpp"

namespace test_api {

using namespace fixnet_test;
namespace ref = fixnet_test::init_reference;
using fixnet::dense;
using fixnet::sigmoid;

namespace {

// ---- shape members and types --------------------------------------------------------------------

/// Everything the contract says about one network type's shape, checked at compile time.
template <class Net, class T, class B, std::size_t In, std::size_t Out, std::size_t Layers, std::size_t Params>
constexpr bool shape_is() {
    using G = typename Net::gradient_type;
    static_assert(std::is_same_v<typename Net::value_type, T>);
    static_assert(std::is_same_v<typename Net::backend_type, B>);
    static_assert(std::is_same_v<decltype(Net::input_size), const std::size_t>);
    static_assert(Net::input_size == In && Net::output_size == Out);
    static_assert(Net::layer_count == Layers && Net::parameter_count == Params);
    static_assert(std::is_same_v<typename Net::input_type, std::array<T, In>>);
    static_assert(std::is_same_v<typename Net::output_type, std::array<T, Out>>);
    // The gradient has the network's shape, layer types and accessors.
    static_assert(std::is_same_v<typename G::value_type, T>);
    static_assert(G::input_size == In && G::output_size == Out && G::layer_count == Layers && G::parameter_count == Params);
    static_assert(sizeof(G) == Params * sizeof(T));
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        static_assert((std::is_same_v<typename G::template layer_type<L>, typename Net::template layer_type<L>> && ...));
        static_assert((std::is_same_v<decltype(std::declval<G&>().template layer<L>()), typename Net::template layer_type<L>&> && ...));
        // Layers chain: each one's input width is the previous one's output width.
        static_assert(((L == 0 ? Net::template layer_type<L>::input_size == In
                               : Net::template layer_type<L>::input_size == Net::template layer_type<L - (L > 0)>::output_size) &&
                       ...));
    }(std::make_index_sequence<Layers>{});
    static_assert(Net::template layer_type<Layers - 1>::output_size == Out);
    // Accessors: T& on a mutable network, const T& on a const one.
    static_assert(std::is_same_v<decltype(std::declval<Net&>().template layer<0>().weight(0, 0)), T&>);
    static_assert(std::is_same_v<decltype(std::declval<const Net&>().template layer<0>().weight(0, 0)), const T&>);
    static_assert(std::is_same_v<decltype(std::declval<Net&>().template layer<0>().bias(0)), T&>);
    static_assert(std::is_same_v<decltype(std::declval<const Net&>().template layer<0>().bias(0)), const T&>);
    // Every operation of the contract is noexcept, with the documented return types.
    using I = typename Net::input_type;
    using O = typename Net::output_type;
    static_assert(std::is_same_v<decltype(std::declval<const Net&>().forward(std::declval<const I&>())), O>);
    static_assert(noexcept(std::declval<const Net&>().forward(std::declval<const I&>())));
    static_assert(std::is_same_v<decltype(fixnet::loss(std::declval<const Net&>(), std::declval<const I&>(), std::declval<const O&>())), T>);
    static_assert(noexcept(fixnet::loss(std::declval<const Net&>(), std::declval<const I&>(), std::declval<const O&>())));
    static_assert(std::is_same_v<decltype(fixnet::backprop(std::declval<const Net&>(), std::declval<const I&>(), std::declval<const O&>(), std::declval<G&>())), T>);
    static_assert(noexcept(fixnet::backprop(std::declval<const Net&>(), std::declval<const I&>(), std::declval<const O&>(), std::declval<G&>())));
    static_assert(std::is_same_v<decltype(fixnet::train_step(std::declval<Net&>(), std::declval<const I&>(), std::declval<const O&>(), fixnet::sgd<T>{})), T>);
    static_assert(noexcept(fixnet::train_step(std::declval<Net&>(), std::declval<const I&>(), std::declval<const O&>(), fixnet::sgd<T>{})));
    static_assert(noexcept(fixnet::apply_gradient(std::declval<Net&>(), std::declval<const G&>(), fixnet::sgd<T>{})));
    static_assert(noexcept(fixnet::initialize(std::declval<Net&>(), std::uint64_t{1})));
    // The network holds its parameters and nothing else but padding up to its alignment: that of a
    // SIMD batch on simd_backend (where xsimd has an architecture), that of T on scalar_backend.
    constexpr std::size_t align = fixnet::detail::parameter_alignment<B, T>;
    static_assert(alignof(Net) == align);
    static_assert(align == alignof(T) || (B::uses_simd && FIXNET_HAS_SIMD && align >= 16));
    static_assert(sizeof(Net) == (Params * sizeof(T) + align - 1) / align * align);
    return true;
}

using doc_net = fixnet::network<double, 2, dense<2, sigmoid>, dense<2, sigmoid>>;
static_assert(shape_is<doc_net, double, fixnet::default_backend, 2, 2, 2, 12>());
static_assert(shape_is<fixnet::basic_mlp<fixnet::scalar_backend, float, sigmoid, 3, 5, 7, 2>, float, fixnet::scalar_backend,
                       3, 2, 3, 3 * 5 + 5 + 5 * 7 + 7 + 7 * 2 + 2>());
static_assert(shape_is<fixnet::basic_mlp<fixnet::simd_backend, double, sigmoid, 1, 17, 3>, double, fixnet::simd_backend, 1, 3,
                       2, 17 + 17 + 17 * 3 + 3>());
static_assert(shape_is<fixnet::basic_mlp<fixnet::simd_backend, float, sigmoid, 33, 17, 5>, float, fixnet::simd_backend, 33,
                       5, 2, 33 * 17 + 17 + 17 * 5 + 5>());
static_assert(shape_is<fixnet::basic_mlp<fixnet::scalar_backend, double, sigmoid, 5, 3, 2, 1>, double, fixnet::scalar_backend,
                       5, 1, 3, 15 + 3 + 6 + 2 + 2 + 1>());
static_assert(shape_is<fixnet::mlp<float, sigmoid, 784, 128, 10>, float, fixnet::default_backend, 784, 10, 2, 101770>());
static_assert(sizeof(fixnet::basic_mlp<fixnet::scalar_backend, float, sigmoid, 784, 128, 10>) == 407080);

// ---- type identities ----------------------------------------------------------------------------

template <class T, class A>
constexpr bool same_types() {
    static_assert(std::is_same_v<fixnet::mlp<T, A, 2, 2, 2>, fixnet::network<T, 2, dense<2, A>, dense<2, A>>>);
    static_assert(std::is_same_v<fixnet::mlp<T, A, 3, 5, 1>, fixnet::network<T, 3, dense<5, A>, dense<1, A>>>);
    static_assert(std::is_same_v<fixnet::network<T, 2, dense<2, A>>, fixnet::basic_network<fixnet::default_backend, T, 2, dense<2, A>>>);
    static_assert(std::is_same_v<fixnet::mlp<T, A, 2, 2, 2>, fixnet::basic_mlp<fixnet::default_backend, T, A, 2, 2, 2>>);
    static_assert(std::is_same_v<fixnet::basic_mlp<fixnet::scalar_backend, T, A, 2, 2, 2>,
                                 fixnet::basic_network<fixnet::scalar_backend, T, 2, dense<2, A>, dense<2, A>>>);
    static_assert(std::is_same_v<fixnet::basic_mlp<fixnet::simd_backend, T, A, 4, 3, 2, 1>,
                                 fixnet::basic_network<fixnet::simd_backend, T, 4, dense<3, A>, dense<2, A>, dense<1, A>>>);
    // Backends are part of the type, so both exist in one program.
    static_assert(!std::is_same_v<fixnet::basic_mlp<fixnet::scalar_backend, T, A, 2, 2, 2>,
                                  fixnet::basic_mlp<fixnet::simd_backend, T, A, 2, 2, 2>>);
    // ... but not of the gradient's: a gradient is only a shape.
    static_assert(std::is_same_v<typename fixnet::basic_mlp<fixnet::scalar_backend, T, A, 2, 2, 2>::gradient_type,
                                 typename fixnet::basic_mlp<fixnet::simd_backend, T, A, 2, 2, 2>::gradient_type>);
    return true;
}
static_assert(same_types<double, sigmoid>());
static_assert(same_types<float, sigmoid>());

// ---- backends -----------------------------------------------------------------------------------

static_assert(std::is_same_v<fixnet::default_backend, fixnet::simd_backend> == (FIXNET_HAS_SIMD != 0));
static_assert(std::is_same_v<fixnet::default_backend, fixnet::scalar_backend> == (FIXNET_HAS_SIMD == 0));
static_assert(fixnet::simd_backend::uses_simd == (FIXNET_HAS_SIMD != 0));
static_assert(!fixnet::scalar_backend::uses_simd);
static_assert(fixnet::Backend<fixnet::scalar_backend> && fixnet::Backend<fixnet::simd_backend> && !fixnet::Backend<int>);
static_assert(fixnet::Network<doc_net> && fixnet::Network<const doc_net&> && !fixnet::Network<doc_net::gradient_type>);

// ---- value-initialisation -----------------------------------------------------------------------

/// Builds a Net by value-initialisation (`Net{}` and `Net()`) in storage first filled with 0xA5 bytes,
/// so that a zero can only come from the initialisation itself.
template <class Net>
void check_value_initialised(unsigned char* storage) {
    INFO(Net::input_size << " -> " << Net::output_size << ", " << Net::layer_count << " layers");
    for (int form = 0; form < 2; ++form) {
        std::memset(storage, 0xA5, sizeof(Net));
        Net* net = form == 0 ? ::new (static_cast<void*>(storage)) Net{} : ::new (static_cast<void*>(storage)) Net();
        std::size_t nonzero = 0, count = 0;
        for (auto* p : parameter_pointers(*net)) {
            ++count;
            nonzero += *p != 0 ? 1 : 0;
        }
        CHECK(count == Net::parameter_count);
        CHECK(nonzero == 0);
        net->~Net();
    }
}

template <class Net>
void check_value_initialised() {
    alignas(Net) unsigned char storage[sizeof(Net)];
    check_value_initialised<Net>(storage);
}

}  // namespace

TEST_CASE("api: value-initialisation zeroes every weight and bias of a network and of its gradient") {
    check_value_initialised<doc_net>();
    check_value_initialised<doc_net::gradient_type>();
    check_value_initialised<fixnet::basic_mlp<fixnet::scalar_backend, float, sigmoid, 3, 5, 7, 2>>();
    check_value_initialised<fixnet::basic_mlp<fixnet::simd_backend, double, sigmoid, 33, 17, 5>>();
    using big = fixnet::mlp<float, sigmoid, 784, 128, 10>;
    alignas(big) static unsigned char storage[sizeof(big)];  // 400 KB: not on the stack
    check_value_initialised<big>(storage);
    check_value_initialised<big::gradient_type>(storage);
    // The constant expression agrees.
    static_assert(doc_net{}.layer<0>().weight(1, 1) == 0.0 && doc_net{}.layer<1>().bias(1) == 0.0);
}

TEST_CASE("api: simd_arch_name names the architecture simd_backend computes with") {
    std::string_view const name = fixnet::simd_arch_name();
    MESSAGE("simd_arch_name() = " << doctest::String(name.data()));
    CHECK(!name.empty());
    CHECK((name == "none (scalar)") == (FIXNET_HAS_SIMD == 0));
}

// ---- initialize against the generated reference -------------------------------------------------

namespace {

/// Layer l's parameters equal the reference's exactly (w in weight(o, i) order, o outer).
template <class Layer, std::size_t NW, std::size_t NB>
constexpr bool layer_equals(const Layer& l, const std::array<typename Layer::value_type, NW>& w,
                            const std::array<typename Layer::value_type, NB>& b) {
    static_assert(NW == Layer::weight_count && NB == Layer::output_size);
    for (std::size_t o = 0; o < Layer::output_size; ++o) {
        for (std::size_t i = 0; i < Layer::input_size; ++i)
            if (l.weight(o, i) != w[o * Layer::input_size + i]) return false;
        if (l.bias(o) != b[o]) return false;
    }
    return true;
}

template <class Layer, std::size_t NW, std::size_t NB>
void check_layer(std::size_t index, const Layer& l, const std::array<typename Layer::value_type, NW>& w,
                 const std::array<typename Layer::value_type, NB>& b) {
    CAPTURE(index);
    for (std::size_t o = 0; o < Layer::output_size; ++o) {
        CAPTURE(o);
        for (std::size_t i = 0; i < Layer::input_size; ++i) {
            CAPTURE(i);
            CHECK(l.weight(o, i) == w[o * Layer::input_size + i]);
        }
        CHECK(l.bias(o) == b[o]);
    }
}

template <class Net>
constexpr Net initialized(std::uint64_t seed) {
    Net net{};
    fixnet::initialize(net, seed);
    return net;
}

template <class B>
using net_d342 = fixnet::basic_mlp<B, double, sigmoid, 3, 4, 2>;
template <class B>
using net_f231 = fixnet::basic_mlp<B, float, sigmoid, 2, 3, 1>;
template <class B>
using net_d5321 = fixnet::basic_mlp<B, double, sigmoid, 5, 3, 2, 1>;

namespace r342 = ref::mlp_double_3_4_2;
namespace r231 = ref::mlp_float_2_3_1;
namespace r5321 = ref::mlp_double_5_3_2_1;

template <class Net>
constexpr bool matches_342(const Net& n) {
    return layer_equals(n.template layer<0>(), r342::weights_0, r342::biases_0) &&
           layer_equals(n.template layer<1>(), r342::weights_1, r342::biases_1);
}
template <class Net>
constexpr bool matches_231(const Net& n) {
    return layer_equals(n.template layer<0>(), r231::weights_0, r231::biases_0) &&
           layer_equals(n.template layer<1>(), r231::weights_1, r231::biases_1);
}
template <class Net>
constexpr bool matches_5321(const Net& n) {
    return layer_equals(n.template layer<0>(), r5321::weights_0, r5321::biases_0) &&
           layer_equals(n.template layer<1>(), r5321::weights_1, r5321::biases_1) &&
           layer_equals(n.template layer<2>(), r5321::weights_2, r5321::biases_2);
}

// At compile time, bit for bit (initialize is constexpr, and so is its square root).
static_assert(matches_342(initialized<net_d342<fixnet::scalar_backend>>(r342::seed)));
static_assert(matches_231(initialized<net_f231<fixnet::simd_backend>>(r231::seed)));
static_assert(matches_5321(initialized<net_d5321<fixnet::scalar_backend>>(r5321::seed)));
// A different seed gives different numbers.
static_assert(!matches_342(initialized<net_d342<fixnet::scalar_backend>>(r342::seed + 1)));

constexpr bool engine_matches(std::uint64_t seed, const std::array<std::uint64_t, 4>& want) {
    fixnet::random_engine rng{seed};
    for (auto w : want)
        if (rng() != w) return false;
    return true;
}
static_assert(engine_matches(0, ref::engine_seed_0));
static_assert(engine_matches(42, ref::engine_seed_42));

}  // namespace

TEST_CASE_TEMPLATE("api: initialize gives the generated reference values exactly, at run time", B, fixnet::scalar_backend,
                   fixnet::simd_backend) {
    CHECK(engine_matches(0, ref::engine_seed_0));
    CHECK(engine_matches(42, ref::engine_seed_42));

    net_d342<B> a{};
    fixnet::initialize(a, r342::seed);
    check_layer(0, a.template layer<0>(), r342::weights_0, r342::biases_0);
    check_layer(1, a.template layer<1>(), r342::weights_1, r342::biases_1);

    net_f231<B> b{};
    fixnet::initialize(b, r231::seed);
    check_layer(0, b.template layer<0>(), r231::weights_0, r231::biases_0);
    check_layer(1, b.template layer<1>(), r231::weights_1, r231::biases_1);

    net_d5321<B> c{};
    for (auto* p : parameter_pointers(c)) *p = 1.0;  // initialize overwrites everything, biases included
    fixnet::initialize(c, r5321::seed);
    check_layer(0, c.template layer<0>(), r5321::weights_0, r5321::biases_0);
    check_layer(1, c.template layer<1>(), r5321::weights_1, r5321::biases_1);
    check_layer(2, c.template layer<2>(), r5321::weights_2, r5321::biases_2);

    // Reinitialising with the same seed gives the same network again; another seed another one.
    auto again = a;
    fixnet::initialize(again, r342::seed);
    CHECK(again == a);
    fixnet::initialize(again, r342::seed + 1);
    CHECK_FALSE(again == a);
}

// ---- a 784-128-10 network -----------------------------------------------------------------------

TEST_CASE("api: a 784-128-10 float network initialises and forwards on both backends") {
    using scalar_net = fixnet::basic_mlp<fixnet::scalar_backend, float, sigmoid, 784, 128, 10>;
    using simd_net = fixnet::basic_mlp<fixnet::simd_backend, float, sigmoid, 784, 128, 10>;
    static scalar_net ns{};  // 400 KB each: static storage, not the stack
    static simd_net nv{};
    fixnet::initialize(ns, 2024);
    fixnet::initialize(nv, 2024);
    CHECK(ns.layers == nv.layers);  // initialisation does not depend on the backend

    // Glorot-uniform: every weight inside +-sqrt(6 / (In + Out)), spread over most of that range; biases zero.
    auto check_glorot = [](const auto& l, double limit) {
        auto const [lo, hi] = std::minmax_element(l.weights.begin(), l.weights.end());
        CHECK(*lo >= -limit);
        CHECK(*hi <= limit);
        CHECK(*lo < -0.99 * limit);
        CHECK(*hi > 0.99 * limit);
        CHECK(std::all_of(l.biases.begin(), l.biases.end(), [](float b) { return b == 0.0f; }));
    };
    check_glorot(ns.layer<0>(), std::sqrt(6.0 / (784 + 128)));
    check_glorot(ns.layer<1>(), std::sqrt(6.0 / (128 + 10)));

    fixnet::random_engine rng{31337};
    auto const x = random_array<float, 784>(rng, 0, 1);  // like pixel intensities
    auto const out_s = ns.forward(x);
    auto const out_v = nv.forward(x);
    for (std::size_t o = 0; o < 10; ++o) {
        CAPTURE(o);
        CHECK(std::isfinite(out_s[o]));
        CHECK(out_s[o] > 0.0f);
        CHECK(out_s[o] < 1.0f);
        CHECK(std::isfinite(out_v[o]));
        CHECK(out_v[o] > 0.0f);
        CHECK(out_v[o] < 1.0f);
    }
    // Within the scalar/SIMD bound of test_simd.cpp (k = In + 2 per pre-activation, carried through
    // both layers), and each within its own share of a long-double reference.
    auto const net_ref = to_ref(ns);
    vec const t(10, 0.5L);
    auto const pass = ref_backprop(net_ref, widen(x), t);
    auto const mine = error_bounds(net_ref, pass, t, rounding_of<float>(), 0, true);
    auto const theirs = error_bounds(net_ref, pass, t, reference_rounding, 0, true);
    check_within("simd vs scalar", widen(out_v), widen(out_s), mine.a.back() + mine.a.back());
    check_within("scalar vs reference", widen(out_s), pass.a.back(), mine.a.back() + theirs.a.back());
    check_within("simd vs reference", widen(out_v), pass.a.back(), mine.a.back() + theirs.a.back());
    // The outputs are not all alike (a network that ignored its input would give 0.5 everywhere).
    auto const [lo, hi] = std::minmax_element(out_s.begin(), out_s.end());
    CHECK(*hi - *lo > 0.01f);
}

// The README's fit example ("Activations, losses and optimizers"), as written there, on a data set it
// can learn: three clusters in 4-D, one per class. It must run, call back once per epoch, and learn.
TEST_CASE("api: the README's fit example runs as written and learns three clusters") {
    using net_t = fixnet::network<float, 4, fixnet::dense<8, fixnet::relu>, fixnet::dense<3, fixnet::softmax>>;
    std::vector<net_t::input_type> inputs;
    std::vector<net_t::output_type> targets;
    fixnet::random_engine rng{3};
    for (int k = 0; k < 96; ++k) {
        int const c = k % 3;
        net_t::input_type x{};
        for (std::size_t i = 0; i < 4; ++i) x[i] = float(i == std::size_t(c) ? 2 : 0) + float(rng.uniform01() - 0.5);
        net_t::output_type t{};
        t[std::size_t(c)] = 1;
        inputs.push_back(x);
        targets.push_back(t);
    }
    std::size_t calls = 0;
    auto printf = [&](const char*, std::size_t, double) { ++calls; };  // stands in for std::printf
    // --- as in the README ---
    net_t net{};
    fixnet::initialize(net, 1);
    fixnet::adam<float> opt{.learning_rate = 0.01f};
    static fixnet::optimizer_state<net_t, fixnet::adam<float>> state{};  // m, v and a gradient: 3 networks' worth
    auto r = fixnet::fit<fixnet::cross_entropy>(net, inputs, targets, opt, state,  // std::vector<net_t::input_type> ...
                                                {.epochs = 200, .batch_size = 16, .seed = 7},
                                                [&](std::size_t epoch, float loss) { printf("%zu %g\n", epoch, loss); });
    // ---
    CHECK(r.code == fixnet::status::ok);
    CHECK(r.epochs == 200);
    CHECK(calls == 200);
    CHECK(r.loss < 0.05f);
    std::size_t right = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        auto const y = net.forward(inputs[k]);
        right += std::size_t(std::max_element(y.begin(), y.end()) - y.begin()) == k % 3;
    }
    CHECK(right == inputs.size());
}

// ---- NaN and infinite values in training (fixnet::checked, the default, and fixnet::unchecked) ----

namespace {
using nf_net = fixnet::network<float, 2, fixnet::dense<3, fixnet::tanh>, fixnet::dense<1, fixnet::sigmoid>>;
constexpr float nf_nan = std::numeric_limits<float>::quiet_NaN();
constexpr float nf_inf = std::numeric_limits<float>::infinity();

bool same_bits(const nf_net& a, const nf_net& b) { return std::memcmp(&a.layers, &b.layers, sizeof(a.layers)) == 0; }
bool all_parameters_finite(const nf_net& n) {
    bool ok = true;
    fixnet::detail::for_each_parameter_array(n, [&](const auto& p, bool) {
        for (float const v : p) ok = ok && std::isfinite(v);
    });
    return ok;
}
}  // namespace

TEST_CASE("api: train_step refuses a NaN or infinite input or target and leaves every parameter as it was") {
    nf_net net{};
    fixnet::initialize(net, 3);
    nf_net const before = net;
    fixnet::sgd<float> const opt{.learning_rate = 0.5f};
    CHECK(std::isnan(fixnet::train_step(net, {nf_nan, 0.5f}, {1.0f}, opt)));
    CHECK(std::isnan(fixnet::train_step(net, {nf_inf, 0.5f}, {1.0f}, opt)));  // sigmoid(tanh(inf)) is finite: caught up front
    CHECK(std::isnan(fixnet::train_step(net, {0.5f, 0.5f}, {-nf_inf}, opt)));
    CHECK(std::isnan(fixnet::train_step(net, {0.5f, 0.5f}, {nf_nan}, opt)));
    CHECK(same_bits(net, before));
    // A finite sample trains as before, and its loss is finite.
    CHECK(std::isfinite(fixnet::train_step(net, {0.5f, 0.5f}, {1.0f}, opt)));
    CHECK_FALSE(same_bits(net, before));
    // unchecked: no test at all, so the NaN reaches the parameters (what the check prevents).
    nf_net raw = before;
    (void)fixnet::train_step<fixnet::half_squared_error, fixnet::unchecked>(raw, {nf_nan, 0.5f}, {1.0f}, opt);
    CHECK_FALSE(all_parameters_finite(raw));
}

namespace {
/// detail::all_finite on an array of 37 values (whole vector batches and a tail) holding finite
/// extremes (largest, smallest subnormal, signed zeros), then one non-finite value (NaN of either
/// sign, an infinity of either sign) at each position in turn.
template <class T>
void check_all_finite_at_every_position() {
    using lim = std::numeric_limits<T>;
    std::array<T, 37> a{};
    for (std::size_t i = 0; i < a.size(); ++i) {
        T const finite_values[] = {lim::max(), -lim::max(), lim::denorm_min(), T(-0.0), T(1), lim::min()};
        a[i] = finite_values[i % 6];
    }
    CHECK(fixnet::detail::all_finite(a));
    for (T const bad : {lim::quiet_NaN(), -lim::quiet_NaN(), lim::infinity(), -lim::infinity()}) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::array<T, 37> b = a;
            b[i] = bad;
            CHECK_FALSE(fixnet::detail::all_finite(b));
        }
    }
}
constexpr std::array<float, 3> finite_three{1.0f, -3e38f, 1e-45f};
constexpr std::array<double, 2> infinite_two{1.0, -std::numeric_limits<double>::infinity()};
static_assert(fixnet::detail::all_finite(finite_three) && !fixnet::detail::all_finite(infinite_two));
}  // namespace

TEST_CASE("api: the finite check flags a NaN or an infinity at any position, and nothing else") {
    check_all_finite_at_every_position<float>();
    check_all_finite_at_every_position<double>();
}

TEST_CASE("api: train_step refuses a sample whose loss is not finite (an overflowing output)") {
    using lin_t = fixnet::network<float, 1, fixnet::dense<1, fixnet::identity>>;
    lin_t net{};
    net.layer<0>().weight(0, 0) = 3e38f;
    lin_t const before = net;
    float const e = fixnet::train_step(net, {2.0f}, {0.0f}, fixnet::sgd<float>{.learning_rate = 0.1f});  // out = 6e38 = inf
    CHECK(std::isinf(e));
    CHECK(std::memcmp(&net.layers, &before.layers, sizeof(net.layers)) == 0);
}

TEST_CASE("api: train_batch and train_step with a state refuse a batch with a non-finite sample; state untouched") {
    nf_net net{};
    fixnet::initialize(net, 5);
    nf_net const before = net;
    fixnet::adam<float> const opt{.learning_rate = 0.01f};
    fixnet::optimizer_state<nf_net, fixnet::adam<float>> st{};
    std::vector<nf_net::input_type> in{{0, 0}, {0, 1}, {1, nf_nan}, {1, 1}};
    std::vector<nf_net::output_type> t{{0}, {1}, {1}, {0}};
    auto const r = fixnet::train_batch<fixnet::binary_cross_entropy>(net, in, t, opt, st);
    CHECK(r.code == fixnet::status::non_finite_value);
    CHECK(same_bits(net, before));
    CHECK(st.steps == 0);
    bool moments_zero = true;
    fixnet::detail::for_each_parameter_array(st.m, [&](const auto& p, bool) {
        for (float const v : p) moments_zero = moments_zero && v == 0.0f;
    });
    CHECK(moments_zero);
    // An infinite target, through the stateful train_step.
    CHECK(std::isnan(fixnet::train_step<fixnet::binary_cross_entropy>(net, {1.0f, 0.0f}, {nf_inf}, opt, st)));
    CHECK(same_bits(net, before));
    CHECK(st.steps == 0);
    // The same batch without the NaN trains.
    in[2] = {1, 0};
    CHECK(fixnet::train_batch<fixnet::binary_cross_entropy>(net, in, t, opt, st).code == fixnet::status::ok);
    CHECK(st.steps == 1);
    CHECK_FALSE(same_bits(net, before));
}

TEST_CASE("api: fit stops at a mini-batch with a NaN sample, keeping the updates of the batches before it") {
    nf_net net{};
    fixnet::initialize(net, 8);
    nf_net expected = net;
    fixnet::sgd<float> const opt{.learning_rate = 0.1f, .momentum = 0.9f};
    std::vector<nf_net::input_type> in{{0, 0}, {0, 1}, {1, 0}, {1, nf_inf}, {1, 1}};
    std::vector<nf_net::output_type> t{{0}, {1}, {1}, {0}, {0}};
    fixnet::optimizer_state<nf_net, fixnet::sgd<float>> st{}, st_expected{};
    std::size_t calls = 0;
    auto const r = fixnet::fit(net, in, t, opt, st, {.epochs = 5, .batch_size = 1, .shuffle = false},
                               [&](std::size_t, float) { ++calls; });
    CHECK(r.code == fixnet::status::non_finite_value);
    CHECK(r.epochs == 1);
    CHECK(calls == 0);  // the first epoch never finished
    for (std::size_t k = 0; k < 3; ++k)  // the three good samples before the bad one, one step each
        REQUIRE(fixnet::train_batch(expected, std::span(in).subspan(k, 1), std::span(t).subspan(k, 1), opt, st_expected).code ==
                fixnet::status::ok);
    CHECK(same_bits(net, expected));
}

// The README's save/load/write_cpp snippet ("Saving, loading and compiling weights in"), as written there.
TEST_CASE("api: the README's save, load and write_cpp snippet runs as written") {
    using net_t = nf_net;
    net_t net{};
    fixnet::initialize(net, 12);
    net_t const trained = net;
    // --- as in the README ---
    std::array<std::byte, fixnet::serialized_size<net_t>> file;   // or a std::vector, a flash page ...
    fixnet::save(net, file);                                       // same bytes on every host
    fixnet::status s = fixnet::load(net, file);                    // ok, truncated, bad_magic, shape_mismatch,
                                                                   // checksum_mismatch, non_finite_value, ...
    std::string text;
    fixnet::write_cpp(net, "xor_net", [&](std::string_view part) { text += part; });   // a header to compile in
    // ---
    CHECK(s == fixnet::status::ok);
    CHECK(same_bits(net, trained));
    // fixnet::network's backend: simd_backend, or scalar_backend where xsimd is off (the scalar preset).
    CHECK(text.find(std::string("inline constexpr fixnet::basic_network<fixnet::") + fixnet::default_backend::name +
                    "_backend, float, 2, fixnet::dense<3, fixnet::tanh>, fixnet::dense<1, fixnet::sigmoid>> xor_net = [] {") !=
          std::string::npos);
    file[20] ^= std::byte{1};
    CHECK(fixnet::load(net, file) != fixnet::status::ok);
    CHECK(same_bits(net, trained));
}

}  // namespace test_api
