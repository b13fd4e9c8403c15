// Runs one fixnet operation a given number of times, for instruction counts (scripts/footprint):
// counting a run of N and one of 2N calls and dividing the difference by N leaves out start-up,
// the C runtime and the network's set-up, so what remains is instructions per call.
// Usage: instruction_count forward|train 2-2-2|8-16-8 scalar|simd N      (host or aarch64 Linux)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fixnet/fixnet.hpp>

namespace {

volatile float g_input = 0.25f;  // inputs the compiler cannot see, so nothing is folded away
volatile float g_sink;

template <class Net>
int run(bool train, long n) {
    static Net net{};  // static: the 8-16-8 network and its gradient stay off the stack
    fixnet::initialize(net, 7);
    typename Net::input_type x{};
    typename Net::output_type t{};
    for (auto& v : x) v = g_input;
    for (auto& v : t) v = 1.0f - g_input;
    fixnet::sgd<float> const opt{.learning_rate = 0.01f};
    float acc = 0;
    for (long k = 0; k < n; ++k) {
        x[0] = g_input;  // reloaded each call: no call can be hoisted out of the loop
        acc += train ? fixnet::train_step(net, x, t, opt) : net.forward(x)[0];
    }
    g_sink = acc;
    return 0;
}

template <class Backend>
int run_shape(const char* shape, bool train, long n) {
    if (std::strcmp(shape, "2-2-2") == 0) return run<fixnet::basic_mlp<Backend, float, fixnet::sigmoid, 2, 2, 2>>(train, n);
    if (std::strcmp(shape, "8-16-8") == 0) return run<fixnet::basic_mlp<Backend, float, fixnet::sigmoid, 8, 16, 8>>(train, n);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s forward|train 2-2-2|8-16-8 scalar|simd N\n", argv[0]);
        return 2;
    }
    bool const train = std::strcmp(argv[1], "train") == 0;
    long const n = std::atol(argv[4]);
    if (std::strcmp(argv[3], "simd") == 0) return run_shape<fixnet::simd_backend>(argv[2], train, n);
    return run_shape<fixnet::scalar_backend>(argv[2], train, n);
}
