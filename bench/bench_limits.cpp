// The machine's own limits, against which bench/report.py reads the network benchmarks: reading
// and rewriting weights from L1 and, for the large shapes, from the cache they live in, the throughput of
// fused multiply-adds, the latency of a vector addition, and the latency and throughput of the vector sigmoid. Named
// limit/<what>/f32/<size>.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

#include <fixnet/fixnet.hpp>

#if FIXNET_HAS_SIMD
namespace {

using batch = xsimd::batch<float>;
constexpr std::size_t lanes = batch::size;

/// A buffer of `bytes` bytes, aligned for the widest batch, filled with small values.
struct buffer {
    std::size_t count;
    std::unique_ptr<float[]> data;
    float* p;
    explicit buffer(std::size_t bytes) : count(bytes / sizeof(float)), data(new float[count + 64]) {
        p = data.get();
        while (reinterpret_cast<std::uintptr_t>(p) % (lanes * sizeof(float)) != 0) ++p;
        for (std::size_t i = 0; i < count; ++i) p[i] = float(i % 7) * 0.01f;
    }
};

/// Reads the buffer once per iteration, batch by batch, into 8 independent sums: what a forward pass
/// over weights of that size cannot beat (its FMAs need each weight loaded once). The sums are added
/// into one before DoNotOptimize: DoNotOptimize on each element of the array kept the array in
/// memory, and g++ then stored all 8 sums on every pass of the loop (a read and write, not a read).
void bm_read(benchmark::State& st, std::size_t bytes) {
    buffer b(bytes);
    for (auto _ : st) {
        std::array<batch, 8> acc;
        for (auto& a : acc) a = batch(0.0f);
        for (std::size_t i = 0; i + 8 * lanes <= b.count; i += 8 * lanes)
            for (std::size_t k = 0; k < 8; ++k) acc[k] += batch::load_aligned(b.p + i + k * lanes);
        batch total = acc[0];
        for (std::size_t k = 1; k < 8; ++k) total += acc[k];
        benchmark::DoNotOptimize(total);
    }
    st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(bytes));
}

/// Reads and rewrites the buffer once per iteration (v += c, batch by batch, 8 batches per pass of
/// the loop as bm_read): what an SGD step over weights of that size cannot beat. With one batch per
/// pass it measured slower, and unevenly from one process to the next: 16 KB took 377-806 ns in 9
/// processes, against 176-209 ns with 8 per pass (AVX2, Zen 3). The loop was the limit, not the cache.
void bm_read_write(benchmark::State& st, std::size_t bytes) {
    buffer b(bytes);
    batch const c(1e-7f);
    for (auto _ : st) {
        for (std::size_t i = 0; i + 8 * lanes <= b.count; i += 8 * lanes)
            for (std::size_t k = 0; k < 8; ++k) {
                float* const p = b.p + i + k * lanes;
                (batch::load_aligned(p) + c).store_aligned(p);
            }
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(bytes));
}

/// 12 independent chains of batch FMAs, 100 steps each per iteration; reported per FMA (one batch
/// of lanes): the core's FMA throughput.
void bm_fma(benchmark::State& st) {
    std::array<batch, 12> a;
    for (std::size_t k = 0; k < a.size(); ++k) a[k] = batch(float(k) * 1e-3f);
    batch const m(0.999f), c(1e-4f);
    for (auto _ : st) {
        for (int r = 0; r < 100; ++r)
            for (auto& v : a) v = xsimd::fma(v, m, c);
        for (auto& v : a) benchmark::DoNotOptimize(v);
    }
    st.SetItemsProcessed(st.iterations() * 100 * static_cast<std::int64_t>(a.size()));
    st.counters["samples"] = 100.0 * static_cast<double>(a.size());  // per-FMA time = time / samples
}

