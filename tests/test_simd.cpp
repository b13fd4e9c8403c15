// The SIMD backend against the scalar one (and both against a long-double reference): every dense
// kernel with the widths {1, 3, 5, 9, 17, 33, 100} as input and as output widths, whole networks
// In-H-Out, the vector sigmoid against the exact logistic, the sigmoid at extreme inputs, and caller
// arrays of odd width that must never be touched past their end.
//
// Bound: for a dense layer with In inputs, each pre-activation z_o = b_o + sum_i w(o, i) x_i satisfies
//     |z_simd - z_scalar| <= k * eps * (|b_o| + sum_i |w(o, i)| |x_i|),   k = In + 2,
// eps = std::numeric_limits<T>::epsilon(). Why In + 2: each backend's sum of In + 1 terms (bias and In
// products, in any order, with or without FMA) is within gamma(In + 1) = (In + 1) u / (1 - (In + 1) u)
// times that magnitude of the exact value (Higham, Accuracy and Stability of Numerical Algorithms,
// section 3.1; u = eps / 2), so the two differ by at most 2 gamma(In + 1) <= (In + 2) eps while
// (In + 1)(In + 2) eps <= 2, i.e. for In up to 4094 in float. The activations then differ by at most
// a quarter of that (sigmoid is 1/4-Lipschitz) plus 8 eps |a| for the two exp implementations (each
// within 3 ulps and two roundings; measured here: xsimd 8.1's exp 1.5 ulp in float, 0.9 in double,
// glibc's 0.5). The same argument gives the other kernels' constants (below). The bound is not
// relative to the result, so cancellation in z is allowed for, and it stays small enough to catch a
// 1 % error in a single weight (tested). Whole networks are checked with the same rules carried
// through the layers (reference_mlp.hpp's error_bounds): sigmoid is 1/4-Lipschitz, and each later
// sum and product adds the error of its inputs times its weights.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#include "reference_mlp.hpp"

