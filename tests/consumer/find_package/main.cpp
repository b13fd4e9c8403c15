// An outside program written only against fixnet's public contract (architecture.md §1).
//
// It walks through the worked example of the backpropagation article with fixnet and checks every
// number of the reference (seed-worked-example.md), on both backends, in float and double: at run
// time, and the single-step quantities also at compile time (static_assert). It counts heap
// allocations (global operator new is replaced) and expects none. It prints a short report and
// returns non-zero on any mismatch. Built with -fno-exceptions -fno-rtti by the consumer test.
//
// Tolerances: double to 1e-12 relative where the reference prints 15 digits, and to half a unit of
// the last printed digit where it prints fewer (the 10,000-step results); float to 2e-6 relative
// for single-step values and 1e-4 for the 10,000-step values.
#include <fixnet/fixnet.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

// ---------------------------------------------------------------------------------------------
// Heap accounting: every global allocation function counts, and fails hard (no exceptions here).

namespace {
std::size_t heap_allocations = 0;

void* counted_malloc(std::size_t n) noexcept {
    ++heap_allocations;
    return std::malloc(n != 0 ? n : 1);
}
void* counted_aligned(std::size_t n, std::align_val_t a) noexcept {
    ++heap_allocations;
    auto const al = static_cast<std::size_t>(a);
    return std::aligned_alloc(al, (n + al - 1) / al * al + (n == 0 ? al : 0));
}
void* or_abort(void* p) noexcept {
    if (p == nullptr) std::abort();
    return p;
}
}  // namespace

