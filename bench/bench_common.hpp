// Shared harness of fixnet's benchmarks: one shape, four implementations, three operations.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <fixnet/fixnet.hpp>

#include "naive_network.hpp"
#if FIXNET_BENCH_HAVE_EIGEN
#define EIGEN_STACK_ALLOCATION_LIMIT 0  // 784x128 fixed-size matrices live in heap-allocated objects
#include "eigen_network.hpp"
#endif

namespace fixnet_bench {

/// A benchmarked shape: In-Hid-Out, sigmoid on both layers, element type T.
template <class T, std::size_t In, std::size_t Hid, std::size_t Out>
struct shape {
    using value_type = T;
    static constexpr std::size_t in = In, hid = Hid, out = Out;
    template <class B>
    using net = fixnet::basic_mlp<B, T, fixnet::sigmoid, In, Hid, Out>;
    using reference_net = net<fixnet::scalar_backend>;
    static constexpr std::size_t samples = 512;  // inputs cycled through, so no call sees a constant
    static constexpr std::size_t batch = 256;    // forward_batch: alternate halves of the samples
    static constexpr T rate = T(0.01);

    static std::string name() {
        return (sizeof(T) == 4 ? "f32/" : "f64/") + std::to_string(In) + "-" + std::to_string(Hid) + "-" + std::to_string(Out);
    }
};

/// Inputs, targets and the initial parameters every implementation starts from.
template <class S>
struct workload {
    using T = typename S::value_type;
    std::vector<std::array<T, S::in>> x;
    std::vector<std::array<T, S::out>> t;
    std::unique_ptr<typename S::reference_net> ref = std::make_unique<typename S::reference_net>();