namespace test_simd {

using namespace fixnet_test;

namespace {

namespace sk = fixnet::kernels::scalar;
namespace vk = fixnet::kernels::simd;

constexpr std::array<std::size_t, 7> widths{1, 3, 5, 9, 17, 33, 100};

constexpr real eps_ref = std::numeric_limits<real>::epsilon();

// ---- single layers, kernel by kernel ------------------------------------------------------------

/// One layer's parameters and inputs, widened; weights in the library's input-major layout.
struct dense_case {
    std::size_t in = 0, out = 0;
    real eps = 0, tiny = 0, rate = 0;
    vec w, b, x, delta, g0w, g0b;
};

/// What one backend's kernels made of a dense_case.
struct dense_run {
    vec z, a, a_without_z, back, gw, gb, step_w, step_b, step_w_fixed, step_b_fixed, update_w, update_b;
    vec fused_back, fused_w, fused_b;  // dense_backward_sgd_step
};

/// Runs every dense kernel of one backend once. Outputs are plain std::array locals of the layer's
/// own (mostly odd) widths, and the inputs are the caller's: under AddressSanitizer (the sanitize
/// preset) any read or write past their end is a stack-buffer-overflow.
template <bool Simd, class T, std::size_t In, std::size_t Out>
dense_run run_dense(const fixnet::dense_layer<T, In, Out, fixnet::sigmoid>& layer, const std::array<T, In>& x,
                    const std::array<T, Out>& delta, const fixnet::dense_layer<T, In, Out, fixnet::sigmoid>& g0, T rate) {
    std::array<T, Out> z{}, a{}, a_without_z{};
    std::array<T, In> back{}, fused_back{};
    auto g = g0;
    auto fused = layer;
    auto stepped = layer;
    auto stepped_fixed = layer;
    std::array<T, In * Out> update_w = layer.weights;
    std::array<T, Out> update_b = layer.biases;
    if constexpr (Simd && fixnet::detail::simd_has_lanes<T>) {  // 32-bit NEON has no double lanes
        vk::dense_forward(layer, x, a, &z);
        vk::dense_forward(layer, x, a_without_z);
        vk::dense_backward_input(layer, delta, back);
        vk::dense_accumulate_gradient(g, x, delta);
        vk::dense_sgd_step(stepped, x, delta, rate, true);
        vk::dense_sgd_step(stepped_fixed, x, delta, rate, false);
        vk::sgd_update(update_w, g0.weights, rate);
        vk::sgd_update(update_b, g0.biases, rate);
        vk::dense_backward_sgd_step(fused, x, delta, rate, true, fused_back);
    } else {
        sk::dense_forward(layer, x, a, &z);
        sk::dense_forward(layer, x, a_without_z);
        sk::dense_backward_input(layer, delta, back);
        sk::dense_accumulate_gradient(g, x, delta);
        sk::dense_sgd_step(stepped, x, delta, rate, true);
        sk::dense_sgd_step(stepped_fixed, x, delta, rate, false);
        sk::sgd_update(update_w, g0.weights, rate);
        sk::sgd_update(update_b, g0.biases, rate);
        sk::dense_backward_sgd_step(fused, x, delta, rate, true, fused_back);
    }
    dense_run r;
    r.z = widen(z);
    r.a = widen(a);
    r.a_without_z = widen(a_without_z);
    r.back = widen(back);
    r.gw = widen(g.weights);
    r.gb = widen(g.biases);
    r.step_w = widen(stepped.weights);
    r.step_b = widen(stepped.biases);
    r.step_w_fixed = widen(stepped_fixed.weights);
    r.step_b_fixed = widen(stepped_fixed.biases);
    r.update_w = widen(update_w);
    r.update_b = widen(update_b);
    r.fused_back = widen(fused_back);
    r.fused_w = widen(fused.weights);
    r.fused_b = widen(fused.biases);
    return r;
}

/// The bound between two computations of one kernel: k * eps * mag (+ rel * eps * |want| + 2 tiny).
vec pair_bound(const vec& want, const vec& mag, real k, real eps, real rel = 0, real tiny = 0) {
    vec b;
    for (std::size_t j = 0; j < want.size(); ++j) b.push_back(k * eps * mag[j] + rel * eps * std::fabs(want[j]) + 2 * tiny);
    return b;
}

/// Scalar and SIMD within pair_bound of each other, and each within half of it (its own share, with
/// the reference's share in long double) of the reference `want`.
void check_pair(const char* what, const vec& s, const vec& v, const vec& want, const vec& mag, real k, real eps,
                real rel = 0, real tiny = 0) {
    vec single;
    for (std::size_t j = 0; j < want.size(); ++j)
        single.push_back(k / 2 * (eps + eps_ref) * mag[j] + rel / 2 * (eps + eps_ref) * std::fabs(want[j]) + tiny);
    INFO(doctest::String(what));
    check_within("simd vs scalar", v, s, pair_bound(want, mag, k, eps, rel, tiny));
    check_within("scalar vs reference", s, want, single);
    check_within("simd vs reference", v, want, single);
}

/// The reference of every kernel and the magnitudes its bound scales with; checks both backends.
void check_dense(const dense_case& c, const dense_run& s, const dense_run& v) {
    INFO("dense layer " << c.in << " -> " << c.out << ", eps " << static_cast<double>(c.eps));
    auto w = [&](std::size_t o, std::size_t i) { return c.w[i * c.out + o]; };
    vec z(c.out), a(c.out), z_mag(c.out), a_mag(c.out);
    for (std::size_t o = 0; o < c.out; ++o) {
        z[o] = c.b[o];
        z_mag[o] = std::fabs(c.b[o]);
        for (std::size_t i = 0; i < c.in; ++i) {
            z[o] += w(o, i) * c.x[i];
            z_mag[o] += std::fabs(w(o, i) * c.x[i]);
        }
        a[o] = logistic(z[o]);
        a_mag[o] = z_mag[o] / 4;
    }
    real const k_z = static_cast<real>(c.in + 2);
    check_pair("pre-activations z", s.z, v.z, z, z_mag, k_z, c.eps);
    check_pair("activations a", s.a, v.a, a, a_mag, k_z, c.eps, 8, c.tiny);
    // With and without z, the forward kernel computes the same numbers, up to rounding: not always
    // bit for bit, since g++ (-ffp-contract=fast, its default in GNU mode) may fuse a multiply-add
    // into an FMA in one inlined copy of the scalar kernel and not in another.
    auto const a_bound = pair_bound(a, a_mag, k_z, c.eps, 8, c.tiny);
    check_within("scalar activations without z", s.a_without_z, s.a, a_bound);
    check_within("simd activations without z", v.a_without_z, v.a, a_bound);

    // back[i] = sum_o w(o, i) delta[o]: Out terms, k = Out + 1 (2 gamma(Out) / eps).
    vec back(c.in), back_mag(c.in);
    for (std::size_t i = 0; i < c.in; ++i)
        for (std::size_t o = 0; o < c.out; ++o) {
            back[i] += w(o, i) * c.delta[o];
            back_mag[i] += std::fabs(w(o, i) * c.delta[o]);
        }
    check_pair("backward input", s.back, v.back, back, back_mag, static_cast<real>(c.out + 1), c.eps);
    check_pair("fused step: backward input", s.fused_back, v.fused_back, back, back_mag, static_cast<real>(c.out + 1), c.eps);

    // g + x delta: two roundings per backend (one with FMA), k = 3 >= 2 gamma(2) / eps;
    // g + delta: one rounding, k = 2. sgd step w - rate x delta: three roundings, k = 4; bias: k = 3.
    // sgd_update p - rate g: k = 3.
    vec gw, gw_mag, sw, sw_mag, uw, uw_mag;
    for (std::size_t i = 0; i < c.in; ++i)
        for (std::size_t o = 0; o < c.out; ++o) {
            std::size_t const j = i * c.out + o;
            gw.push_back(c.g0w[j] + c.x[i] * c.delta[o]);
            gw_mag.push_back(std::fabs(c.g0w[j]) + std::fabs(c.x[i] * c.delta[o]));
            sw.push_back(c.w[j] - c.rate * c.x[i] * c.delta[o]);
            sw_mag.push_back(std::fabs(c.w[j]) + std::fabs(c.rate * c.x[i] * c.delta[o]));
            uw.push_back(c.w[j] - c.rate * c.g0w[j]);
            uw_mag.push_back(std::fabs(c.w[j]) + std::fabs(c.rate * c.g0w[j]));
        }
    vec gb, gb_mag, sb, sb_mag, ub, ub_mag;
    for (std::size_t o = 0; o < c.out; ++o) {
        gb.push_back(c.g0b[o] + c.delta[o]);
        gb_mag.push_back(std::fabs(c.g0b[o]) + std::fabs(c.delta[o]));
        sb.push_back(c.b[o] - c.rate * c.delta[o]);
        sb_mag.push_back(std::fabs(c.b[o]) + std::fabs(c.rate * c.delta[o]));
        ub.push_back(c.b[o] - c.rate * c.g0b[o]);
        ub_mag.push_back(std::fabs(c.b[o]) + std::fabs(c.rate * c.g0b[o]));
    }
    check_pair("accumulated weight gradient", s.gw, v.gw, gw, gw_mag, 3, c.eps);
    check_pair("accumulated bias gradient", s.gb, v.gb, gb, gb_mag, 2, c.eps);
    check_pair("sgd step weights", s.step_w, v.step_w, sw, sw_mag, 4, c.eps);
    check_pair("sgd step biases", s.step_b, v.step_b, sb, sb_mag, 3, c.eps);
    check_pair("fused step: weights", s.fused_w, v.fused_w, sw, sw_mag, 4, c.eps);
    check_pair("fused step: biases", s.fused_b, v.fused_b, sb, sb_mag, 3, c.eps);
    check_pair("sgd_update weights", s.update_w, v.update_w, uw, uw_mag, 3, c.eps);
    check_pair("sgd_update biases", s.update_b, v.update_b, ub, ub_mag, 3, c.eps);
    // learn_biases = false leaves every bias exactly as it was and changes the weights as before.
    CHECK(s.step_b_fixed == c.b);
    CHECK(v.step_b_fixed == c.b);
    check_within("scalar sgd step weights, fixed biases", s.step_w_fixed, s.step_w, pair_bound(sw, sw_mag, 4, c.eps));
    check_within("simd sgd step weights, fixed biases", v.step_w_fixed, v.step_w, pair_bound(sw, sw_mag, 4, c.eps));
}

template <class T, std::size_t In, std::size_t Out>
struct dense_data {
    fixnet::dense_layer<T, In, Out, fixnet::sigmoid> layer{}, g0{};
    std::array<T, In> x{};
    std::array<T, Out> delta{};
    T rate = T(0.375);