void* operator new(std::size_t n) { return or_abort(counted_malloc(n)); }
void* operator new[](std::size_t n) { return or_abort(counted_malloc(n)); }
void* operator new(std::size_t n, std::align_val_t a) { return or_abort(counted_aligned(n, a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return or_abort(counted_aligned(n, a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

// ---------------------------------------------------------------------------------------------
// The worked example (seed-worked-example.md): inputs, initial parameters, targets.

namespace article {
constexpr double x1 = 0.05, x2 = 0.10;
constexpr std::array<double, 8> w{0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};  // w1..w8
constexpr double b1 = 0.35, b2 = 0.60;
constexpr double t1 = 0.01;
constexpr double t2 = 0.99;       // the target the article's printed results follow from
constexpr double t2_text = 0.22;  // the target its text names (checked too, "for completeness")
constexpr double learning_rate = 0.5;
constexpr int repeat = 10000;
}  // namespace article

// ---------------------------------------------------------------------------------------------
// Checks: the same constexpr code runs in static_assert and at run time (where it also prints).

struct checker {
    const char* config = "";
    int checks = 0;
    int failures = 0;

    /// |got - want| <= tol (a NaN never passes).
    constexpr void near(const char* what, double got, double want, double tol) {
        ++checks;
        double const diff = got > want ? got - want : want - got;
        if (diff <= tol) return;
        ++failures;
        if (!std::is_constant_evaluated())
            std::printf("  MISMATCH %s: %s = %.17g, reference %.17g (|diff| %.3g > %.3g)\n", config, what, got, want,
                        diff, tol);
    }
    /// |got - want| <= rel * |want|
    constexpr void relative(const char* what, double got, double want, double rel) {
        near(what, got, want, rel * (want < 0 ? -want : want));
    }
};

/// Half a unit of the last digit of a number as the reference prints it ("0.015913620" -> 5e-10,
/// "3.510187783e-05" -> 5e-15): the tolerance "to the printed digits".
double half_unit_of_last_digit(const char* printed) {
    char const* dot = std::strchr(printed, '.');
    char const* exp = std::strpbrk(printed, "eE");
    long const decimals = dot == nullptr ? 0 : (exp != nullptr ? exp : printed + std::strlen(printed)) - dot - 1;
    long const exponent = exp != nullptr ? std::strtol(exp + 1, nullptr, 10) : 0;
    return 0.5 * std::pow(10.0, static_cast<double>(exponent - decimals));
}

template <class B, class T>
using net_222 = fixnet::basic_network<B, T, 2, fixnet::dense<2, fixnet::sigmoid>, fixnet::dense<2, fixnet::sigmoid>>;
template <class B, class T>
using net_hidden = fixnet::basic_network<B, T, 2, fixnet::dense<2, fixnet::sigmoid>>;

template <class T>
constexpr std::array<T, 2> pair(double a, double b) {
    return {static_cast<T>(a), static_cast<T>(b)};
}

/// The article's network: w1..w4 and b1 in the hidden layer, w5..w8 and b2 in the output layer,
/// weight(o, i) from input i into neuron o (so w2 is weight(0, 1)).
template <class B, class T>
constexpr net_222<B, T> article_network() {
    net_222<B, T> net{};
    auto& h = net.template layer<0>();
    auto& o = net.template layer<1>();
    h.weight(0, 0) = T(article::w[0]); h.weight(0, 1) = T(article::w[1]);
    h.weight(1, 0) = T(article::w[2]); h.weight(1, 1) = T(article::w[3]);
    o.weight(0, 0) = T(article::w[4]); o.weight(0, 1) = T(article::w[5]);
    o.weight(1, 0) = T(article::w[6]); o.weight(1, 1) = T(article::w[7]);
    h.bias(0) = h.bias(1) = T(article::b1);
    o.bias(0) = o.bias(1) = T(article::b2);
    return net;
}

/// The hidden layer alone: a one-layer network with w1..w4 and b1, whose outputs are out_h1, out_h2.
template <class B, class T>
constexpr net_hidden<B, T> hidden_network() {
    net_hidden<B, T> net{};
    auto& h = net.template layer<0>();
    h.weight(0, 0) = T(article::w[0]); h.weight(0, 1) = T(article::w[1]);
    h.weight(1, 0) = T(article::w[2]); h.weight(1, 1) = T(article::w[3]);
    h.bias(0) = h.bias(1) = T(article::b1);
    return net;
}

/// w1..w8 of a network or a gradient, in the article's numbering.
template <class Layers>
constexpr std::array<double, 8> article_weights(const Layers& n) {
    auto const& h = n.template layer<0>();
    auto const& o = n.template layer<1>();
    return {double(h.weight(0, 0)), double(h.weight(0, 1)), double(h.weight(1, 0)), double(h.weight(1, 1)),
            double(o.weight(0, 0)), double(o.weight(0, 1)), double(o.weight(1, 0)), double(o.weight(1, 1))};
}

constexpr const char* weight_name[8] = {"w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"};

/// The walkthrough for one backend B and element type T. x is the input, t the target
/// (T2 = 0.99), t_text the target with the text's T2 = 0.22.
template <class B, class T>
struct walkthrough {
    using net_t = net_222<B, T>;
    static constexpr double step_tol = sizeof(T) == 8 ? 1e-12 : 2e-6;  // single-step values
    static constexpr double long_tol_float = 1e-4;                      // float after 10,000 steps

    // Forward pass: the hidden and output activations, and (at run time, where std::log is
    // available) the pre-activations net_* recovered from them as log(out / (1 - out)).
    static constexpr void forward(checker& c, const std::array<T, 2>& x, const std::array<T, 2>&) {
        auto const hidden = hidden_network<B, T>().forward(x);
        auto const out = article_network<B, T>().forward(x);
        c.relative("out_h1", hidden[0], 0.593269992107187, step_tol);
        c.relative("out_h2", hidden[1], 0.596884378259767, step_tol);
        c.relative("out_o1", out[0], 0.751365069552316, step_tol);
        c.relative("out_o2", out[1], 0.772928465321463, step_tol);
        if (!std::is_constant_evaluated()) {
            auto const logit = [](T y) { return std::log(double(y) / (1.0 - double(y))); };
            c.relative("net_h1", logit(hidden[0]), 0.3775, step_tol);  // exact decimals
            c.relative("net_h2", logit(hidden[1]), 0.3925, step_tol);
            c.relative("net_o1", logit(out[0]), 1.105905967059770, step_tol);
            c.relative("net_o2", logit(out[1]), 1.224921404096465, step_tol);
        }
    }

    static constexpr void loss(checker& c, const std::array<T, 2>& x, const std::array<T, 2>& t) {
        c.relative("E_total", fixnet::loss(article_network<B, T>(), x, t), 0.298371108760003, step_tol);
    }

    // dE_total/dw for w1..w8, and the bias gradients (each neuron's delta).
    static constexpr void backprop(checker& c, const std::array<T, 2>& x, const std::array<T, 2>& t) {
        constexpr std::array<double, 8> ref{0.000438567734474, 0.000877135468949, 0.000497712735261, 0.000995425470522,
                                            0.082167040564231, 0.082667627847533, -0.022602540477475, -0.022740242215978};
        auto const net = article_network<B, T>();
        typename net_t::gradient_type g{};
        auto const e = fixnet::backprop(net, x, t, g);
        c.relative("backprop's E_total", e, 0.298371108760003, step_tol);
        auto const gw = article_weights(g);
        for (std::size_t k = 0; k < 8; ++k) c.relative(weight_name[k], gw[k], ref[k], step_tol);
        c.relative("dE/db h1", g.template layer<0>().bias(0), 0.008771354689487, step_tol);
        c.relative("dE/db h2", g.template layer<0>().bias(1), 0.009954254705217, step_tol);
        c.relative("dE/db o1", g.template layer<1>().bias(0), 0.138498561628557, step_tol);
        c.relative("dE/db o2", g.template layer<1>().bias(1), -0.038098236516556, step_tol);
    }

    // One step with learning rate 0.5 and fixed biases: the weights the article prints.
    static constexpr void train_step(checker& c, const std::array<T, 2>& x, const std::array<T, 2>& t) {
        constexpr std::array<double, 8> ref{0.149780716132763, 0.199561432265526, 0.249751143632370, 0.299502287264739,
                                            0.358916479717885, 0.408666186076233, 0.511301270238738, 0.561370121107989};
        auto net = article_network<B, T>();
        auto const e = fixnet::train_step(net, x, t, fixnet::sgd<T>{.learning_rate = T(article::learning_rate), .learn_biases = false});
        c.relative("train_step's E_total", e, 0.298371108760003, step_tol);
        auto const w = article_weights(net);
        for (std::size_t k = 0; k < 8; ++k) c.relative(weight_name[k], w[k], ref[k], step_tol);
        fixed_biases(c, net);
    }

    // The article's literal T2 = 0.22: E_total at the initial weights and the weights after one step.
    static constexpr void literal_t2(checker& c, const std::array<T, 2>& x, const std::array<T, 2>& t_text) {
        constexpr std::array<double, 8> ref{0.149373090644239, 0.198746181288478, 0.249304032728448, 0.298608065456895,
                                            0.358916479717885, 0.408666186076233, 0.471213203893628, 0.521037825737632};
        c.relative("E_total (T2=0.22)", fixnet::loss(article_network<B, T>(), x, t_text), 0.427676027057529, step_tol);
        auto net = article_network<B, T>();
        auto const e = fixnet::train_step(net, x, t_text, fixnet::sgd<T>{.learning_rate = T(article::learning_rate), .learn_biases = false});
        c.relative("train_step's E_total (T2=0.22)", e, 0.427676027057529, step_tol);
        auto const w = article_weights(net);
        for (std::size_t k = 0; k < 8; ++k) c.relative(weight_name[k], w[k], ref[k], step_tol);
    }

    static constexpr void fixed_biases(checker& c, const net_t& net) {
        c.near("b1 (h1), fixed", net.template layer<0>().bias(0), T(article::b1), 0);
        c.near("b1 (h2), fixed", net.template layer<0>().bias(1), T(article::b1), 0);
        c.near("b2 (o1), fixed", net.template layer<1>().bias(0), T(article::b2), 0);
        c.near("b2 (o2), fixed", net.template layer<1>().bias(1), T(article::b2), 0);
    }

    // A value after 10,000 steps: double to the digits the reference prints (plus the 1e-12 its
    // own double rounding may differ by), float to 1e-4 relative.
    static void long_run_value(checker& c, const char* what, double got, const char* printed) {
        double const want = std::strtod(printed, nullptr);
        if (sizeof(T) == 8)
            c.near(what, got, want, half_unit_of_last_digit(printed) + 1e-12 * std::fabs(want));
        else
            c.relative(what, got, want, long_tol_float);
    }

    // 10,000 on-line steps: E_total and the outputs afterwards, biases fixed and learned, and the
    // E_total of the T2 = 0.22 run (run time only: far too long for a constant expression).
    static void ten_thousand_steps(checker& c, const std::array<T, 2>& x, const std::array<T, 2>& t,
                                   const std::array<T, 2>& t_text) {
        struct run {
            bool learn_biases;
            const std::array<T, 2>* target;
            const char* e;
            const char* out_o1;
            const char* out_o2;
            const char* label;
        };
        run const runs[] = {{false, &t, "3.510187783e-05", "0.015913620", "0.984064274", "10000 steps, fixed biases"},
                            {true, &t, "2.447562236e-06", "0.011587527", "0.988458935", "10000 steps, learned biases"},
                            {false, &t_text, "1.831775842e-05", nullptr, nullptr, "10000 steps, fixed biases, T2=0.22"}};
        for (auto const& r : runs) {
            auto net = article_network<B, T>();
            fixnet::sgd<T> const opt{.learning_rate = T(article::learning_rate), .learn_biases = r.learn_biases};
            for (int i = 0; i < article::repeat; ++i) fixnet::train_step(net, x, *r.target, opt);
            auto const e = fixnet::loss(net, x, *r.target);
            char what[96];
            std::snprintf(what, sizeof what, "E_total after %s", r.label);
            long_run_value(c, what, e, r.e);
            if (r.out_o1 != nullptr) {
                auto const out = net.forward(x);
                std::snprintf(what, sizeof what, "out_o1 after %s", r.label);
                long_run_value(c, what, out[0], r.out_o1);
                std::snprintf(what, sizeof what, "out_o2 after %s", r.label);
                long_run_value(c, what, out[1], r.out_o2);
            }
            if (!r.learn_biases) fixed_biases(c, net);
            // The reference also reports a float run of the fixed-bias steps: E_total = 3.5102e-05.
            if (sizeof(T) == 4 && !r.learn_biases && r.target == &t)
                c.near("float E_total after 10000 steps, fixed biases (printed 3.5102e-05)", e, 3.5102e-05,
                       half_unit_of_last_digit("3.5102e-05"));
        }
    }
};

// ---------------------------------------------------------------------------------------------
// Compile time: forward, loss, backprop and one train step, both backends, float and double.

template <class T>
constexpr std::array<T, 2> article_input = pair<T>(article::x1, article::x2);
template <class T>
constexpr std::array<T, 2> article_target = pair<T>(article::t1, article::t2);
template <class T>
constexpr std::array<T, 2> article_target_text = pair<T>(article::t1, article::t2_text);

template <class T>
constexpr bool holds(void (*step)(checker&, const std::array<T, 2>&, const std::array<T, 2>&), bool text_target = false) {
    checker c{};
    step(c, article_input<T>, text_target ? article_target_text<T> : article_target<T>);
    return c.checks > 0 && c.failures == 0;
}

using fixnet::scalar_backend;
using fixnet::simd_backend;

static_assert(holds<double>(walkthrough<scalar_backend, double>::forward), "forward, scalar_backend, double");
static_assert(holds<double>(walkthrough<scalar_backend, double>::loss), "loss, scalar_backend, double");
static_assert(holds<double>(walkthrough<scalar_backend, double>::backprop), "backprop, scalar_backend, double");
static_assert(holds<double>(walkthrough<scalar_backend, double>::train_step), "train_step, scalar_backend, double");
static_assert(holds<double>(walkthrough<simd_backend, double>::forward), "forward, simd_backend, double");
static_assert(holds<double>(walkthrough<simd_backend, double>::loss), "loss, simd_backend, double");
static_assert(holds<double>(walkthrough<simd_backend, double>::backprop), "backprop, simd_backend, double");
static_assert(holds<double>(walkthrough<simd_backend, double>::train_step), "train_step, simd_backend, double");
static_assert(holds<float>(walkthrough<scalar_backend, float>::forward), "forward, scalar_backend, float");
static_assert(holds<float>(walkthrough<scalar_backend, float>::loss), "loss, scalar_backend, float");
static_assert(holds<float>(walkthrough<scalar_backend, float>::backprop), "backprop, scalar_backend, float");
static_assert(holds<float>(walkthrough<scalar_backend, float>::train_step), "train_step, scalar_backend, float");
static_assert(holds<float>(walkthrough<simd_backend, float>::forward), "forward, simd_backend, float");
static_assert(holds<float>(walkthrough<simd_backend, float>::loss), "loss, simd_backend, float");
static_assert(holds<float>(walkthrough<simd_backend, float>::backprop), "backprop, simd_backend, float");
static_assert(holds<float>(walkthrough<simd_backend, float>::train_step), "train_step, simd_backend, float");
// The literal T2 = 0.22 as well (E_total and one step).
static_assert(holds<double>(walkthrough<scalar_backend, double>::literal_t2, true), "T2=0.22, scalar_backend, double");
static_assert(holds<double>(walkthrough<simd_backend, double>::literal_t2, true), "T2=0.22, simd_backend, double");
static_assert(holds<float>(walkthrough<scalar_backend, float>::literal_t2, true), "T2=0.22, scalar_backend, float");
static_assert(holds<float>(walkthrough<simd_backend, float>::literal_t2, true), "T2=0.22, simd_backend, float");

// The shape members and type names of the contract.
using net_t = fixnet::network<double, 2, fixnet::dense<2, fixnet::sigmoid>, fixnet::dense<2, fixnet::sigmoid>>;
static_assert(std::is_same_v<net_t, fixnet::mlp<double, fixnet::sigmoid, 2, 2, 2>>);
static_assert(std::is_same_v<net_222<simd_backend, float>, fixnet::basic_mlp<simd_backend, float, fixnet::sigmoid, 2, 2, 2>>);
static_assert(std::is_same_v<net_t::value_type, double>);
static_assert(net_t::input_size == 2 && net_t::output_size == 2 && net_t::layer_count == 2);
static_assert(net_t::parameter_count == 12);
static_assert(std::is_same_v<net_t::input_type, std::array<double, 2>>);
static_assert(std::is_same_v<net_t::output_type, std::array<double, 2>>);
static_assert(noexcept(net_t{}.forward(net_t::input_type{})));

// ---------------------------------------------------------------------------------------------
// Run time.

// Inputs and targets read through volatile, so that the optimiser cannot fold the run-time
// walkthrough into constants: it must run the kernels of each backend.
volatile double opaque[] = {article::x1, article::x2, article::t1, article::t2, article::t2_text};
void* volatile allocation_sink = nullptr;

template <class B, class T>
int run(const char* config) {
    checker c{config};
    std::array<T, 2> const x = pair<T>(opaque[0], opaque[1]);
    std::array<T, 2> const t = pair<T>(opaque[2], opaque[3]);
    std::array<T, 2> const t_text = pair<T>(opaque[2], opaque[4]);
    using w = walkthrough<B, T>;
    w::forward(c, x, t);
    w::loss(c, x, t);
    w::backprop(c, x, t);
    w::train_step(c, x, t);
    w::literal_t2(c, x, t_text);
    w::ten_thousand_steps(c, x, t, t_text);
    std::printf("  %-14s %3d checks, %d mismatches\n", config, c.checks, c.failures);
    return c.failures;
}

}  // namespace

int main() {
    std::printf("fixnet consumer: the article's worked example through the public contract\n");
    std::printf("  (results with T2 = 0.99, which the article's printed weights follow from; T2 = 0.22 of its text too)\n");
    std::printf("  compile time: forward, loss, backprop, train_step and T2=0.22, 2 backends x float/double: static_assert ok\n");

    std::size_t const heap_before = heap_allocations;
    int failures = 0;
    failures += run<fixnet::scalar_backend, double>("scalar/double");
    failures += run<fixnet::simd_backend, double>("simd/double");
    failures += run<fixnet::scalar_backend, float>("scalar/float");
    failures += run<fixnet::simd_backend, float>("simd/float");
    std::size_t const heap_during = heap_allocations - heap_before;

    // The counter must see a deliberate allocation, or its zero above would prove nothing.
    allocation_sink = ::operator new(64);
    ::operator delete(allocation_sink);
    std::size_t const heap_deliberate = heap_allocations - heap_before - heap_during;

    std::printf("  heap: %zu allocations during the run-time checks (want 0); deliberate allocation counted: %s\n",
                heap_during, heap_deliberate == 1 ? "yes" : "NO");
    bool const ok = failures == 0 && heap_during == 0 && heap_deliberate == 1;
    std::printf("%s\n", ok ? "OK" : "FAILED");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
