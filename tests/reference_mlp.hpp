// A long-double reference of fixnet's sigmoid networks (runtime sizes, plain loops) and a running
// bound on how far a float or double computation of the same network may stray from it: the
// yardstick of the gradient, scalar/SIMD and API tests. Runtime code on purpose: one copy serves
// every network shape, so the test files stay cheap to compile.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <fixnet/fixnet.hpp>

// g++ 12 at -O3 (any -march) drops the rounding of a double -> float -> double round trip when it
// sees both conversions at once (its SLP vectorizer keeps the unrounded double; -O2,
// -fno-tree-slp-vectorize and clang++ round correctly). Test data are drawn in double and stored as
// float, then widened for the reference: every widening below is therefore a function that is never
// inlined, so that it reads the floats actually stored.
#define FIXNET_TEST_OPAQUE [[gnu::noinline]]

namespace fixnet_test {

using real = long double;  // 64-bit significand on x86-64; wherever it is only double, its own bound below still holds
using vec = std::vector<real>;

// ---- the reference network --------------------------------------------------------------------

struct ref_layer {
    std::size_t in = 0;
    std::size_t out = 0;
    vec w;  // w[o * in + i] is weight(o, i)
    vec b;
    [[nodiscard]] real weight(std::size_t o, std::size_t i) const { return w[o * in + i]; }
};
using ref_net = std::vector<ref_layer>;

/// Any network or gradient (anything with layer<L>().weight(o, i) / .bias(o)), widened exactly.
template <class Layers>
FIXNET_TEST_OPAQUE ref_net to_ref(const Layers& n) {
    ref_net r;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&](const auto& l) {
                using layer_t = std::remove_cvref_t<decltype(l)>;
                ref_layer rl{layer_t::input_size, layer_t::output_size, vec(layer_t::weight_count), vec(layer_t::output_size)};
                for (std::size_t o = 0; o < layer_t::output_size; ++o) {
                    for (std::size_t i = 0; i < layer_t::input_size; ++i) rl.w[o * rl.in + i] = l.weight(o, i);
                    rl.b[o] = l.bias(o);
                }
                r.push_back(std::move(rl));
            }(n.template layer<L>()),
            ...);
    }(std::make_index_sequence<Layers::layer_count>{});
    return r;
}

/// Every parameter in one order: layer by layer, weight(o, i) with o outer and i inner, then the biases.
inline vec flatten(const ref_net& n) {
    vec v;
    for (auto const& l : n) {
        v.insert(v.end(), l.w.begin(), l.w.end());
        v.insert(v.end(), l.b.begin(), l.b.end());
    }
    return v;
}

template <class Layers>
vec flat(const Layers& n) {
    return flatten(to_ref(n));
}

/// Pointers to every parameter of a network or gradient, in flatten()'s order.
template <class Layers>
std::vector<typename Layers::value_type*> parameter_pointers(Layers& n) {
    std::vector<typename Layers::value_type*> p;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&](auto& l) {
                using layer_t = std::remove_cvref_t<decltype(l)>;
                for (std::size_t o = 0; o < layer_t::output_size; ++o)
                    for (std::size_t i = 0; i < layer_t::input_size; ++i) p.push_back(&l.weight(o, i));
                for (std::size_t o = 0; o < layer_t::output_size; ++o) p.push_back(&l.bias(o));
            }(n.template layer<L>()),
            ...);
    }(std::make_index_sequence<Layers::layer_count>{});
    return p;
}

template <class T, std::size_t N>
FIXNET_TEST_OPAQUE vec widen(const std::array<T, N>& a) {
    return vec(a.begin(), a.end());
}

/// The same values in another element type: static_cast of each.
template <class To, class From, std::size_t N>
FIXNET_TEST_OPAQUE std::array<To, N> cast_array(const std::array<From, N>& a) {
    std::array<To, N> r{};
    for (std::size_t k = 0; k < N; ++k) r[k] = static_cast<To>(a[k]);
    return r;
}