    explicit dense_data(std::uint64_t seed) {
        fixnet::random_engine rng{seed};
        // Weights of either sign, so that sums cancel: the bound must allow for that.
        layer.weights = random_array<T, In * Out>(rng, -1, 1);
        layer.biases = random_array<T, Out>(rng, -1, 1);
        g0.weights = random_array<T, In * Out>(rng, -1, 1);
        g0.biases = random_array<T, Out>(rng, -1, 1);
        x = random_array<T, In>(rng, -1, 1);
        delta = random_array<T, Out>(rng, -0.25, 0.25);
    }

    [[nodiscard]] dense_case widened() const {
        dense_case c;
        c.in = In;
        c.out = Out;
        c.eps = std::numeric_limits<T>::epsilon();
        c.tiny = std::numeric_limits<T>::min();
        c.rate = rate;
        c.w = widen(layer.weights);
        c.b = widen(layer.biases);
        c.x = widen(x);
        c.delta = widen(delta);
        c.g0w = widen(g0.weights);
        c.g0b = widen(g0.biases);
        return c;
    }
};

template <class T, std::size_t In, std::size_t Out>
void check_dense_kernels() {
    dense_data<T, In, Out> const d{In * 1000 + Out};
    // Plain locals of the odd widths for the inputs too (see run_dense).
    std::array<T, In> x = d.x;
    std::array<T, Out> delta = d.delta;
    auto const s = run_dense<false>(d.layer, x, delta, d.g0, d.rate);
    auto const v = run_dense<true>(d.layer, x, delta, d.g0, d.rate);
    check_dense(d.widened(), s, v);
}

/// (In, Out) pairs w[i] -> w[i + 3] (indices mod 7): every width of the list once as the input and
/// once as the output width, so that every width meets 2, 4, 8 and 16 lanes as a lone tail, as whole
/// batches plus a tail, or as whole batches only, on both sides of the layer; with `Square`, also
/// w[i] -> w[i]: every width twice each way (at a third of the compile time of all 49 pairs).
template <bool Square>
constexpr auto kernel_pairs = [] {
    constexpr std::size_t n = widths.size();
    std::array<std::pair<std::size_t, std::size_t>, Square ? 2 * n : n> p{};
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = {widths[i], widths[(i + 3) % n]};
        if (Square) p[n + i] = {widths[i], widths[i]};
    }
    return p;
}();

template <class T, bool Square, std::size_t... P>
void check_all_dense_kernels(std::index_sequence<P...>) {
    (check_dense_kernels<T, kernel_pairs<Square>[P].first, kernel_pairs<Square>[P].second>(), ...);
}

/// Layers whose rows are whole batches (Out a multiple of the lane count of 2, 4, 8 or 16 lanes),
/// where the fused backward step sums several rows at once: groups of rows plus leftover rows
/// (19 = 2 x 8 + 3, 33 = 2 x 16 + 1), fewer rows than one group (3 -> 16), and rows of one batch
/// (16 -> 4, 19 -> 8) or several (8 -> 64). Outputs narrower than a batch (Out a power of two)
/// are the forward's packed rows, several rows to a batch, which ones by lane count: with AVX-512
/// floats all five below and 16 -> 4 pack (16 -> 8 two rows to a batch; 12 -> 4 and 40 -> 2 end in
/// a part chunk of inputs; 32 -> 1 folds all 16 lanes); with SSE or NEON, 8 -> 2, 40 -> 2, 32 -> 1.
template <class T>
void check_whole_row_kernels() {
    check_dense_kernels<T, 19, 8>();
    check_dense_kernels<T, 3, 16>();
    check_dense_kernels<T, 33, 32>();
    check_dense_kernels<T, 16, 4>();
    check_dense_kernels<T, 8, 64>();
    check_dense_kernels<T, 16, 8>();
    check_dense_kernels<T, 8, 2>();
    check_dense_kernels<T, 12, 4>();
    check_dense_kernels<T, 40, 2>();
    check_dense_kernels<T, 32, 1>();
    // Rows wider than one register block wherever T has lanes (8 to 40 batches): dense_forward_rows.
    check_dense_kernels<T, 9, 160>();
}

// ---- whole networks -----------------------------------------------------------------------------

/// What one backend made of a network and one sample: forward, loss, backprop, train_step (with and
/// without learning biases) and apply_gradient of its own gradient, all from the same parameters.
struct network_run {
    vec out, grad, stepped, stepped_fixed, applied;
    real loss = 0, e_backprop = 0, e_step = 0;
};

template <class Net>
network_run run_network(const Net& net, const typename Net::input_type& x, const typename Net::output_type& t,
                        typename Net::value_type rate) {
    using T = typename Net::value_type;
    network_run r;
    r.out = widen(net.forward(x));
    r.loss = fixnet::loss(net, x, t);
    typename Net::gradient_type g{};
    r.e_backprop = fixnet::backprop(net, x, t, g);
    r.grad = flat(g);
    auto stepped = net;
    r.e_step = fixnet::train_step(stepped, x, t, fixnet::sgd<T>{.learning_rate = rate});
    r.stepped = flat(stepped);
    auto stepped_fixed = net;
    fixnet::train_step(stepped_fixed, x, t, fixnet::sgd<T>{.learning_rate = rate, .learn_biases = false});
    r.stepped_fixed = flat(stepped_fixed);
    auto applied = net;
    fixnet::apply_gradient(applied, g, fixnet::sgd<T>{.learning_rate = rate});
    r.applied = flat(applied);
    return r;
}

/// Both backends against each other (the sum of two bounds of this type) and each against the
/// long-double reference (this type's bound plus the reference's).
void check_networks(const ref_net& ref, const vec& x, const vec& t, const rounding& m, real rate, const network_run& s,
                    const network_run& v) {
    auto const pass = ref_backprop(ref, x, t);
    auto const grad = ref_gradient(ref, pass);
    auto const mine = error_bounds(ref, pass, t, m, rate, true);
    auto const mine_fixed = error_bounds(ref, pass, t, m, rate, false);
    auto const theirs = error_bounds(ref, pass, t, reference_rounding, rate, true);
    auto const theirs_fixed = error_bounds(ref, pass, t, reference_rounding, rate, false);
    struct quantity {
        const char* what;
        vec network_run::*member;
        vec want, single, pair;
    };
    quantity const vectors[] = {
        {"forward output", &network_run::out, pass.a.back(), mine.a.back() + theirs.a.back(), mine.a.back() + mine.a.back()},
        {"backprop gradient", &network_run::grad, grad, mine.grad + theirs.grad, mine.grad + mine.grad},
        {"train_step parameters", &network_run::stepped, ref_updated(ref, grad, rate, true), mine.updated + theirs.updated,
         mine.updated + mine.updated},
        {"train_step parameters (fixed biases)", &network_run::stepped_fixed, ref_updated(ref, grad, rate, false),
         mine_fixed.updated + theirs_fixed.updated, mine_fixed.updated + mine_fixed.updated},
        {"apply_gradient parameters", &network_run::applied, ref_updated(ref, grad, rate, true),
         mine.updated + theirs.updated, mine.updated + mine.updated},
    };
    for (auto const& q : vectors) {
        INFO(doctest::String(q.what));
        check_within("simd vs scalar", v.*q.member, s.*q.member, q.pair);
        check_within("scalar vs reference", s.*q.member, q.want, q.single);
        check_within("simd vs reference", v.*q.member, q.want, q.single);
    }
    for (real network_run::*e : {&network_run::loss, &network_run::e_backprop, &network_run::e_step}) {
        check_within("E: simd vs scalar", v.*e, s.*e, 2 * mine.e);
        check_within("E: scalar vs reference", s.*e, pass.e, mine.e + theirs.e);
        check_within("E: simd vs reference", v.*e, pass.e, mine.e + theirs.e);
    }
    check_meaningful("gradient", grad, mine.grad + mine.grad);
}

template <class T, std::size_t In, std::size_t H, std::size_t Out>
void check_network(std::uint64_t seed) {
    using scalar_net = fixnet::basic_mlp<fixnet::scalar_backend, T, fixnet::sigmoid, In, H, Out>;
    using simd_net = fixnet::basic_mlp<fixnet::simd_backend, T, fixnet::sigmoid, In, H, Out>;
    INFO("network " << In << "-" << H << "-" << Out << ", seed " << seed);
    scalar_net ns{};
    seeded_network(ns, seed);
    auto const nv = cast_network<simd_net>(ns);
    fixnet::random_engine rng{seed ^ 0xabcdef};
    auto const x = random_array<T, In>(rng, -1, 1);
    auto const t = random_array<T, Out>(rng, 0.05, 0.95);
    T const rate = T(0.5);
    auto const s = run_network(ns, x, t, rate);
    auto const v = run_network(nv, x, t, rate);
    check_networks(to_ref(ns), widen(x), widen(t), rounding_of<T>(), rate, s, v);
}

void check_all_networks_float() {
    // Each width of the list once as input, once as hidden and once as output width.
    check_network<float, 1, 100, 3>(11);
    check_network<float, 3, 1, 17>(12);
    check_network<float, 5, 33, 1>(13);
    check_network<float, 9, 3, 100>(14);
    check_network<float, 17, 9, 5>(15);
    check_network<float, 33, 17, 9>(16);
    check_network<float, 100, 5, 33>(17);
    check_network<float, 5, 19, 8>(18);  // output rows of whole batches (one pass with AVX2 or AVX-512)
    check_network<float, 4, 33, 32>(19);
    check_network<float, 8, 16, 8>(20);   // the benchmark's 8-16-8: output rows packed with AVX-512
    check_network<float, 12, 32, 2>(10);  // output rows packed 2 to 8 to a batch, by lane count
}

void check_all_networks_double() {
    // Every width of the list somewhere (the kernel tests cover each in and out in double too).
    check_network<double, 1, 100, 3>(21);
    check_network<double, 33, 17, 9>(22);
    check_network<double, 100, 5, 33>(23);
    check_network<double, 5, 19, 8>(24);
}

}  // namespace

