// Runs one fixnet operation a given number of times, for instruction counts (scripts/footprint):
// counting a run of N and one of 2N calls and dividing the difference by N leaves out start-up,
// the C runtime and the network's set-up, so what remains is instructions per call.
// One case per program, chosen when it is compiled: with every case in one program, the compiler's
// inlining choices for one case moved with changes to another's code (aarch64 counts of untouched
// code moved by 3-10% between two footprints).
//   -DCOUNT_TRAIN=0|1        forward, or train_step
//   -DCOUNT_SHAPE=222|8168   a 2-2-2 or an 8-16-8 sigmoid network, float
//   -DCOUNT_SIMD=0|1         scalar_backend, or simd_backend
// Usage: instruction_count N      (host or aarch64 Linux)
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include <fixnet/fixnet.hpp>

#if !defined(COUNT_TRAIN) || !defined(COUNT_SHAPE) || !defined(COUNT_SIMD)
#error "build with -DCOUNT_TRAIN=0|1 -DCOUNT_SHAPE=222|8168 -DCOUNT_SIMD=0|1 (see scripts/footprint.py)"
#endif
static_assert(COUNT_SHAPE == 222 || COUNT_SHAPE == 8168, "COUNT_SHAPE: 222 (2-2-2) or 8168 (8-16-8)");

namespace {

using backend = std::conditional_t<COUNT_SIMD != 0, fixnet::simd_backend, fixnet::scalar_backend>;
using net_type = std::conditional_t<COUNT_SHAPE == 222, fixnet::basic_mlp<backend, float, fixnet::sigmoid, 2, 2, 2>,
                                    fixnet::basic_mlp<backend, float, fixnet::sigmoid, 8, 16, 8>>;

volatile float g_input = 0.25f;  // inputs the compiler cannot see, so nothing is folded away
volatile float g_sink;

net_type net{};  // static storage: the 8-16-8 network stays off the stack

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    long const n = std::atol(argv[1]);
    fixnet::initialize(net, 7);
    net_type::input_type x{};
    net_type::output_type t{};
    for (auto& v : x) v = g_input;
    for (auto& v : t) v = 1.0f - g_input;
    fixnet::sgd<float> const opt{.learning_rate = 0.01f};
    float acc = 0;
    for (long k = 0; k < n; ++k) {
        x[0] = g_input;  // reloaded each call: no call can be hoisted out of the loop
        if constexpr (COUNT_TRAIN != 0) {
            acc += fixnet::train_step(net, x, t, opt);
        } else {
            acc += net.forward(x)[0];
        }
    }
    g_sink = acc;
    return 0;
}