    workload() : x(S::samples), t(S::samples) {
        fixnet::initialize(*ref, 2024);
        fixnet::random_engine rng{7};
        for (auto& v : x) for (auto& e : v) e = static_cast<T>(2 * rng.uniform01() - 1);
        for (auto& v : t) for (auto& e : v) e = static_cast<T>(rng.uniform01());
    }
};

template <class S>
const workload<S>& the_workload() {
    static const workload<S> w;
    return w;
}

/// fixnet with a given backend.
template <class S, class B>
struct fixnet_impl {
    using T = typename S::value_type;
    typename S::template net<B> net;
    const workload<S>& w = the_workload<S>();
    fixnet_impl() { net.layers = w.ref->layers; }  // one storage layout for every backend
    // bm_forward times net.forward; a step the trainer left pending (from agrees()) only makes the
    // weights it reads one step older. forward_batch flushes it first (trainer.network()), since
    // bm_forward_batch compares its outputs with output()'s, which apply it.
    auto forward(std::size_t k) const noexcept { return net.forward(w.x[k]); }
    // Training goes through fixnet::online_trainer, fixnet's fastest on-line SGD: the same results
    // as fixnet::train_step to the bit (tests/test_online_trainer.cpp), and the same call where it
    // defers nothing (scalar_backend, input layers under 4 KB). Each step still does one sample's
    // forward, backprop and update; the input layer's update is applied in the next step's pass.
    // unchecked: the naive and Eigen versions do not look for NaN or infinite samples either. The
    // default check (fixnet::checked) measured +5 ns on f32 2-2-2 and about +12 % on 32-32-32 and
    // 64-64-64 (A/B, AVX-512).
    fixnet::online_trainer<typename S::template net<B>> trainer{net};
    T train_step(std::size_t k) noexcept {
        return trainer.template train_step<fixnet::half_squared_error, fixnet::unchecked>(w.x[k], w.t[k], fixnet::sgd<T>{.learning_rate = S::rate});
    }
    std::vector<T> output(std::size_t k) { auto o = trainer.forward(w.x[k]); return {o.begin(), o.end()}; }
    std::vector<std::array<T, S::out>> y = std::vector<std::array<T, S::out>>(S::batch);
    const void* forward_batch(std::size_t first) {
        (void)trainer.network().forward_batch(std::span(w.x).subspan(first, S::batch), y);
        return y.data();
    }
    std::vector<T> batch_output(std::size_t j) const { return {y[j].begin(), y[j].end()}; }
};

/// The naive loops of naive_network.hpp.
template <class S>
struct naive_impl {
    using T = typename S::value_type;
    naive_network<T> net{{S::in, S::hid, S::out}};
    std::vector<std::vector<T>> x, t;
    naive_impl() {
        auto const& w = the_workload<S>();
        for (std::size_t k = 0; k < S::samples; ++k) {
            x.emplace_back(w.x[k].begin(), w.x[k].end());
            t.emplace_back(w.t[k].begin(), w.t[k].end());
        }
        copy_layer(net, 0, w.ref->template layer<0>());
        copy_layer(net, 1, w.ref->template layer<1>());
    }
    template <class L>
    static void copy_layer(naive_network<T>& n, std::size_t l, const L& layer) {
        for (std::size_t o = 0; o < L::output_size; ++o) {
            for (std::size_t i = 0; i < L::input_size; ++i) n.w[l][o][i] = layer.weight(o, i);
            n.b[l][o] = layer.bias(o);
        }
    }
    const std::vector<T>& forward(std::size_t k) { return net.forward(x[k]); }
    T train_step(std::size_t k) { return net.train_step(x[k], t[k], S::rate); }
    std::vector<T> output(std::size_t k) { return forward(k); }
    std::vector<std::vector<T>> y = std::vector<std::vector<T>>(S::batch, std::vector<T>(S::out));
    const void* forward_batch(std::size_t first) {  // what a reader would write: a loop
        for (std::size_t k = 0; k < S::batch; ++k) y[k] = forward(first + k);
        return y.data();
    }
    std::vector<T> batch_output(std::size_t j) const { return y[j]; }
};

#if FIXNET_BENCH_HAVE_EIGEN
/// The Eigen fixed-size baseline of eigen_network.hpp.
template <class S>
struct eigen_impl {
    using T = typename S::value_type;
    using net_t = eigen_network<T, int(S::in), int(S::hid), int(S::out)>;
    net_t net;
    std::vector<typename net_t::in_t, Eigen::aligned_allocator<typename net_t::in_t>> x;
    std::vector<typename net_t::out_t, Eigen::aligned_allocator<typename net_t::out_t>> t;
    eigen_impl() {
        auto const& w = the_workload<S>();
        for (std::size_t k = 0; k < S::samples; ++k) {
            x.push_back(Eigen::Map<const typename net_t::in_t>(w.x[k].data()));
            t.push_back(Eigen::Map<const typename net_t::out_t>(w.t[k].data()));
        }
        auto const& l0 = w.ref->template layer<0>();
        auto const& l1 = w.ref->template layer<1>();
        for (std::size_t o = 0; o < S::hid; ++o) {
            for (std::size_t i = 0; i < S::in; ++i) net.w0(int(o), int(i)) = l0.weight(o, i);
            net.b0(int(o)) = l0.bias(o);
        }
        for (std::size_t o = 0; o < S::out; ++o) {
            for (std::size_t i = 0; i < S::hid; ++i) net.w1(int(o), int(i)) = l1.weight(o, i);
            net.b1(int(o)) = l1.bias(o);
        }
    }
    const auto& forward(std::size_t k) { return net.forward(x[k]); }
    T train_step(std::size_t k) { return net.train_step(x[k], t[k], S::rate); }
    std::vector<T> output(std::size_t k) { auto const& o = forward(k); return {o.data(), o.data() + S::out}; }
    std::vector<typename net_t::out_t, Eigen::aligned_allocator<typename net_t::out_t>> y =
        std::vector<typename net_t::out_t, Eigen::aligned_allocator<typename net_t::out_t>>(S::batch);
    const void* forward_batch(std::size_t first) {  // sample by sample, like the network it is
        for (std::size_t k = 0; k < S::batch; ++k) y[k] = forward(first + k);
        return y.data();
    }
    std::vector<T> batch_output(std::size_t j) const { return {y[j].data(), y[j].data() + S::out}; }
};
#endif

/// Agreement between implementations: a generous multiple of eps on the output scale (sigmoid
/// outputs are in (0, 1)), far below any real error.
template <class S>
typename S::value_type tolerance() {
    using T = typename S::value_type;
    return T(64) * std::numeric_limits<T>::epsilon() * T(S::in + S::hid);
}

/// Before timing: the implementation's output agrees with the scalar reference on every sample,
/// and after one training step too. A disagreement skips the benchmark with an error.
template <class S, class Impl>
bool agrees(benchmark::State& st, Impl& impl) {
    using T = typename S::value_type;
    auto const& w = the_workload<S>();
    auto ref = std::make_unique<typename S::reference_net>(*w.ref);
    T const tol = tolerance<S>();
    for (int round = 0; round < 2; ++round) {
        for (std::size_t k = 0; k < S::samples; ++k) {
            auto const got = impl.output(k);
            auto const want = ref->forward(w.x[k]);
            for (std::size_t o = 0; o < S::out; ++o) {
                if (!(std::abs(got[o] - want[o]) <= tol)) {
                    st.SkipWithError("output disagrees with the scalar reference");
                    return false;
                }
            }
        }
        impl.train_step(0);
        fixnet::train_step(*ref, w.x[0], w.t[0], fixnet::sgd<T>{.learning_rate = S::rate});
    }
    return true;
}

template <class S, class Impl>
void bm_forward(benchmark::State& st) {
    auto impl = std::make_unique<Impl>();
    if (!agrees<S>(st, *impl)) return;
    std::size_t k = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(k);
        auto&& out = impl->forward(k);
        benchmark::DoNotOptimize(out);
        k = (k + 1) % S::samples;
    }
    st.SetItemsProcessed(st.iterations());
}