TEST_CASE("simd: every dense kernel agrees with the scalar one, widths 1 to 100 twice in and twice out (float)") {
    MESSAGE("simd_backend computes with " << doctest::String(fixnet::simd_arch_name()));
    check_all_dense_kernels<float, true>(std::make_index_sequence<kernel_pairs<true>.size()>{});
}

TEST_CASE("simd: every dense kernel agrees with the scalar one, widths 1 to 100 in and out (double)") {
    check_all_dense_kernels<double, false>(std::make_index_sequence<kernel_pairs<false>.size()>{});
}

TEST_CASE("simd: the dense kernels agree on layers whose rows are whole batches (float and double)") {
    check_whole_row_kernels<float>();
    check_whole_row_kernels<double>();
}

TEST_CASE("simd: the kernel bound catches a 1 % error in one weight") {
    dense_data<float, 100, 33> d{4242};
    d.x[99] = 1.0f;
    d.layer.weight(32, 99) = 0.75f;
    auto const s = run_dense<false>(d.layer, d.x, d.delta, d.g0, d.rate);
    auto wrong = d.layer;
    wrong.weight(32, 99) *= 1.01f;  // the last neuron, in the scalar tail of every lane count
    auto const v = run_dense<true>(wrong, d.x, d.delta, d.g0, d.rate);
    auto const c = d.widened();
    vec tol;
    for (std::size_t o = 0; o < 33; ++o) {
        real mag = std::fabs(c.b[o]);
        for (std::size_t i = 0; i < 100; ++i) mag += std::fabs(c.w[i * 33 + o] * c.x[i]);
        tol.push_back(102 * c.eps * mag);
    }
    vec right = s.z;
    CHECK(bound_used(v.z, s.z, tol) > 1);
    right[32] = v.z[32];
    CHECK(bound_used(v.z, right, tol) <= 1);  // and only that neuron is off
}

