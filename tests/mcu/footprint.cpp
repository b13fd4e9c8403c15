// One footprint program: built for each core with FIXNET_FOOTPRINT_OP = 0 (an empty main: the C
// runtime's own size), 1 (forward) or 2 (forward + train_step) on a float network of
// FIXNET_FOOTPRINT_SHAPE widths (e.g. 2,2,2). scripts/footprint reads the sizes of these programs
// and their -fstack-usage files. With FIXNET_FOOTPRINT_STACK the program also measures its peak
// stack at run time (the stack below main is painted, the operations run, the untouched words are
// counted) and prints it; that variant's own size is not reported. Exit status 0 when the result
// is the expected one, so every program is also a test.
#if FIXNET_FOOTPRINT_OP > 0
#include <cstddef>

#include <fixnet/fixnet.hpp>

using net_t = fixnet::mlp<float, fixnet::sigmoid, FIXNET_FOOTPRINT_SHAPE>;

// Global and mutable: the compiler cannot know the weights (all zero, from static initialisation),
// so nothing is folded away, and the network costs RAM as in firmware.
net_t g_net;
// Inputs and targets arrive through volatile memory, like readings from a peripheral.
volatile float g_input = 0.5f;
volatile float g_target = 0.9f;

namespace {

// The operations measured, kept out of main so that -fstack-usage reports their frame apart.
[[gnu::noinline]] float run() {
    net_t::input_type x{};
    for (auto& v : x) v = g_input;
#if FIXNET_FOOTPRINT_OP == 2
    net_t::output_type t{};
    for (auto& v : t) v = g_target;
    fixnet::train_step(g_net, x, t, fixnet::sgd<float>{.learning_rate = 0.5f});
#endif
    return g_net.forward(x)[0];
}

}  // namespace

#ifdef FIXNET_FOOTPRINT_STACK
#include <cstdint>
#include <cstdio>

int main() {
    // Paint 8 KB below this frame (no interrupts are enabled, so nothing else writes there).
    constexpr std::size_t words = 2048;
    constexpr std::uint32_t paint = 0xdeadbeefu;
    std::uint32_t* const top = static_cast<std::uint32_t*>(__builtin_frame_address(0)) - 16;
    volatile std::uint32_t* const bottom = top - words;
    for (std::size_t k = 0; k < words; ++k) bottom[k] = paint;
    float const y = run();
    std::size_t untouched = 0;
    while (untouched < words && bottom[untouched] == paint) ++untouched;
    std::printf("stack peak: %u bytes\n", unsigned((words - untouched) * sizeof(std::uint32_t)));
    return y > 0.0f && y < 1.0f ? 0 : 1;
}
#else
int main() {
    float const y = run();
    return y > 0.0f && y < 1.0f ? 0 : 1;  // a sigmoid output, whatever the weights
}
#endif

#else
int main() { return 0; }
#endif