/// The same network in another element type (or backend): every parameter converted by static_cast.
template <class To, class From>
FIXNET_TEST_OPAQUE To cast_network(const From& from) {
    To to{};
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&](auto& t, const auto& f) {
                for (std::size_t k = 0; k < f.weights.size(); ++k) t.weights[k] = static_cast<typename To::value_type>(f.weights[k]);
                for (std::size_t k = 0; k < f.biases.size(); ++k) t.biases[k] = static_cast<typename To::value_type>(f.biases[k]);
            }(to.template layer<L>(), from.template layer<L>()),
            ...);
    }(std::make_index_sequence<From::layer_count>{});
    return to;
}

// ---- seeded test data ---------------------------------------------------------------------------

/// Uniform in [lo, hi) from fixnet's own engine (so the data are the same on every platform).
inline double uniform(fixnet::random_engine& rng, double lo, double hi) {
    return lo + (hi - lo) * rng.uniform01();
}

template <class T, std::size_t N>
std::array<T, N> random_array(fixnet::random_engine& rng, double lo, double hi) {
    std::array<T, N> a{};
    for (auto& v : a) v = static_cast<T>(uniform(rng, lo, hi));
    return a;
}

/// fixnet::initialize(net, seed), then biases drawn from U(-0.5, 0.5) so that they matter too.
template <class Net>
void seeded_network(Net& net, std::uint64_t seed) {
    using T = typename Net::value_type;
    fixnet::initialize(net, seed);
    fixnet::random_engine rng{~seed};
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((std::generate(net.template layer<L>().biases.begin(), net.template layer<L>().biases.end(),
                        [&] { return static_cast<T>(uniform(rng, -0.5, 0.5)); })),
         ...);
    }(std::make_index_sequence<Net::layer_count>{});
}

// ---- the reference computation ------------------------------------------------------------------

inline real logistic(real z) { return 1 / (1 + std::exp(-z)); }

/// Everything one sample's forward and backward pass computes, in long double.
struct ref_pass {
    std::vector<vec> a;     // a[0] is the input, a[l + 1] the output of layer l
    std::vector<vec> z;     // pre-activations of layer l
    std::vector<vec> d;     // d[l] = dE/dz of layer l
    std::vector<vec> back;  // back[l] (l >= 1) = sum_o w(o, i) d[l][o]: the error sent to layer l's inputs
    real e = 0;             // E_total = sum 1/2 (t - out)^2
};

inline ref_pass ref_backprop(const ref_net& n, const vec& x, const vec& t) {
    ref_pass p;
    p.a.push_back(x);
    for (auto const& l : n) {
        vec z(l.out), a(l.out);
        for (std::size_t o = 0; o < l.out; ++o) {
            real s = l.b[o];
            for (std::size_t i = 0; i < l.in; ++i) s += l.weight(o, i) * p.a.back()[i];
            z[o] = s;
            a[o] = logistic(s);
        }
        p.z.push_back(z);
        p.a.push_back(a);
    }
    std::size_t const last = n.size() - 1;
    p.d.resize(n.size());
    p.back.resize(n.size());
    auto const& y = p.a.back();
    for (std::size_t o = 0; o < y.size(); ++o) {
        p.e += (t[o] - y[o]) * (t[o] - y[o]) / 2;
        p.d[last].push_back((y[o] - t[o]) * y[o] * (1 - y[o]));
    }
    for (std::size_t l = last; l > 0; --l) {
        auto const& ly = n[l];
        for (std::size_t i = 0; i < ly.in; ++i) {
            real s = 0;
            for (std::size_t o = 0; o < ly.out; ++o) s += ly.weight(o, i) * p.d[l][o];
            p.back[l].push_back(s);
            real const h = p.a[l][i];
            p.d[l - 1].push_back(s * h * (1 - h));
        }
    }
    return p;
}

/// dE/dparam in flatten()'s order.
inline vec ref_gradient(const ref_net& n, const ref_pass& p) {
    vec g;
    for (std::size_t l = 0; l < n.size(); ++l) {
        for (std::size_t o = 0; o < n[l].out; ++o)
            for (std::size_t i = 0; i < n[l].in; ++i) g.push_back(p.a[l][i] * p.d[l][o]);
        g.insert(g.end(), p.d[l].begin(), p.d[l].end());
    }
    return g;
}