TEST_CASE("simd: whole networks agree with the scalar backend (float)") { check_all_networks_float(); }

TEST_CASE("simd: whole networks agree with the scalar backend (double)") { check_all_networks_double(); }

namespace {

/// One sigmoid layer, 1 -> 17, weight(o, 0) = +1 for even o and -1 for odd o, no bias: output o is
/// sigmoid(+-z) for input z, with both signs in every batch and a scalar tail in every lane count.
template <class Net>
void check_extreme_sigmoid() {
    using T = typename Net::value_type;
    Net net{};
    for (std::size_t o = 0; o < 17; ++o) net.template layer<0>().weight(o, 0) = o % 2 == 0 ? T(1) : T(-1);
    for (double z : {1000.0, 88.8, 1e30}) {
        CAPTURE(z);
        auto const out = net.forward({static_cast<T>(z)});
        for (std::size_t o = 0; o < 17; ++o) {
            CAPTURE(o);
            CHECK(std::isfinite(out[o]));
            CHECK(out[o] >= T(0));
            CHECK(out[o] <= T(1));
            if (o % 2 == 0) {
                CHECK(out[o] == T(1));  // 1 - e^-z rounds to 1 for z >= 88.8 in float and double
            } else if (sizeof(T) == 8 && z < 100) {
                CHECK(out[o] == doctest::Approx(std::exp(-z)).epsilon(1e-12));  // 2.7e-39, a normal double
            } else {
                CHECK(out[o] <= T(3e-39));  // underflows (to 0 or close to it) where e^z overflows
            }
        }
    }
}

}  // namespace

