// XOR, the classic: a 2-4-1 network learns it from five different starting points with Adam.
//
// XOR is the smallest problem a network without a hidden layer cannot solve (no straight line
// separates {01, 10} from {00, 11}), so it is the first thing to check a trainer on. Whether
// training gets there depends on the starting weights, so this program tries several seeds,
// prints for each how many epochs it took and what the network answers, and exits non-zero if
// any seed fails: CI runs it as a test.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include <fixnet/fixnet.hpp>

namespace {

// tanh in the hidden layer (zero-centred, so it trains faster than sigmoid there) and a sigmoid
// output read as P(x1 xor x2 = 1), which is what binary cross-entropy expects.
using net_t = fixnet::network<float, 2, fixnet::dense<4, fixnet::tanh>, fixnet::dense<1, fixnet::sigmoid>>;

constexpr std::array<net_t::input_type, 4> inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<net_t::output_type, 4> targets{{{0}, {1}, {1}, {0}}};

constexpr std::array<std::uint64_t, 5> seeds{1, 2, 3, 4, 5};
constexpr std::size_t max_epochs = 2000;
// Mean binary cross-entropy at which training stops: -log 0.95, so the network then gives the
// right answer a probability of about 0.95 on average, a clear answer rather than one that is
// merely on the right side of 0.5.
constexpr double target_loss = 0.05;

bool all_correct(const net_t& net) {
    for (std::size_t k = 0; k < inputs.size(); ++k)
        if ((net.forward(inputs[k])[0] > 0.5f) != (targets[k][0] > 0.5f)) return false;
    return true;
}

}  // namespace

int main() {
    std::printf("XOR with a 2-4-1 network (tanh hidden, sigmoid output), binary cross-entropy, Adam,\n"
                "full batch; training stops at mean loss %g or after %zu epochs.\n\n",
                target_loss, max_epochs);
    // A learning rate well above Adam's default 0.001: four samples, one step per epoch.
    fixnet::adam<float> const opt{.learning_rate = 0.05f};

    int failures = 0;
    for (std::uint64_t const seed : seeds) {
        net_t net{};
        fixnet::initialize(net, seed);
        fixnet::optimizer_state<net_t, fixnet::adam<float>> state{};  // Adam's averages start at zero for each seed

        // The callback sees the network after each epoch's update: it notes when all four
        // answers first come out right. It does not stop training there, because at that point
        // some outputs are still close to 0.5; the target loss does.
        std::size_t first_correct = 0;
        auto const r = fixnet::fit<fixnet::binary_cross_entropy>(
            net, inputs, targets, opt, state,
            {.epochs = max_epochs, .batch_size = 0, .seed = seed, .shuffle = false, .target_loss = target_loss},
            [&](std::size_t epoch, float) {
                if (first_correct == 0 && all_correct(net)) first_correct = epoch;
            });

        bool const learned = !fixnet::failed(r.code) && all_correct(net);
        if (!learned) ++failures;
        std::printf("seed %llu: ", static_cast<unsigned long long>(seed));
        if (first_correct != 0)
            std::printf("all 4 right after %3zu epochs, loss %.4f after %4zu:", first_correct, double(r.loss), r.epochs);
        else
            std::printf("not learned in %zu epochs (loss %.4f):", r.epochs, double(r.loss));
        for (std::size_t k = 0; k < inputs.size(); ++k)
            std::printf("  %g%g -> %.3f", double(inputs[k][0]), double(inputs[k][1]), double(net.forward(inputs[k])[0]));
        std::puts(learned ? "" : "  FAILED");
    }

    std::printf("\n%zu of %zu seeds learned XOR\n", seeds.size() - static_cast<std::size_t>(failures), seeds.size());
    return failures == 0 ? 0 : 1;
}