/// Parameters after one SGD step with gradient g (flat): p - rate g; biases kept unless learn_biases.
inline vec ref_updated(const ref_net& n, const vec& g, real rate, bool learn_biases) {
    vec p = flatten(n);
    std::size_t k = 0;
    for (auto const& l : n) {
        for (std::size_t j = 0; j < l.w.size(); ++j, ++k) p[k] -= rate * g[k];
        for (std::size_t j = 0; j < l.b.size(); ++j, ++k)
            if (learn_biases) p[k] -= rate * g[k];
    }
    return p;
}

// ---- the error bound ----------------------------------------------------------------------------
//
// A running forward error analysis (Higham, "Accuracy and Stability of Numerical Algorithms", ch. 3)
// of fixnet's computation in a type with unit roundoff u, evaluated along the reference values:
//  - a pre-activation z = b + sum_i w_i x_i over In inputs (any summation order, with or without
//    FMA) is within gamma_n(In + 1) * (|b| + sum_i |w_i||x_i|) of the exact one, gamma_n(n) = n u / (1 - n u),
//    plus sum_i |w_i| * (the error already in x_i);
//  - sigmoid is 1/4-Lipschitz, so an error e in z moves the output by at most e / 4; computing the
//    output itself adds a relative error `act` (the exp's error plus two roundings);
//  - every product, difference and sum that follows (output delta (y - t) y (1 - y), back-propagated
//    error sum_o w d, the derivative y (1 - y), gradient x d, update p - rate g) adds its own
//    perturbation terms, first and second order, and gamma_n(number of roundings) of its magnitude.
// Two computations (scalar and SIMD, or float and the reference) differ by at most the sum of
// their bounds.

/// How one implementation rounds.
struct rounding {
    real u;     ///< unit roundoff of the type (eps / 2)
    real act;   ///< bound on the relative error of one computed sigmoid value
    real tiny;  ///< absolute floor where a result underflows (the type's smallest normal)
};

/// fixnet's computation in T: exp within 3 ulps (measured on this host: xsimd 8.1's exp 1.5 ulp in
/// float and 0.9 ulp in double on SSE2, AVX2 and AVX-512, glibc's 0.5 ulp; one ulp is at most 2u of
/// the value) and two roundings (1 + e, then 1 / that): act = 6u + 2u.
template <class T>
constexpr rounding rounding_of() {
    real const u = static_cast<real>(std::numeric_limits<T>::epsilon()) / 2;
    return {u, 8 * u, static_cast<real>(std::numeric_limits<T>::min())};
}

/// The reference itself (std::exp on long double within a few ulps).
inline constexpr rounding reference_rounding = rounding_of<real>();

inline real gamma_n(real u, std::size_t n) {
    real const nu = static_cast<real>(n) * u;
    return nu / (1 - nu);
}

/// Absolute error bounds of one computation, in the shapes of ref_pass and flatten().
struct ref_bounds {
    std::vector<vec> a;  // of each layer's input/output, a[0] = 0 (inputs are exact)
    std::vector<vec> z;  // of each layer's pre-activations
    std::vector<vec> d;  // of each layer's delta
    real e = 0;          // of E_total
    vec grad;            // of one sample's gradient (backprop into a zeroed gradient)
    vec updated;         // of the parameters after one SGD step with that gradient (train_step or apply_gradient)
};