#if FIXNET_HAS_SIMD
namespace {

/// The vector sigmoid of every batch type T's widest batch at `points` values of z evenly spread
/// over [lo, hi] (the whole range where the result is neither exactly 0 nor exactly 1, and past
/// it), against the long-double logistic: returns the worst error in units of eps * result (where
/// the result is a normal number) and checks each error within 4 eps * result + 2 * the smallest
/// normal (results below it may flush to 0 where e^-z overflows).
template <class T>
double vector_sigmoid_worst_ulps(double lo, double hi, std::size_t points) {
    if constexpr (!fixnet::detail::simd_has_lanes<T>) {
        return 0;  // 32-bit NEON has no double lanes: double computes with the scalar kernels there
    } else {
        using B = xsimd::batch<T>;
        constexpr std::size_t N = B::size;
        real const eps = std::numeric_limits<T>::epsilon(), tiny = std::numeric_limits<T>::min();
        double worst = 0;
        std::size_t bad = 0;
        for (std::size_t k = 0; k < points; k += N) {
            alignas(64) std::array<T, N> z{}, y{};
            for (std::size_t j = 0; j < N; ++j) z[j] = static_cast<T>(lo + (hi - lo) * static_cast<double>(k + j) / static_cast<double>(points));
            fixnet::kernels::simd::activate<fixnet::sigmoid>(B::load_aligned(z.data())).store_aligned(y.data());
            for (std::size_t j = 0; j < N; ++j) {
                real const want = logistic(static_cast<real>(z[j]));
                real const err = std::fabs(static_cast<real>(y[j]) - want);
                if (!(err <= 4 * eps * want + 2 * tiny)) ++bad;
                if (want >= tiny) worst = std::max(worst, static_cast<double>(err / (eps * want)));
            }
        }
        CHECK(bad == 0);
        return worst;
    }
}

}  // namespace

