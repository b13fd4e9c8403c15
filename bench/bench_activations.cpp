// Benchmarks of every activation and of mini-batch training: forward_batch and train_batch of a
// narrow network (4-16-3: samples in the SIMD lanes) and a wider one (32-64-10: blocks of samples,
// vectorised across neurons), scalar against simd. Named op/impl/f32/<shape>-<activation>.
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>

#include <fixnet/fixnet.hpp>

namespace {

using fixnet::dense;

/// The loss each output activation is trained with: the fused pairs where there is one.
template <class A>
struct loss_for {
    using type = fixnet::mean_squared_error;
};
template <>
struct loss_for<fixnet::sigmoid> {
    using type = fixnet::binary_cross_entropy;
};
template <>
struct loss_for<fixnet::softmax> {
    using type = fixnet::cross_entropy;
};

/// In-Hid-Out with activation A on both layers; for softmax, relu hidden and a softmax output.
template <std::size_t In, std::size_t Hid, std::size_t Out, class A>
struct case_of {
    using hidden = std::conditional_t<std::is_same_v<A, fixnet::softmax>, fixnet::relu, A>;
    template <class B>
    using net = fixnet::basic_network<B, float, In, dense<Hid, hidden>, dense<Out, A>>;
    using loss = typename loss_for<A>::type;
    static constexpr std::size_t samples = 512, batch = 256, train_batch = 32;
};

template <class C>
struct data {
    using ref_t = typename C::template net<fixnet::scalar_backend>;
    std::vector<typename ref_t::input_type> x;
    std::vector<typename ref_t::output_type> t;
    ref_t ref{};
    data() : x(C::samples), t(C::samples) {
        fixnet::initialize(ref, 2024);
        fixnet::random_engine rng{7};
        for (auto& v : x) for (auto& e : v) e = static_cast<float>(2 * rng.uniform01() - 1);
        for (auto& v : t) {
            float sum = 0;
            for (auto& e : v) sum += (e = static_cast<float>(rng.uniform01()));
            if constexpr (std::is_same_v<typename C::loss, fixnet::cross_entropy>)
                for (auto& e : v) e /= sum;  // a distribution
        }
    }
};

template <class C>
const data<C>& the_data() {
    static const data<C> d;
    return d;
}

/// Before timing: forward_batch agrees with the scalar forward within a generous multiple of eps
/// on the output's scale (far below any real error; tests/ hold the exact bounds).
template <class C, class B>
bool agrees(benchmark::State& st) {
    auto const& d = the_data<C>();
    using net_t = typename C::template net<B>;
    auto net = std::make_unique<net_t>();
    net->layers = d.ref.layers;
    std::vector<typename net_t::output_type> y(C::batch);
    (void)net->forward_batch(std::span(d.x).first(C::batch), y);
    float const tol = 256 * std::numeric_limits<float>::epsilon();
    for (std::size_t k = 0; k < C::batch; ++k) {
        auto const want = d.ref.forward(d.x[k]);
        for (std::size_t o = 0; o < want.size(); ++o)
            if (!(std::abs(y[k][o] - want[o]) <= tol * (1 + std::abs(want[o])))) {
                st.SkipWithError("forward_batch disagrees with the scalar forward");
                return false;
            }
    }
    return true;
}

template <class C, class B>
void bm_forward_batch(benchmark::State& st) {
    if (!agrees<C, B>(st)) return;
    auto const& d = the_data<C>();
    using net_t = typename C::template net<B>;
    auto net = std::make_unique<net_t>();
    net->layers = d.ref.layers;
    std::vector<typename net_t::output_type> y(C::batch);
    std::size_t first = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(first);
        (void)net->forward_batch(std::span(d.x).subspan(first, C::batch), y);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
        first = C::batch - first;
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(C::batch));
    st.counters["samples"] = static_cast<double>(C::batch);
}

/// One Adam step on a mini-batch of 32 samples, the batches cycling through the data.
template <class C, class B>
void bm_train_batch(benchmark::State& st) {
    if (!agrees<C, B>(st)) return;
    auto const& d = the_data<C>();
    using net_t = typename C::template net<B>;
    using opt_t = fixnet::adam<float>;
    auto net = std::make_unique<net_t>();
    net->layers = d.ref.layers;
    auto state = std::make_unique<fixnet::optimizer_state<net_t, opt_t>>();
    opt_t const opt{.learning_rate = 1e-3f};
    std::size_t first = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(first);
        auto r = fixnet::train_batch<typename C::loss>(*net, std::span(d.x).subspan(first, C::train_batch),
                                                       std::span(d.t).subspan(first, C::train_batch), opt, *state);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
        first = (first + C::train_batch) % C::samples;
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(C::train_batch));
    st.counters["samples"] = static_cast<double>(C::train_batch);
}

template <std::size_t In, std::size_t Hid, std::size_t Out, class A>
int register_case(const char* activation) {
    using C = case_of<In, Hid, Out, A>;
    std::string const shape = "f32/" + std::to_string(In) + "-" + std::to_string(Hid) + "-" + std::to_string(Out) + "-" + activation;
    benchmark::RegisterBenchmark(("forward_batch/scalar/" + shape).c_str(), bm_forward_batch<C, fixnet::scalar_backend>);
    benchmark::RegisterBenchmark(("forward_batch/simd/" + shape).c_str(), bm_forward_batch<C, fixnet::simd_backend>);
    benchmark::RegisterBenchmark(("train_batch/scalar/" + shape).c_str(), bm_train_batch<C, fixnet::scalar_backend>);
    benchmark::RegisterBenchmark(("train_batch/simd/" + shape).c_str(), bm_train_batch<C, fixnet::simd_backend>);
    return 0;
}

template <class A>
int register_activation(const char* name) {
    return register_case<4, 16, 3, A>(name) + register_case<32, 64, 10, A>(name);
}

int const registered = register_activation<fixnet::identity>("identity") + register_activation<fixnet::relu>("relu") +
                       register_activation<fixnet::leaky_relu<>>("leaky_relu") +
                       register_activation<fixnet::tanh>("tanh") + register_activation<fixnet::sigmoid>("sigmoid") +
                       register_activation<fixnet::softplus>("softplus") + register_activation<fixnet::softmax>("softmax");

}  // namespace