inline ref_bounds error_bounds(const ref_net& n, const ref_pass& p, const vec& t, const rounding& m, real rate,
                               bool learn_biases) {
    auto const u = m.u;
    ref_bounds eb;
    eb.a.push_back(vec(p.a[0].size(), 0));
    for (std::size_t l = 0; l < n.size(); ++l) {
        auto const& ly = n[l];
        auto const& x = p.a[l];
        auto const& ex = eb.a[l];
        vec ez(ly.out), ea(ly.out);
        for (std::size_t o = 0; o < ly.out; ++o) {
            real s = std::fabs(ly.b[o]), carried = 0;
            for (std::size_t i = 0; i < ly.in; ++i) {
                s += std::fabs(ly.weight(o, i)) * (std::fabs(x[i]) + ex[i]);
                carried += std::fabs(ly.weight(o, i)) * ex[i];
            }
            ez[o] = carried + gamma_n(u, ly.in + 1) * s;
            ea[o] = ez[o] / 4 + m.act * (p.a[l + 1][o] + ez[o] / 4) + m.tiny;
        }
        eb.z.push_back(ez);
        eb.a.push_back(ea);
    }
    std::size_t const last = n.size() - 1;
    eb.d.resize(n.size());
    // Output delta (y - t) * (y (1 - y)): four roundings; E_total: N + 2 roundings.
    real pert_e = 0;
    for (std::size_t o = 0; o < t.size(); ++o) {
        real const y = p.a[last + 1][o], ey = eb.a[last + 1][o];
        real const r = std::fabs(y - t[o]), q = y * (1 - y), eq = std::fabs(1 - 2 * y) * ey + ey * ey;
        eb.d[last].push_back(r * eq + q * ey + ey * eq + gamma_n(u, 4) * (r + ey) * (q + eq));
        pert_e += r * ey + ey * ey / 2;
    }
    eb.e = pert_e + gamma_n(u, t.size() + 2) * (p.e + pert_e);
    for (std::size_t l = last; l > 0; --l) {
        auto const& ly = n[l];
        for (std::size_t i = 0; i < ly.in; ++i) {
            real carried = 0, mag = 0;
            for (std::size_t o = 0; o < ly.out; ++o) {
                carried += std::fabs(ly.weight(o, i)) * eb.d[l][o];
                mag += std::fabs(ly.weight(o, i)) * (std::fabs(p.d[l][o]) + eb.d[l][o]);
            }
            real const eback = carried + gamma_n(u, ly.out) * mag;
            real const back = std::fabs(p.back[l][i]);
            real const y = p.a[l][i], ey = eb.a[l][i];
            real const q = y * (1 - y), eq = std::fabs(1 - 2 * y) * ey + ey * ey;
            eb.d[l - 1].push_back(back * eq + q * eback + eback * eq + gamma_n(u, 3) * (back + eback) * (q + eq));
        }
    }
    auto const params = flatten(n);
    for (std::size_t l = 0; l < n.size(); ++l) {
        for (std::size_t o = 0; o < n[l].out; ++o) {
            real const d = std::fabs(p.d[l][o]), ed = eb.d[l][o];
            for (std::size_t i = 0; i < n[l].in; ++i) {
                real const x = std::fabs(p.a[l][i]), ex = eb.a[l][i];
                eb.grad.push_back(x * ed + d * ex + ex * ed + gamma_n(u, 2) * (x + ex) * (d + ed));
            }
        }
        for (std::size_t o = 0; o < n[l].out; ++o) eb.grad.push_back(eb.d[l][o] + u * (std::fabs(p.d[l][o]) + eb.d[l][o]));
    }
    auto const g = ref_gradient(n, p);
    std::size_t k = 0;
    for (auto const& l : n) {
        for (std::size_t j = 0; j < l.w.size() + l.b.size(); ++j, ++k) {
            bool const changes = j < l.w.size() || learn_biases;
            eb.updated.push_back(changes ? rate * eb.grad[k] + gamma_n(u, 3) * (std::fabs(params[k]) + rate * (std::fabs(g[k]) + eb.grad[k]))
                                         : 0);
        }
    }
    return eb;
}

inline vec operator+(const vec& x, const vec& y) {
    vec s(x.size());
    for (std::size_t k = 0; k < x.size(); ++k) s[k] = x[k] + y[k];
    return s;
}

/// Two computations differ by at most the sum of their bounds.
inline ref_bounds operator+(const ref_bounds& x, const ref_bounds& y) {
    ref_bounds s;
    for (std::size_t l = 0; l < x.a.size(); ++l) s.a.push_back(x.a[l] + y.a[l]);
    for (std::size_t l = 0; l < x.z.size(); ++l) s.z.push_back(x.z[l] + y.z[l]);
    for (std::size_t l = 0; l < x.d.size(); ++l) s.d.push_back(x.d[l] + y.d[l]);
    s.e = x.e + y.e;
    s.grad = x.grad + y.grad;
    s.updated = x.updated + y.updated;
    return s;
}

// ---- comparisons --------------------------------------------------------------------------------

/// |got - want| <= tol, or both the same infinity (whose difference is NaN).
inline bool near(real got, real want, real tol) { return got == want || std::fabs(got - want) <= tol; }

