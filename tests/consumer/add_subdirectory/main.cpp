// An outside program using fixnet through add_subdirectory: the forward pass of the article's
// worked example (seed-worked-example.md), checked; returns non-zero on a mismatch.
#include <fixnet/fixnet.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

template <class Net>
int check_forward(const char* name, double tol) {
    using T = typename Net::value_type;
    Net net{};
    auto& h = net.template layer<0>();
    auto& o = net.template layer<1>();
    h.weight(0, 0) = T(0.15); h.weight(0, 1) = T(0.20); h.weight(1, 0) = T(0.25); h.weight(1, 1) = T(0.30);
    o.weight(0, 0) = T(0.40); o.weight(0, 1) = T(0.45); o.weight(1, 0) = T(0.50); o.weight(1, 1) = T(0.55);
    h.bias(0) = h.bias(1) = T(0.35);
    o.bias(0) = o.bias(1) = T(0.60);
    auto const out = net.forward({T(0.05), T(0.10)});
    double const want[2] = {0.751365069552316, 0.772928465321463};
    int failures = 0;
    for (int k = 0; k < 2; ++k) {
        bool const ok = std::fabs(double(out[k]) - want[k]) <= tol * want[k];
        std::printf("  %-7s out_o%d = %.15f (reference %.15f) %s\n", name, k + 1, double(out[k]), want[k], ok ? "ok" : "MISMATCH");
        failures += ok ? 0 : 1;
    }
    return failures;
}

}  // namespace

int main() {
    std::printf("fixnet through add_subdirectory: forward pass of the article's 2-2-2 network\n");
    int failures = 0;
    failures += check_forward<fixnet::network<double, 2, fixnet::dense<2, fixnet::sigmoid>, fixnet::dense<2, fixnet::sigmoid>>>("double", 1e-12);
    failures += check_forward<fixnet::mlp<float, fixnet::sigmoid, 2, 2, 2>>("float", 2e-6);
    std::printf("%s\n", failures == 0 ? "OK" : "FAILED");
    return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