/// train_step over the samples in turn. With Copies > 1, that many networks trained in turn on the
/// same samples, reported per step (items and the `samples` counter): see train_step_interleaved.
template <class S, class Impl, std::size_t Copies = 1>
void bm_train_step(benchmark::State& st) {
    std::array<std::unique_ptr<Impl>, Copies> impls;
    for (auto& impl : impls) {
        impl = std::make_unique<Impl>();
        if (!agrees<S>(st, *impl)) return;
    }
    std::size_t k = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(k);
        for (auto& impl : impls) {
            auto e = impl->train_step(k);
            benchmark::DoNotOptimize(e);
        }
        benchmark::ClobberMemory();  // the weights changed
        k = (k + 1) % S::samples;
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(Copies));
    if constexpr (Copies > 1) st.counters["samples"] = Copies;  // per-step time = time / samples
}

template <class S, class Impl>
void bm_forward_batch(benchmark::State& st) {
    auto impl = std::make_unique<Impl>();
    if (!agrees<S>(st, *impl)) return;
    for (std::size_t first : {std::size_t{0}, S::batch}) {  // the batch path agrees with the single one
        impl->forward_batch(first);
        for (std::size_t j = 0; j < S::batch; ++j) {
            auto const got = impl->batch_output(j);
            auto const want = impl->output(first + j);
            for (std::size_t o = 0; o < S::out; ++o) {
                if (!(std::abs(got[o] - want[o]) <= tolerance<S>())) {
                    st.SkipWithError("forward_batch disagrees with forward");
                    return;
                }
            }
        }
    }
    std::size_t first = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(first);
        const void* out = impl->forward_batch(first);
        benchmark::DoNotOptimize(out);
        benchmark::ClobberMemory();
        first = S::batch - first;  // the other half of the samples next time
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(S::batch));
    st.counters["samples"] = static_cast<double>(S::batch);  // per-sample time = time / samples
}

/// Registers every operation and implementation of shape S, named op/impl/type/shape.
template <class S>
int register_shape() {
    auto add = [](const std::string& op, const std::string& impl, auto fn) {
        benchmark::RegisterBenchmark((op + "/" + impl + "/" + S::name()).c_str(), fn);
    };
    add("forward", "naive", bm_forward<S, naive_impl<S>>);
    add("forward", "scalar", bm_forward<S, fixnet_impl<S, fixnet::scalar_backend>>);
    add("forward", "simd", bm_forward<S, fixnet_impl<S, fixnet::simd_backend>>);
    add("train_step", "naive", bm_train_step<S, naive_impl<S>>);
    add("train_step", "scalar", bm_train_step<S, fixnet_impl<S, fixnet::scalar_backend>>);
    add("train_step", "simd", bm_train_step<S, fixnet_impl<S, fixnet::simd_backend>>);
    add("forward_batch", "naive", bm_forward_batch<S, naive_impl<S>>);
    add("forward_batch", "scalar", bm_forward_batch<S, fixnet_impl<S, fixnet::scalar_backend>>);
    add("forward_batch", "simd", bm_forward_batch<S, fixnet_impl<S, fixnet::simd_backend>>);
    // train_step_interleaved: two simd networks trained in turn, whose steps are independent, so
    // the core may overlap one network's step with the other's, while in train_step each step waits
    // for the weights the step before it wrote. Per step, this taking about half of train_step's
    // time says one step is a chain of dependent operations (latency-bound); about the same, that
    // the core cannot overlap two steps: its throughput bounds them already, or a step of a few
    // hundred instructions is a chain too long for two to fit in its out-of-order window (or, much
    // more, that two networks no longer fit the cache one did).
    add("train_step_interleaved", "simd", bm_train_step<S, fixnet_impl<S, fixnet::simd_backend>, 2>);
#if FIXNET_BENCH_HAVE_EIGEN
    add("forward", "eigen", bm_forward<S, eigen_impl<S>>);
    add("train_step", "eigen", bm_train_step<S, eigen_impl<S>>);
    add("forward_batch", "eigen", bm_forward_batch<S, eigen_impl<S>>);
#endif
    return 0;
}

}  // namespace fixnet_bench