/// The largest |got[k] - want[k]| / tol[k] (how much of the bound is used): above 1, or infinite
/// (a NaN, or a difference where the bound is 0), when some value is outside its bound.
inline real bound_used(const vec& got, const vec& want, const vec& tol) {
    real worst = got.size() == want.size() && tol.size() == want.size() ? 0 : std::numeric_limits<real>::infinity();
    for (std::size_t k = 0; k < want.size() && k < got.size() && k < tol.size(); ++k) {
        real const diff = std::fabs(got[k] - want[k]);
        if (!(diff <= tol[k])) worst = std::numeric_limits<real>::infinity();  // also catches NaN
        else if (tol[k] > 0) worst = std::max(worst, diff / tol[k]);
    }
    return worst;
}

/// Checks |got[k] - want[k]| <= tol[k] for every k and reports the first few violations.
inline void check_within(const char* what, const vec& got, const vec& want, const vec& tol) {
    REQUIRE(got.size() == want.size());
    REQUIRE(tol.size() == want.size());
    int reported = 0;
    for (std::size_t k = 0; k < want.size(); ++k) {
        real const diff = std::fabs(got[k] - want[k]);
        if (!(diff <= tol[k]) && reported < 5) {
            ++reported;
            FAIL_CHECK(doctest::String(what) << "[" << k << "]: got " << static_cast<double>(got[k]) << ", want "
                            << static_cast<double>(want[k]) << ", |diff| " << static_cast<double>(diff)
                            << " > bound " << static_cast<double>(tol[k]));
        }
    }
    CHECK_MESSAGE(bound_used(got, want, tol) <= 1, doctest::String(what) << ": values outside the bound");
}

inline void check_within(const char* what, real got, real want, real tol) {
    check_within(what, vec{got}, vec{want}, vec{tol});
}

/// A check that cannot pass vacuously: at least 1 / share of the reference values stand far above
/// their bound (most, with the default 2), so a computation that got them wrong (zero, sign, a
/// swapped index) would fail it.
inline void check_meaningful(const char* what, const vec& want, const vec& tol, real margin = 100, std::size_t share = 2) {
    std::size_t big = 0;
    for (std::size_t k = 0; k < want.size(); ++k) big += std::fabs(want[k]) > margin * tol[k] ? 1 : 0;
    INFO(doctest::String(what) << ": " << big << " of " << want.size() << " values exceed " << static_cast<double>(margin) << " x their bound");
    CHECK(share * big >= want.size());
}

/// dE/dparam for every parameter of net, in flatten()'s order, by central differences of
/// `loss_of(net)` in the network's own type. The step h = 2^-17 (about 7.6e-6) balances truncation
/// (h^2 / 6 times E's third derivative, about 1e-11 in double) against rounding (eps |E| / h, about
/// 3e-11); the step actually taken, (p + h) - (p - h), is the divisor, so that the rounding of
/// p +- h does not bias the quotient.
template <class Net, class LossOf>
vec parameter_central_differences(Net net, LossOf&& loss_of) {
    using T = typename Net::value_type;
    T const h = T(0x1.0p-17);
    vec g;
    for (T* p : parameter_pointers(net)) {
        T const v = *p, up = v + h, down = v - h;
        *p = up;
        T const e_up = loss_of(net);
        *p = down;
        T const e_down = loss_of(net);
        *p = v;
        g.push_back((static_cast<real>(e_up) - e_down) / (static_cast<real>(up) - down));
    }
    return g;
}

/// |backprop - central difference| <= 1e-7 |g| + 1e-9 (tighter than the customary 1e-6 max(1, |g|)):
/// the difference quotient's own error is a few 1e-11, so this leaves a wide margin (the worst case
/// measured on AVX-512, AVX2 and SSE2 used under 1 % of it) and still catches a relative error of
/// 1e-7 in any gradient above 1e-2, and any absolute error above 1e-9.
inline vec fd_tolerance(const vec& g_fd) {
    vec tol;
    for (real g : g_fd) tol.push_back(1e-7L * std::fabs(g) + 1e-9L);
    return tol;
}

}  // namespace fixnet_test
