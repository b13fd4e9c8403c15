// The backpropagation article's worked example, retold step by step with fixnet and checked.
//
// The article ("Understanding the Backpropagation Algorithm") trains a 2-2-2 sigmoid network on
// one sample and walks through the forward pass, the chain rule for w5 and w1 and one update.
// Its figures are lost, so this program prints every number it talks about, next to the values
// of the project's reference (seed-worked-example.md, recomputed in IEEE double), and exits
// non-zero if fixnet disagrees with any of them: CI runs it as a test.
//
// Read it alongside its output: each section of main() prints one section.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>

#include <fixnet/fixnet.hpp>

#include "article_reference.hpp"  // tests/generated/, written by scripts/gen_article_reference.py

namespace {

// The article's network: 2 inputs, a hidden layer of 2 sigmoid neurons (h1, h2) and an output
// layer of 2 sigmoid neurons (o1, o2). The shape is the type: a 2-3-2 net would be another type.
using net_t = fixnet::network<double, 2, fixnet::dense<2, fixnet::sigmoid>, fixnet::dense<2, fixnet::sigmoid>>;
// The hidden layer alone, as a one-layer network: it lets us look at out_h1 and out_h2, which a
// whole network's forward() keeps to itself.
using hidden_t = fixnet::mlp<double, fixnet::sigmoid, 2, 2>;

constexpr net_t::input_type x{0.05, 0.10};
// T2 = 0.99, not the 0.22 of the article's text: see the note printed in section 1.
constexpr net_t::output_type target{0.01, 0.99};
constexpr net_t::output_type target_in_text{0.01, 0.22};

// Reference values: seed-worked-example.md, computed independently of fixnet in IEEE double,
// with full digits as scripts/gen_article_reference.py generates them (the tests read them too).
namespace ref = article_reference;

// What the article itself prints after one step (w5..w8; it prints no w1..w4). It truncates to
// 3-4 digits, and its w5 = 0.3595 is a slip: 0.40 - 0.5 * 0.08216704 = 0.35891648.
constexpr std::array<const char*, 8> article_prints{"", "", "", "", "0.3595 (slip)", "0.4086", "0.511", "0.561"};

// Relative tolerance of the checks. Every value here is a few dozen roundings of double
// arithmetic away from the reference, so whichever kernel ran (scalar, SSE, AVX2/FMA, AVX-512)
// fixnet must agree to about 12 significant digits, even after 10,000 steps.
constexpr double tol = 1e-12;

// The network with the article's initial weights. weight(o, i) is the weight from input i into
// neuron o, so w1 (x1 -> h1) is layer<0>().weight(0, 0) and w2 (x2 -> h1) is weight(0, 1).
net_t article_network() {
    net_t net{};  // value-initialised: every weight and bias starts at zero
    auto& hidden = net.layer<0>();
    hidden.weight(0, 0) = 0.15;  // w1: x1 -> h1
    hidden.weight(0, 1) = 0.20;  // w2: x2 -> h1
    hidden.weight(1, 0) = 0.25;  // w3: x1 -> h2
    hidden.weight(1, 1) = 0.30;  // w4: x2 -> h2
    hidden.bias(0) = hidden.bias(1) = 0.35;  // b1, shared by both hidden neurons in the article
    auto& output = net.layer<1>();
    output.weight(0, 0) = 0.40;  // w5: h1 -> o1
    output.weight(0, 1) = 0.45;  // w6: h2 -> o1
    output.weight(1, 0) = 0.50;  // w7: h1 -> o2
    output.weight(1, 1) = 0.55;  // w8: h2 -> o2
    output.bias(0) = output.bias(1) = 0.60;  // b2
    return net;
}

// w1..w8 in the article's numbering. A gradient has the same accessors as its network, so the
// same function reads dE/dw1..dE/dw8 out of a net_t::gradient_type.
template <class Params>
std::array<double, 8> article_weights(const Params& p) {
    auto const& h = p.template layer<0>();
    auto const& o = p.template layer<1>();
    return {h.weight(0, 0), h.weight(0, 1), h.weight(1, 0), h.weight(1, 1),
            o.weight(0, 0), o.weight(0, 1), o.weight(1, 0), o.weight(1, 1)};
}

void section(const char* title) { std::printf("\n== %s\n", title); }

// One factor of a chain-rule product: its name, how it is computed, its value.
void factor(const char* name, const char* formula, double value) {
    std::printf("  %-15s = %-29s = %15.12f\n", name, formula, value);
}

bool close(double got, double want) { return std::fabs(got - want) <= tol * std::fabs(want); }

// One row of the final table; a mismatch makes the program fail.
int failures = 0;
void row(const char* quantity, double got, double want, bool ok) {
    if (!ok) ++failures;
    std::printf("  %-22s %-18.12g %-18.12g %s\n", quantity, got, want, ok ? "yes" : "NO");
}
void compare(const char* quantity, double got, double want) { row(quantity, got, want, close(got, want)); }
// A number worked out by hand must equal fixnet's; if not, the program fails too.
const char* agreement(double by_hand, double by_fixnet) {
    bool const ok = close(by_fixnet, by_hand);
    if (!ok) ++failures;
    return ok ? "yes" : "NO";
}
// The article prints 3-4 digits, truncated, so it can only be held to one unit of its last digit.
void compare_printed(const char* quantity, double got, double printed, double last_digit) {
    row(quantity, got, printed, std::fabs(got - printed) <= last_digit);
}

// E_total on a log scale from 1e-7 (empty) to 1 (full), 7 characters per decade: errors that
// shrink by powers of ten show as bars that shrink by equal steps.
constexpr int bar_per_decade = 7;
constexpr int bar_decades = 7;
void print_scale() {
    std::printf("  %-24s", "steps  E_total");
    for (int d = bar_decades; d > 0; --d) std::printf("1e-%d   ", d);
    std::printf("1\n");
}
void print_progress(int steps, double e) {
    double const pos = (std::log10(e) + bar_decades) * bar_per_decade;
    int const n = pos < 0 ? 0 : static_cast<int>(std::lround(pos));
    std::printf("  %5d  %-15.6e |", steps, e);
    for (int k = 0; k < n; ++k) std::putchar('#');
    std::putchar('\n');
}

// Trains a fresh article network for 10,000 steps and shows E_total after 0, 1, 10, ... steps.
net_t train_10k(const fixnet::sgd<double>& opt) {
    net_t net = article_network();
    print_progress(0, fixnet::loss(net, x, target));
    for (int step = 1; step <= 10000; ++step) {
        fixnet::train_step(net, x, target, opt);  // returns E_total *before* the update; we want after
        if (step == 1 || step == 10 || step == 100 || step == 1000 || step == 10000)
            print_progress(step, fixnet::loss(net, x, target));
    }
    return net;
}

}  // namespace

