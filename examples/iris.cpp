// Classification: Fisher's iris flowers (150 of three species, four measurements each) with a
// 4-8-3 softmax network, cross-entropy and Adam, trained on 120 flowers and tested on the other 30.
//
// Shows the parts of a real classification run around fit: reading a CSV, a seeded train/test
// split, standardising the inputs with the training set's statistics, one-hot targets, and
// reading the answer off a softmax (fixnet::argmax: the most probable class; fixnet::evaluate
// counts the right ones). Prints the accuracy on both sets and the test set's confusion matrix,
// and exits non-zero if fewer than 90 % of the test flowers are right: CI runs it as a test. The
// data file is examples/data/iris.csv (see the README there for its source); argv[1] names another.
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fixnet/fixnet.hpp>

#ifndef FIXNET_IRIS_CSV
#define FIXNET_IRIS_CSV "examples/data/iris.csv"  // CMake passes the absolute path
#endif

namespace {

// tanh in the hidden layer; softmax makes the outputs three probabilities that sum to 1, and
// cross-entropy after softmax has the simple, stable gradient output - target.
using net_t = fixnet::network<float, 4, fixnet::dense<8, fixnet::tanh>, fixnet::dense<3, fixnet::softmax>>;

constexpr std::array<const char*, 3> species{"setosa", "versicolor", "virginica"};
constexpr std::size_t test_count = 30;
constexpr std::uint64_t split_seed = 2024;
constexpr double test_accuracy_required = 0.9;

struct flower {
    net_t::input_type measurements;
    std::size_t species;
};

/// Reads the CSV (a header line, then four numbers and a species name per line). Returns an
/// empty vector, having said why, if the file is missing or a line is malformed.
std::vector<flower> read_iris(const char* path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "cannot open %s\n", path);
        return {};
    }
    std::vector<flower> flowers;
    std::string line;
    std::getline(in, line);  // the header
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        if (line.empty()) continue;
        flower f{};
        std::string_view rest = line;
        bool ok = true;
        for (float& value : f.measurements) {
            auto const [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
            ok = ok && error == std::errc{} && end != rest.data() + rest.size() && *end == ',';
            if (!ok) break;
            rest.remove_prefix(static_cast<std::size_t>(end - rest.data()) + 1);
        }
        if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);  // a file saved with CRLF line ends
        f.species = species.size();
        for (std::size_t s = 0; s < species.size(); ++s)
            if (rest == species[s]) f.species = s;
        if (!ok || f.species == species.size()) {
            std::fprintf(stderr, "%s:%zu: expected four numbers and a species, got \"%s\"\n", path, number, line.c_str());
            return {};
        }
        flowers.push_back(f);
    }
    return flowers;
}

}  // namespace