/// The vector sigmoid of simd_backend applied to its own result, 100 times per iteration; reported
/// per sigmoid: its latency, the time a chain of dependent sigmoids (a train_step's) takes for each.
void bm_sigmoid_chain(benchmark::State& st) {
    batch v(0.3f);
    for (auto _ : st) {
        for (int r = 0; r < 100; ++r) v = fixnet::kernels::simd::activate<fixnet::sigmoid>(v);
        benchmark::DoNotOptimize(v);
    }
    st.SetItemsProcessed(st.iterations() * 100);
    st.counters["samples"] = 100.0;
}

/// One batch addition applied to its own result, 100 times per iteration; reported per addition:
/// the latency of the quickest vector arithmetic (an FMA's is longer on every x86 core fixnet
/// targets), the least any dependent step of a train_step's chain can take (bench/report.py).
/// No -ffast-math here, so the compiler may not regroup the additions into fewer steps.
void bm_add_chain(benchmark::State& st) {
    batch v(0.3f);
    batch const c(1e-7f);
    for (auto _ : st) {
        for (int r = 0; r < 100; ++r) v = v + c;
        benchmark::DoNotOptimize(v);
    }
    st.SetItemsProcessed(st.iterations() * 100);
    st.counters["samples"] = 100.0;
}

/// The vector sigmoid applied to Chains independent batches, each to its own result, 100 times per
/// iteration; reported per sigmoid: its throughput, the least time a sigmoid of independent values
/// (a layer's batches, forward_batch's samples) takes. 4 chains, the fastest measured (AVX2, Zen 3,
/// ns per sigmoid: 4.0-4.1 with 4 chains, 4.3-4.6 with 8, 5.3-6.3 with 12, whose values no longer
/// fit the 16 registers with the sigmoid's constants; one chain, sigmoid_chain, 13.5).
template <std::size_t Chains>
void bm_sigmoid(benchmark::State& st) {
    std::array<batch, Chains> v;
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = batch(float(k) * 0.1f - 0.3f);
    for (auto _ : st) {
        for (int r = 0; r < 100; ++r)
            for (auto& x : v) x = fixnet::kernels::simd::activate<fixnet::sigmoid>(x);
        for (auto& x : v) benchmark::DoNotOptimize(x);
    }
    st.SetItemsProcessed(st.iterations() * 100 * static_cast<std::int64_t>(Chains));
    st.counters["samples"] = 100.0 * static_cast<double>(Chains);
}

int register_limits() {
    std::string const f32 = "/f32/";
    // One 64-64-64 layer (64 * 64 floats, 16 KB, in L1: the rate of loads and stores the smaller
    // shapes' weights pass at), all the 64-64-64 parameters (2 * 65 * 64 floats, 32.5 KB: more than
    // a 32 KB L1 data cache holds, so a pass over them in turn misses it), the weights of
    // 128-128-128 (two layers of 128 * 128 floats, 128 KB, L2) and the input layer of 784-128-10
    // (784 * 128 floats, 392 KB).
    for (auto const& [size, bytes] : {std::pair<char const*, std::size_t>{"16KB", 16 * 1024}, {"32.5KB", 2 * 65 * 64 * 4},
                                      {"128KB", 128 * 1024}, {"392KB", 392 * 1024}}) {
        benchmark::RegisterBenchmark(("limit/read" + f32 + size).c_str(), bm_read, bytes);
        benchmark::RegisterBenchmark(("limit/read_write" + f32 + size).c_str(), bm_read_write, bytes);
    }
    benchmark::RegisterBenchmark(("limit/fma" + f32 + std::to_string(lanes)).c_str(), bm_fma);
    benchmark::RegisterBenchmark(("limit/add_chain" + f32 + std::to_string(lanes)).c_str(), bm_add_chain);
    benchmark::RegisterBenchmark(("limit/sigmoid_chain" + f32 + std::to_string(lanes)).c_str(), bm_sigmoid_chain);
    benchmark::RegisterBenchmark(("limit/sigmoid" + f32 + std::to_string(lanes)).c_str(), bm_sigmoid<4>);
    return 0;
}
int const registered = register_limits();

}  // namespace
#endif