int main() {
    std::printf("Backpropagation, step by step: the article's 2-2-2 network in fixnet (double)\n");
    std::printf("Backend: fixnet::default_backend = %s, SIMD architecture: %s\n",
                fixnet::default_backend::name, fixnet::simd_arch_name());

    // ---------------------------------------------------------------------------------------
    section("1. The network");
    net_t net = article_network();
    std::printf("Each neuron adds up its weighted inputs and its bias, net = sum(w * in) + b,\n"
                "then squashes the sum: out = sigmoid(net) = 1 / (1 + e^-net).\n"
                "Inputs x1 = %.2f, x2 = %.2f; targets T1 = %.2f, T2 = %.2f.\n",
                x[0], x[1], target[0], target[1]);
    std::printf("  hidden h1, h2:  w1..w4 = 0.15 0.20 0.25 0.30   b1 = 0.35\n"
                "  output o1, o2:  w5..w8 = 0.40 0.45 0.50 0.55   b2 = 0.60\n");
    std::printf("Note: the article's text says \"T2=0.22\", but the weights it prints after\n"
                "one step (w7 = 0.511, w8 = 0.561) only follow from T2 = 0.99, the target of\n"
                "the classic version of this example. This walkthrough uses T2 = 0.99.\n");

    // ---------------------------------------------------------------------------------------
    section("2. Forward pass, neuron by neuron");
    // The hidden layer's outputs: a one-layer network holding a copy of layer 0 computes them.
    hidden_t hidden{};
    hidden.layer<0>() = net.layer<0>();
    auto const out_h = hidden.forward(x);
    // The weighted sums (net_*) are not outputs of any network, so they are written out here.
    auto const& l0 = net.layer<0>();
    auto const& l1 = net.layer<1>();
    double const net_h1 = l0.weight(0, 0) * x[0] + l0.weight(0, 1) * x[1] + l0.bias(0);
    double const net_h2 = l0.weight(1, 0) * x[0] + l0.weight(1, 1) * x[1] + l0.bias(1);
    double const net_o1 = l1.weight(0, 0) * out_h[0] + l1.weight(0, 1) * out_h[1] + l1.bias(0);
    double const net_o2 = l1.weight(1, 0) * out_h[0] + l1.weight(1, 1) * out_h[1] + l1.bias(1);
    // The outputs come from the network itself.
    auto const out_o = net.forward(x);
    std::printf("  net_h1 = w1*x1 + w2*x2 + b1          = %.12f\n", net_h1);
    std::printf("  out_h1 = sigmoid(net_h1)             = %.12f\n", out_h[0]);
    std::printf("  net_h2 = w3*x1 + w4*x2 + b1          = %.12f\n", net_h2);
    std::printf("  out_h2 = sigmoid(net_h2)             = %.12f\n", out_h[1]);
    std::printf("  net_o1 = w5*out_h1 + w6*out_h2 + b2  = %.12f\n", net_o1);
    std::printf("  out_o1 = sigmoid(net_o1)             = %.12f   net.forward(x)[0]\n", out_o[0]);
    std::printf("  net_o2 = w7*out_h1 + w8*out_h2 + b2  = %.12f\n", net_o2);
    std::printf("  out_o2 = sigmoid(net_o2)             = %.12f   net.forward(x)[1]\n", out_o[1]);
    double const e_total = fixnet::loss(net, x, target);
    std::printf("  E_total = 1/2(T1-out_o1)^2 + 1/2(T2-out_o2)^2 = %.12f  fixnet::loss\n", e_total);

    // fixnet::backprop computes every dE/dw at once; the next two sections redo two of them by
    // hand, the article's way, and check that both agree.
    net_t::gradient_type g{};  // zeroed: backprop *adds* into it
    fixnet::backprop(net, x, target, g);
    auto const grad = article_weights(g);

    // ---------------------------------------------------------------------------------------
    section("3. Output layer: dE/dw5 by the chain rule");
    std::printf("w5 reaches E_total only through net_o1 and then out_o1, so\n"
                "dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5:\n");
    double const de_dout_o1 = out_o[0] - target[0];          // derivative of 1/2 (T1 - out)^2
    double const dout_dnet_o1 = out_o[0] * (1.0 - out_o[0]);  // sigmoid' written with its output
    double const dnet_o1_dw5 = out_h[0];                      // net_o1 = w5*out_h1 + ...
    double const dw5 = de_dout_o1 * dout_dnet_o1 * dnet_o1_dw5;
    factor("dE/dout_o1", "out_o1 - T1", de_dout_o1);
    factor("dout_o1/dnet_o1", "out_o1 (1 - out_o1)", dout_dnet_o1);
    factor("dnet_o1/dw5", "out_h1", dnet_o1_dw5);
    factor("dE/dw5", "product of the three above", dw5);
    std::printf("  %-47s = %15.12f  agree: %s\n", "fixnet::backprop, g.layer<1>().weight(0,0)", grad[4],
                agreement(dw5, grad[4]));

    // ---------------------------------------------------------------------------------------
    section("4. Hidden layer: dE/dw1 by the chain rule");
    std::printf("out_h1 feeds both outputs, so its error is the sum over both paths:\n"
                "dE/dw1 = (dE_o1/dout_h1 + dE_o2/dout_h1) * dout_h1/dnet_h1 * dnet_h1/dw1\n");
    // Each output's dE/dnet (its "delta") serves every weight that feeds the neuron: the first
    // two factors of dE/dw5 above are o1's. This reuse is what makes backpropagation cheap.
    double const delta_o1 = de_dout_o1 * dout_dnet_o1;
    double const delta_o2 = (out_o[1] - target[1]) * out_o[1] * (1.0 - out_o[1]);
    double const de1_douth1 = delta_o1 * l1.weight(0, 0);  // net_o1 = w5*out_h1 + ...
    double const de2_douth1 = delta_o2 * l1.weight(1, 0);  // net_o2 = w7*out_h1 + ...
    double const de_douth1 = de1_douth1 + de2_douth1;
    double const douth1_dneth1 = out_h[0] * (1.0 - out_h[0]);
    double const dneth1_dw1 = x[0];
    double const dw1 = de_douth1 * douth1_dneth1 * dneth1_dw1;
    factor("dE/dnet_o1", "dE/dout_o1 * dout_o1/dnet_o1", delta_o1);
    factor("dE/dnet_o2", "(out_o2-T2) out_o2 (1-out_o2)", delta_o2);
    factor("dE_o1/dout_h1", "dE/dnet_o1 * w5", de1_douth1);
    factor("dE_o2/dout_h1", "dE/dnet_o2 * w7", de2_douth1);
    factor("dE/dout_h1", "dE_o1/dout_h1 + dE_o2/dout_h1", de_douth1);
    factor("dout_h1/dnet_h1", "out_h1 (1 - out_h1)", douth1_dneth1);
    factor("dnet_h1/dw1", "x1", dneth1_dw1);
    factor("dE/dw1", "product of the last three", dw1);
    std::printf("  %-47s = %15.12f  agree: %s\n", "fixnet::backprop, g.layer<0>().weight(0,0)", grad[0],
                agreement(dw1, grad[0]));

    // ---------------------------------------------------------------------------------------
    section("5. All eight gradients, from fixnet::backprop");
    for (std::size_t k = 0; k < 8; k += 2)
        std::printf("  dE/dw%zu = %16.12f        dE/dw%zu = %16.12f\n", k + 1, grad[k], k + 2, grad[k + 1]);

    // ---------------------------------------------------------------------------------------
    section("6. One update: w <- w - 0.5 * dE/dw (fixnet::train_step)");
    // The article keeps b1 and b2 fixed; learn_biases = false does the same.
    fixnet::sgd<double> const article_sgd{.learning_rate = 0.5, .learn_biases = false};
    auto const w_before = article_weights(net);
    fixnet::train_step(net, x, target, article_sgd);
    auto const w_after = article_weights(net);
    std::printf("  weight  before  after            article prints\n");
    for (std::size_t k = 0; k < 8; ++k) {
        char const* printed = article_prints[k];
        std::printf("  w%zu      %.2f    %.12f%s%s\n", k + 1, w_before[k], w_after[k], *printed ? "   " : "", printed);
    }
    std::printf("The article's w5 = 0.3595 is a slip: 0.40 - 0.5 * %.6f = %.6f.\n", grad[4], w_after[4]);
    std::printf("E_total falls from %.9f to %.9f.\n", e_total, fixnet::loss(net, x, target));
    // The same step towards the text's T2 = 0.22: w7 and w8 move the other way.
    net_t net_022 = article_network();
    fixnet::train_step(net_022, x, target_in_text, article_sgd);
    auto const w_022 = article_weights(net_022);
    std::printf("With the text's T2 = 0.22 instead: w7 = %.4f, w8 = %.4f, not 0.511, 0.561.\n", w_022[6],
                w_022[7]);

    // ---------------------------------------------------------------------------------------
    section("7. Repeating the step 10,000 times (E_total on a log scale)");
    print_scale();
    std::printf("  Biases fixed, as in the article:\n");
    net_t const fixed = train_10k(article_sgd);
    auto const out_fixed = fixed.forward(x);
    std::printf("  Biases learned too (sgd's default, learn_biases = true):\n");
    fixnet::sgd<double> const learning_biases{.learning_rate = 0.5};
    net_t const learned = train_10k(learning_biases);
    auto const out_learned = learned.forward(x);
    // Learning the biases gives the network 4 more parameters to fit with, so it gets closer.
    std::printf("After 10,000 steps out_o1, out_o2 = %.6f, %.6f with biases fixed,\n"
                "%.6f, %.6f with biases learned (targets %.2f, %.2f).\n",
                out_fixed[0], out_fixed[1], out_learned[0], out_learned[1], target[0], target[1]);

    // ---------------------------------------------------------------------------------------
    section("8. fixnet against the reference and the article");
    std::printf("The reference is seed-worked-example.md, computed without fixnet.\n"
                "match: |fixnet - reference| <= %.0e |reference| (12 digits shown); for the\n"
                "article's own 3-4 digit values: within 1 in their last digit.\n", tol);
    std::printf("  %-22s %-18s %-18s %s\n", "quantity", "fixnet", "reference", "match");
    compare("out_h1", out_h[0], ref::out_h[0]);
    compare("out_h2", out_h[1], ref::out_h[1]);
    compare("out_o1", out_o[0], ref::out_o[0]);
    compare("out_o2", out_o[1], ref::out_o[1]);
    compare("E_total", e_total, ref::e_total[0]);
    char name[32];
    for (std::size_t k = 0; k < 8; ++k) {
        std::snprintf(name, sizeof name, "dE/dw%zu", k + 1);
        compare(name, grad[k], ref::grad_w[k]);
    }
    for (std::size_t k = 0; k < 8; ++k) {
        std::snprintf(name, sizeof name, "w%zu after one step", k + 1);
        compare(name, w_after[k], ref::w_after_step[k]);
    }
    compare_printed("w6 (article prints)", w_after[5], 0.4086, 1e-4);
    compare_printed("w7 (article prints)", w_after[6], 0.511, 1e-3);
    compare_printed("w8 (article prints)", w_after[7], 0.561, 1e-3);
    compare("w7 if T2 = 0.22", w_022[6], ref::w_after_step_t2_022[6]);
    compare("w8 if T2 = 0.22", w_022[7], ref::w_after_step_t2_022[7]);
    compare("E_total 10k, b fixed", fixnet::loss(fixed, x, target), ref::e_10k_fixed_biases[0]);
    compare("out_o1 10k, b fixed", out_fixed[0], ref::out_10k_fixed_biases[0]);
    compare("out_o2 10k, b fixed", out_fixed[1], ref::out_10k_fixed_biases[1]);
    compare("E_total 10k, b learned", fixnet::loss(learned, x, target), ref::e_10k_learned_biases[0]);
    compare("out_o1 10k, b learned", out_learned[0], ref::out_10k_learned_biases[0]);
    compare("out_o2 10k, b learned", out_learned[1], ref::out_10k_learned_biases[1]);

    if (failures != 0) {
        std::printf("FAILED: %d value(s) do not match.\n", failures);
        return 1;
    }
    std::printf("All values match.\n");
    return 0;
}