int main(int argc, char** argv) {
    char const* const path = argc > 1 ? argv[1] : FIXNET_IRIS_CSV;
    std::vector<flower> flowers = read_iris(path);
    if (flowers.size() <= test_count) {
        std::fprintf(stderr, "%s: %zu flowers read, need more than %zu\n", path, flowers.size(), test_count);
        return 1;
    }
    std::printf("Fisher's iris data (%s): %zu flowers, 4 measurements, 3 species.\n", path, flowers.size());

    // A seeded Fisher-Yates shuffle, then the last 30 are the test set: the same split on every
    // platform, because fixnet's random_engine is (std's distributions are not).
    fixnet::random_engine rng{split_seed};
    for (std::size_t i = flowers.size() - 1; i > 0; --i)
        std::swap(flowers[i], flowers[static_cast<std::size_t>(rng() % (i + 1))]);
    std::size_t const train_count = flowers.size() - test_count;

    // Standardise each measurement to mean 0 and standard deviation 1, with the statistics of the
    // training set only: the test set must not leak into training, not even through its mean.
    // Unscaled, petal length (1 to 7 cm) would swamp petal width (0.1 to 2.5 cm) at the start.
    std::array<double, 4> mean{}, sd{};
    for (std::size_t k = 0; k < train_count; ++k)
        for (std::size_t i = 0; i < 4; ++i) mean[i] += flowers[k].measurements[i];
    for (double& m : mean) m /= static_cast<double>(train_count);
    for (std::size_t k = 0; k < train_count; ++k)
        for (std::size_t i = 0; i < 4; ++i) sd[i] += std::pow(flowers[k].measurements[i] - mean[i], 2);
    for (double& s : sd) s = std::sqrt(s / static_cast<double>(train_count - 1));

    std::vector<net_t::input_type> train_x, test_x;
    std::vector<net_t::output_type> train_t, test_t;  // one-hot: probability 1 for the flower's species
    for (std::size_t k = 0; k < flowers.size(); ++k) {
        net_t::input_type x{};
        for (std::size_t i = 0; i < 4; ++i)
            x[i] = static_cast<float>((flowers[k].measurements[i] - mean[i]) / sd[i]);
        net_t::output_type t{};
        t[flowers[k].species] = 1;
        (k < train_count ? train_x : test_x).push_back(x);
        (k < train_count ? train_t : test_t).push_back(t);
    }
    std::printf("split (seed %llu): %zu to train on, %zu to test on\n", static_cast<unsigned long long>(split_seed),
                train_count, test_count);

    net_t net{};
    fixnet::initialize(net, 3);
    fixnet::adam<float> const opt{.learning_rate = 0.01f};
    fixnet::optimizer_state<net_t, fixnet::adam<float>> state{};
    constexpr std::size_t epochs = 150;
    std::printf("training a 4-8-3 network (tanh, softmax), cross-entropy, Adam, %zu epochs of mini-batches of 8:\n", epochs);
    auto const r = fixnet::fit<fixnet::cross_entropy>(net, train_x, train_t, opt, state,
                                                      {.epochs = epochs, .batch_size = 8, .seed = 1},
                                                      [&](std::size_t epoch, float loss) {
                                                          if (epoch != 1 && epoch % 25 != 0) return;
                                                          auto const e = fixnet::evaluate<fixnet::cross_entropy>(net, train_x, train_t);
                                                          std::printf("  epoch %3zu  loss %.4f  train accuracy %5.1f %%\n", epoch,
                                                                      double(loss), 100 * e.accuracy());
                                                      });
    if (fixnet::failed(r.code)) {
        auto const why = fixnet::to_string(r.code);
        std::printf("fit failed: %.*s\n", static_cast<int>(why.size()), why.data());
        return 1;
    }

    // evaluate's accuracy: the share of flowers whose most probable class (fixnet::argmax of the
    // softmax) is the one-hot target's class.
    double const train_accuracy = fixnet::evaluate<fixnet::cross_entropy>(net, train_x, train_t).accuracy();
    double const test_accuracy = fixnet::evaluate<fixnet::cross_entropy>(net, test_x, test_t).accuracy();
    std::printf("\ntrain accuracy %5.1f %% (%zu flowers)\ntest accuracy  %5.1f %% (%zu flowers)\n", 100 * train_accuracy,
                train_count, 100 * test_accuracy, test_count);

    // Rows: the true species; columns: what the network says. Off the diagonal are its mistakes.
    std::array<std::array<std::size_t, 3>, 3> confusion{};
    for (std::size_t k = 0; k < test_x.size(); ++k) ++confusion[fixnet::argmax(test_t[k])][fixnet::argmax(net.forward(test_x[k]))];
    std::printf("\ntest confusion matrix (rows: true species, columns: predicted)\n%12s", "");
    for (const char* s : species) std::printf("%12s", s);
    std::putchar('\n');
    for (std::size_t t = 0; t < 3; ++t) {
        std::printf("%12s", species[t]);
        for (std::size_t p = 0; p < 3; ++p) std::printf("%12zu", confusion[t][p]);
        std::putchar('\n');
    }

    bool const good = test_accuracy >= test_accuracy_required;
    std::printf("\n%s (test accuracy required: %.0f %%)\n", good ? "iris learned" : "iris NOT learned",
                100 * test_accuracy_required);
    return good ? 0 : 1;
}