TEST_CASE("simd: the vector sigmoid is within 4 ulp of the exact logistic over its whole range") {
    double const f = vector_sigmoid_worst_ulps<float>(-105, 90, 400000);
    double const d = vector_sigmoid_worst_ulps<double>(-746, 711, 400000);
    MESSAGE("worst vector sigmoid error, in eps * result: float " << f << ", double " << d);
    CHECK(f <= 4);
    CHECK(d <= 4);
}
#endif

TEST_CASE_TEMPLATE("simd: sigmoid stays finite and in [0, 1] at z = +-88.8, +-1000 and +-1e30", Net,
                   fixnet::basic_mlp<fixnet::scalar_backend, float, fixnet::sigmoid, 1, 17>,
                   fixnet::basic_mlp<fixnet::simd_backend, float, fixnet::sigmoid, 1, 17>,
                   fixnet::basic_mlp<fixnet::scalar_backend, double, fixnet::sigmoid, 1, 17>,
                   fixnet::basic_mlp<fixnet::simd_backend, double, fixnet::sigmoid, 1, 17>) {
    check_extreme_sigmoid<Net>();
}

namespace {

/// An array with NaN-filled neighbours in the same object: a write past either end replaces a NaN,
/// and a read past the end that reached a result would make it NaN. This works in every build;
/// the plain std::array locals above are what AddressSanitizer watches in the sanitize build.
template <class T, std::size_t N>
struct guarded {
    static constexpr T nan = std::numeric_limits<T>::quiet_NaN();
    std::array<T, 16> before{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
    std::array<T, N> data{};
    std::array<T, 16> after{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};

    [[nodiscard]] bool intact() const {
        for (T v : before) if (!std::isnan(v)) return false;
        for (T v : after) if (!std::isnan(v)) return false;
        return true;
    }
};

template <class T, std::size_t N>
bool all_finite(const std::array<T, N>& a) {
    for (T v : a) if (!std::isfinite(v)) return false;
    return true;
}

/// |a[k] - b[k]| <= tol for every k (false for NaN).
template <class T, std::size_t N>
bool close(const std::array<T, N>& a, const std::array<T, N>& b, T tol) {
    for (std::size_t k = 0; k < N; ++k) if (!(std::fabs(a[k] - b[k]) <= tol)) return false;
    return true;
}

/// Every dense kernel of backend B on one In -> Out layer, with every caller array guarded: outputs
/// must be finite, leave the guards alone, and match those written into plain arrays. The same
/// kernel on the same numbers may still round differently at another call site (see check_dense),
/// so "match" is (In + Out + 2)^2 eps: dense_data's values are at most 1 in magnitude (delta 1/4,
/// rate 3/8), so every sum of magnitudes in the kernel bounds is at most In + Out + 1.
template <class B, class T, std::size_t In, std::size_t Out>
void check_odd_widths() {
    INFO(doctest::String(B::name) << " kernels, " << In << " -> " << Out << (sizeof(T) == 4 ? ", float" : ", double"));
    dense_data<T, In, Out> const d{In * 7 + Out};
    guarded<T, In> x, back;
    guarded<T, Out> delta, a, z;
    x.data = d.x;
    delta.data = d.delta;
    std::array<T, Out> a_plain{}, z_plain{};
    std::array<T, In> back_plain{};
    auto g = d.g0, g_plain = d.g0;
    auto step = d.layer, step_plain = d.layer;
    if constexpr (B::uses_simd && fixnet::detail::simd_has_lanes<T>) {  // 32-bit NEON has no double lanes
        vk::dense_forward(d.layer, x.data, a.data, &z.data);
        vk::dense_backward_input(d.layer, delta.data, back.data);
        vk::dense_accumulate_gradient(g, x.data, delta.data);
        vk::dense_sgd_step(step, x.data, delta.data, d.rate, true);
        vk::dense_forward(d.layer, d.x, a_plain, &z_plain);
        vk::dense_backward_input(d.layer, d.delta, back_plain);
        vk::dense_accumulate_gradient(g_plain, d.x, d.delta);
        vk::dense_sgd_step(step_plain, d.x, d.delta, d.rate, true);
    } else {
        sk::dense_forward(d.layer, x.data, a.data, &z.data);
        sk::dense_backward_input(d.layer, delta.data, back.data);
        sk::dense_accumulate_gradient(g, x.data, delta.data);
        sk::dense_sgd_step(step, x.data, delta.data, d.rate, true);
        sk::dense_forward(d.layer, d.x, a_plain, &z_plain);
        sk::dense_backward_input(d.layer, d.delta, back_plain);
        sk::dense_accumulate_gradient(g_plain, d.x, d.delta);
        sk::dense_sgd_step(step_plain, d.x, d.delta, d.rate, true);
    }
    T const tol = T((In + Out + 2) * (In + Out + 2)) * std::numeric_limits<T>::epsilon();
    CHECK(all_finite(a.data));
    CHECK(all_finite(z.data));
    CHECK(all_finite(back.data));
    CHECK(all_finite(g.weights));
    CHECK(all_finite(step.weights));
    CHECK(close(a.data, a_plain, tol));
    CHECK(close(z.data, z_plain, tol));
    CHECK(close(back.data, back_plain, tol));
    CHECK(close(g.weights, g_plain.weights, tol));
    CHECK(close(g.biases, g_plain.biases, tol));
    CHECK(close(step.weights, step_plain.weights, tol));
    CHECK(close(step.biases, step_plain.biases, tol));
    CHECK(x.intact());
    CHECK(delta.intact());
    CHECK(a.intact());
    CHECK(z.intact());
    CHECK(back.intact());
}

template <class B, class T>
void check_all_odd_widths() {
    check_odd_widths<B, T, 3, 5>();    // a tail only, or one batch and a tail
    check_odd_widths<B, T, 33, 17>();  // whole batches and a tail of one, in and out
}

}  // namespace

// Under AddressSanitizer (the sanitize preset) the plain std::array locals of the kernel and network
// tests above prove the same for reads and writes alike; the guards prove it for writes in every build.
TEST_CASE("simd: caller arrays of odd width are never read or written past their end") {
    check_all_odd_widths<fixnet::simd_backend, float>();
    check_all_odd_widths<fixnet::simd_backend, double>();
    check_all_odd_widths<fixnet::scalar_backend, float>();
    check_all_odd_widths<fixnet::scalar_backend, double>();
}

}  // namespace test_simd
