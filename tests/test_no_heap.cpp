// No heap: forward, loss, backprop, train_step, apply_gradient, initialize and online_trainer allocate nothing, on both
// backends, in float and double, for 2-2-2, 33-17-5, 64-32-2 and 784-128-10 sigmoid networks and a 4-16-16-5-5-3
// network with every activation; nor do train_batch, train_step with a state and fit, with SGD
// (momentum), Adam and Rprop and every loss, on softmax and sigmoid output layers; nor does evaluate
// (every loss, checked and unchecked, and its refusals); nor do save and load (accepted and refused files). A program of its own
// (fixnet_no_heap_test): it replaces every global operator new and delete, and its link wraps malloc,
// calloc and realloc (-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, see tests/CMakeLists.txt), so
// that each call anywhere in the program, the C++ runtime's included, is counted.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include <fixnet/fixnet.hpp>

// ---- counting ---------------------------------------------------------------------------------------

namespace {

// Constant-initialised (no constructor runs), so counting works from the first allocation on.
std::atomic<std::size_t> operator_new_calls{0};
std::atomic<std::size_t> malloc_calls{0};

}  // namespace

extern "C" {
void* __real_malloc(std::size_t size);
void* __real_calloc(std::size_t count, std::size_t size);
void* __real_realloc(void* p, std::size_t size);

void* __wrap_malloc(std::size_t size) {
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __real_malloc(size);
}
void* __wrap_calloc(std::size_t count, std::size_t size) {
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __real_calloc(count, size);
}
void* __wrap_realloc(void* p, std::size_t size) {
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __real_realloc(p, size);
}
}

namespace {

// operator new takes its memory from __real_malloc, so that one `new` counts once (as a new, not
// also as a malloc), and the memory is still malloc's: operator delete gives it back with free.
void* counted_new(std::size_t size) noexcept {
    operator_new_calls.fetch_add(1, std::memory_order_relaxed);
    return __real_malloc(size == 0 ? 1 : size);
}

void* counted_new(std::size_t size, std::align_val_t alignment) noexcept {
    operator_new_calls.fetch_add(1, std::memory_order_relaxed);
    auto const a = static_cast<std::size_t>(alignment);
    return std::aligned_alloc(a, (size + a - 1) / a * a + (size == 0 ? a : 0));  // a multiple of a, at least a
}

void* or_fail(void* p) {
    if (p == nullptr) {
#if defined(__cpp_exceptions)
        throw std::bad_alloc{};
#else
        std::abort();
#endif
    }
    return p;
}

}  // namespace

void* operator new(std::size_t size) { return or_fail(counted_new(size)); }
void* operator new[](std::size_t size) { return or_fail(counted_new(size)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new(std::size_t size, std::align_val_t a) { return or_fail(counted_new(size, a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return or_fail(counted_new(size, a)); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_new(size, a); }
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_new(size, a); }

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

struct allocations {
    std::size_t operator_new = 0;
    std::size_t malloc = 0;  // malloc, calloc and realloc
};

/// Allocations made while f runs (nothing else runs meanwhile: no doctest macro inside f).
template <class F>
allocations allocations_in(F&& f) {
    std::size_t const n0 = operator_new_calls.load(), m0 = malloc_calls.load();
    f();
    return {operator_new_calls.load() - n0, malloc_calls.load() - m0};
}

struct alignas(64) over_aligned {
    unsigned char bytes[64];
};

}  // namespace

// ---- the counter works ------------------------------------------------------------------------------

TEST_CASE("no heap: the counters see allocations made on purpose") {
    // Through volatile pointers, so that the compiler may not elide the allocations.
    auto const by_new = allocations_in([] {
        int* volatile p = new int(7);
        delete p;
    });
    CHECK(by_new.operator_new == 1);
    CHECK(by_new.malloc == 0);

    auto const by_new_array = allocations_in([] {
        double* volatile p = new double[17];
        delete[] p;
    });
    CHECK(by_new_array.operator_new == 1);

    auto const by_aligned_new = allocations_in([] {
        over_aligned* volatile p = new over_aligned;
        delete p;
    });
    CHECK(by_aligned_new.operator_new == 1);

    auto const by_nothrow_new = allocations_in([] {
        int* volatile p = new (std::nothrow) int(3);
        delete p;
    });
    CHECK(by_nothrow_new.operator_new == 1);

    auto const by_malloc = allocations_in([] {
        void* volatile p = std::malloc(24);
        std::free(p);
    });
    CHECK(by_malloc.malloc == 1);
    CHECK(by_malloc.operator_new == 0);

    auto const by_calloc_realloc = allocations_in([] {
        void* volatile p = std::calloc(3, 8);
        void* volatile q = std::realloc(p, 4096);
        std::free(q);
    });
    CHECK(by_calloc_realloc.malloc == 2);

    auto const by_vector = allocations_in([] {
        std::vector<int> v(100, 1);
        int volatile sink = v[99];
        (void)sink;
    });
    CHECK(by_vector.operator_new + by_vector.malloc >= 1);

    auto const by_nothing = allocations_in([] {
        int volatile x = 1;
        x = x + 1;
    });
    CHECK(by_nothing.operator_new == 0);
    CHECK(by_nothing.malloc == 0);
}

// ---- fixnet does not allocate -------------------------------------------------------------------------

namespace {

/// Runs every operation of the contract once on net (and g, zero), counting allocations in each, and
/// checks the operations did their work (so none was compiled away or skipped).
template <class Net>
void check_no_heap(Net& net, typename Net::gradient_type& g) {
    using T = typename Net::value_type;
    INFO(doctest::String(Net::backend_type::name) << " " << Net::input_size << "-...-" << Net::output_size << ", "
                                 << (sizeof(T) == 4 ? "float" : "double"));
    typename Net::input_type x{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = T(i % 7) / T(7);
    typename Net::output_type t{};
    for (std::size_t o = 0; o < t.size(); ++o) t[o] = o % 2 == 0 ? T(0.2) : T(0.8);
    fixnet::sgd<T> const opt{.learning_rate = T(0.05)};

    typename Net::output_type out{};
    T e_loss{}, e_backprop{}, e_step{}, e_after{};
    auto const init = allocations_in([&] { fixnet::initialize(net, 12345); });
    auto const forward = allocations_in([&] { out = net.forward(x); });
    auto const loss = allocations_in([&] { e_loss = fixnet::loss(net, x, t); });
    auto const backprop = allocations_in([&] { e_backprop = fixnet::backprop(net, x, t, g); });
    auto const step = allocations_in([&] { e_step = fixnet::train_step(net, x, t, opt); });
    auto const apply = allocations_in([&] { fixnet::apply_gradient(net, g, opt); });
    auto const after = allocations_in([&] { e_after = fixnet::loss(net, x, t); });
    T e_trainer{};
    auto const trainer = allocations_in([&] {
        fixnet::online_trainer tr(net);
        e_trainer = tr.train_step(x, t, opt);
        (void)tr.train_step(x, t, opt);  // applies the first step's pending part, leaves its own
    });

    for (auto const& op : {std::pair{"initialize", init}, std::pair{"forward", forward}, std::pair{"loss", loss},
                           std::pair{"backprop", backprop}, std::pair{"train_step", step},
                           std::pair{"apply_gradient", apply}, std::pair{"loss after", after},
                           std::pair{"online_trainer", trainer}}) {
        INFO(doctest::String(op.first));
        CHECK(op.second.operator_new == 0);
        CHECK(op.second.malloc == 0);
    }
    // They did their work: outputs in (0, 1), E consistent, and two descent steps lowered E.
    for (T v : out) {
        CHECK(v > T(0));
        CHECK(v < T(1));
    }
    CHECK(e_loss > T(0.01));
    CHECK(e_backprop == doctest::Approx(e_loss).epsilon(1e-5));
    CHECK(e_step == doctest::Approx(e_loss).epsilon(1e-5));
    CHECK(e_after < e_loss);
    CHECK(e_trainer == doctest::Approx(e_after).epsilon(1e-5));
    CHECK(fixnet::loss(net, x, t) < e_after);  // the trainer's two steps (flushed) lowered E again
}

template <class B, class T>
void check_small_networks() {
    fixnet::basic_mlp<B, T, fixnet::sigmoid, 2, 2, 2> tiny{};
    typename decltype(tiny)::gradient_type tiny_g{};
    check_no_heap(tiny, tiny_g);
    fixnet::basic_mlp<B, T, fixnet::sigmoid, 33, 17, 5> odd{};
    typename decltype(odd)::gradient_type odd_g{};
    check_no_heap(odd, odd_g);
    // An input layer that online_trainer steps inside the forward pass on simd_backend (8 KB in float).
    fixnet::basic_mlp<B, T, fixnet::sigmoid, 64, 32, 2> wide{};
    typename decltype(wide)::gradient_type wide_g{};
    check_no_heap(wide, wide_g);
    // Every other activation too (their vector versions run on scratch of their own).
    fixnet::basic_network<B, T, 4, fixnet::dense<16, fixnet::relu>, fixnet::dense<16, fixnet::tanh>,
                          fixnet::dense<5, fixnet::leaky_relu<>>, fixnet::dense<5, fixnet::identity>, fixnet::dense<3, fixnet::sigmoid>>
        mixed{};
    typename decltype(mixed)::gradient_type mixed_g{};
    check_no_heap(mixed, mixed_g);
}

template <class B, class T>
void check_large_network() {
    using net_t = fixnet::basic_mlp<B, T, fixnet::sigmoid, 784, 128, 10>;
    static net_t net{};  // 400 or 800 KB: static storage
    static typename net_t::gradient_type g{};
    check_no_heap(net, g);
}

}  // namespace

TEST_CASE_TEMPLATE("no heap: 2-2-2, 33-17-5 and mixed-activation networks allocate nothing", B, fixnet::scalar_backend, fixnet::simd_backend) {
    check_small_networks<B, float>();
    check_small_networks<B, double>();
}

TEST_CASE_TEMPLATE("no heap: 784-128-10 networks allocate nothing", B, fixnet::scalar_backend, fixnet::simd_backend) {
    check_large_network<B, float>();
    check_large_network<B, double>();
}

// ---- training with optimizers and losses ----------------------------------------------------------------

namespace {

/// 6 samples in std::arrays (inputs in [-0.4, 0.6), one-hot targets): the data the training and
/// evaluate checks below run on.
template <class Net>
struct sample_set {
    std::array<typename Net::input_type, 6> xs{};
    std::array<typename Net::output_type, 6> ts{};
};
template <class Net>
sample_set<Net> six_samples() {
    using T = typename Net::value_type;
    sample_set<Net> s;
    for (std::size_t k = 0; k < s.xs.size(); ++k) {
        for (std::size_t i = 0; i < Net::input_size; ++i) s.xs[k][i] = T((k * 3 + i) % 7) / T(7) - T(0.4);
        s.ts[k][k % Net::output_size] = T(1);
    }
    return s;
}

/// train_batch, train_step with a state, and fit (with a callback, shuffled mini-batches) with loss L
/// and optimizer opt on a batch of 6 samples held in std::arrays, counting allocations in each, and
/// checking they trained (the loss went down).
template <class L, class Net, class Opt>
void check_training_no_heap(const Opt& opt, const char* what) {
    using T = typename Net::value_type;
    INFO(doctest::String(Net::backend_type::name) << " " << Net::input_size << "-...-" << Net::output_size << ", "
                                 << (sizeof(T) == 4 ? "float, " : "double, ") << what);
    auto samples = six_samples<Net>();
    auto& xs = samples.xs;
    auto const& ts = samples.ts;
    std::span<const typename Net::input_type> const in(xs);
    std::span<const typename Net::output_type> const out(ts);
    Net net{};
    fixnet::initialize(net, 99);
    fixnet::optimizer_state<Net, Opt> st{};
    T first{}, last{};
    std::size_t epochs_seen = 0;
    fixnet::train_result<T> r{};
    fixnet::fit_result<T> f{}, f_full{};
    T e_step{};
    auto const batch = allocations_in([&] { r = fixnet::train_batch<L>(net, in, out, opt, st); });
    auto const step = allocations_in([&] { e_step = fixnet::train_step<L>(net, xs[0], ts[0], opt, st); });
    auto const fitted = allocations_in([&] {
        f = fixnet::fit<L>(net, in, out, opt, st, {.epochs = 20, .batch_size = 4, .seed = 5}, [&](std::size_t e, T loss) {
            if (e == 1) first = loss;
            last = loss;
            ++epochs_seen;
        });
    });
    auto const fitted_full = allocations_in([&] { f_full = fixnet::fit<L>(net, in, out, opt, st, {.epochs = 3, .batch_size = 0}); });
    for (auto const& op : {std::pair{"train_batch", batch}, std::pair{"train_step with state", step}, std::pair{"fit", fitted},
                           std::pair{"fit full batch", fitted_full}}) {
        INFO(doctest::String(op.first));
        CHECK(op.second.operator_new == 0);
        CHECK(op.second.malloc == 0);
    }
    CHECK(r.code == fixnet::status::ok);
    CHECK(r.loss > T(0));
    CHECK(e_step > T(0));
    CHECK(f.code == fixnet::status::ok);
    CHECK(f.epochs == 20);
    CHECK(epochs_seen == 20);
    CHECK(last < first);
    CHECK(f_full.epochs == 3);
}

template <class B, class T>
void check_training() {
    using softmax_net = fixnet::basic_network<B, T, 4, fixnet::dense<8, fixnet::softplus>, fixnet::dense<3, fixnet::softmax>>;
    using sigmoid_net = fixnet::basic_network<B, T, 3, fixnet::dense<5, fixnet::softplus>, fixnet::dense<2, fixnet::sigmoid>>;
    fixnet::sgd<T> const momentum{.learning_rate = T(0.1), .momentum = T(0.9), .nesterov = true, .weight_decay = T(0.001)};
    fixnet::adam<T> const adam{.learning_rate = T(0.02), .weight_decay = T(0.001)};
    fixnet::rprop<T> const rprop{};
    check_training_no_heap<fixnet::cross_entropy, softmax_net>(momentum, "cross_entropy, sgd momentum");
    check_training_no_heap<fixnet::cross_entropy, softmax_net>(adam, "cross_entropy, adam");
    check_training_no_heap<fixnet::mean_squared_error, softmax_net>(rprop, "mean_squared_error, rprop");
    check_training_no_heap<fixnet::binary_cross_entropy, sigmoid_net>(adam, "binary_cross_entropy, adam");
    check_training_no_heap<fixnet::binary_cross_entropy, sigmoid_net>(rprop, "binary_cross_entropy, rprop");
    check_training_no_heap<fixnet::mean_squared_error, sigmoid_net>(momentum, "mean_squared_error, sgd momentum");
    check_training_no_heap<fixnet::half_squared_error, sigmoid_net>(adam, "half_squared_error, adam");
}

}  // namespace

TEST_CASE_TEMPLATE("no heap: train_batch, train_step with a state and fit allocate nothing, every optimizer and loss", B,
                   fixnet::scalar_backend, fixnet::simd_backend) {
    check_training<B, float>();
    check_training<B, double>();
}

// ---- evaluate -------------------------------------------------------------------------------------------

namespace {

/// evaluate with loss L, checked and unchecked, on a batch of 6 samples held in std::arrays, and its
/// refusals (size mismatch, empty, a NaN input).
template <class L, class Net>
void check_evaluate_no_heap(const char* what) {
    using T = typename Net::value_type;
    INFO(doctest::String(Net::backend_type::name) << " " << Net::input_size << "-...-" << Net::output_size << ", "
                                 << (sizeof(T) == 4 ? "float, " : "double, ") << what);
    auto samples = six_samples<Net>();
    auto& xs = samples.xs;
    auto const& ts = samples.ts;
    std::span<const typename Net::input_type> const in(xs);
    std::span<const typename Net::output_type> const out(ts);
    Net net{};
    fixnet::initialize(net, 99);
    fixnet::evaluation<T> checked{}, unchecked{}, mismatch{}, empty{}, refused{};
    auto const counted = allocations_in([&] {
        checked = fixnet::evaluate<L>(net, in, out);
        unchecked = fixnet::evaluate<L, fixnet::unchecked>(net, in, out);
        mismatch = fixnet::evaluate<L>(net, in, out.first(5));
        empty = fixnet::evaluate<L>(net, in.first(0), out.first(0));
        xs[2][0] = std::numeric_limits<T>::quiet_NaN();
        refused = fixnet::evaluate<L>(net, in, out);
    });
    CHECK(counted.operator_new == 0);
    CHECK(counted.malloc == 0);
    CHECK(checked.code == fixnet::status::ok);
    CHECK(checked.count == 6);
    CHECK(checked.loss > T(0));
    CHECK(unchecked.loss == checked.loss);
    CHECK(mismatch.code == fixnet::status::size_mismatch);
    CHECK(empty.code == fixnet::status::empty_batch);
    CHECK(refused.code == fixnet::status::non_finite_value);
}

template <class B, class T>
void check_evaluate() {
    using softmax_net = fixnet::basic_network<B, T, 4, fixnet::dense<8, fixnet::softplus>, fixnet::dense<3, fixnet::softmax>>;
    using sigmoid_net = fixnet::basic_network<B, T, 3, fixnet::dense<5, fixnet::softplus>, fixnet::dense<2, fixnet::sigmoid>>;
    check_evaluate_no_heap<fixnet::cross_entropy, softmax_net>("cross_entropy");
    check_evaluate_no_heap<fixnet::mean_squared_error, softmax_net>("mean_squared_error");
    check_evaluate_no_heap<fixnet::binary_cross_entropy, sigmoid_net>("binary_cross_entropy");
    check_evaluate_no_heap<fixnet::half_squared_error, sigmoid_net>("half_squared_error");
}

}  // namespace

TEST_CASE_TEMPLATE("no heap: evaluate allocates nothing, every loss, checked and unchecked", B, fixnet::scalar_backend,
                   fixnet::simd_backend) {
    check_evaluate<B, float>();
    check_evaluate<B, double>();
}

// ---- save and load ------------------------------------------------------------------------------------

namespace {

/// save, load of the saved file, and load of broken copies (truncated, bad magic, a flipped
/// parameter bit, a NaN, another shape) allocate nothing; the buffers are std::arrays (static for
/// the large network).
template <class Net, class Other>
void check_serialize_no_heap(Net& net) {
    using T = typename Net::value_type;
    INFO(doctest::String(Net::backend_type::name) << " " << Net::input_size << "-...-" << Net::output_size << ", "
                                 << (sizeof(T) == 4 ? "float" : "double"));
    constexpr std::size_t size = fixnet::serialized_size<Net>;
    static std::array<std::byte, size> file{};
    static std::array<std::byte, size> broken{};
    static std::array<std::byte, fixnet::serialized_size<Other>> other{};
    static Other other_net{};
    fixnet::initialize(net, 77);
    fixnet::status saved{}, too_small{}, loaded{}, truncated{}, magic{}, checksum{}, shape{}, non_finite{};
    auto const save = allocations_in([&] { saved = fixnet::save(net, std::span<std::byte>(file)); });
    auto const save_short = allocations_in([&] { too_small = fixnet::save(net, std::span<std::byte>(broken).first(size - 1)); });
    auto const load = allocations_in([&] { loaded = fixnet::load(net, std::span<const std::byte>(file)); });
    auto const load_truncated = allocations_in([&] { truncated = fixnet::load(net, std::span<const std::byte>(file).first(size - 1)); });
    broken = file;
    broken[0] = std::byte{'G'};
    auto const load_magic = allocations_in([&] { magic = fixnet::load(net, std::span<const std::byte>(broken)); });
    broken = file;
    broken[size - 9] ^= std::byte{1};
    auto const load_checksum = allocations_in([&] { checksum = fixnet::load(net, std::span<const std::byte>(broken)); });
    (void)fixnet::save(other_net, std::span<std::byte>(other));
    auto const load_shape = allocations_in([&] { shape = fixnet::load(net, std::span<const std::byte>(other)); });
    net.template layer<0>().biases[0] = std::numeric_limits<T>::quiet_NaN();
    (void)fixnet::save(net, std::span<std::byte>(broken));
    auto const load_nan = allocations_in([&] { non_finite = fixnet::load(net, std::span<const std::byte>(broken)); });
    for (auto const& op : {std::pair{"save", save}, std::pair{"save, buffer too small", save_short}, std::pair{"load", load},
                           std::pair{"load truncated", load_truncated}, std::pair{"load bad magic", load_magic},
                           std::pair{"load checksum mismatch", load_checksum}, std::pair{"load shape mismatch", load_shape},
                           std::pair{"load non-finite", load_nan}}) {
        INFO(doctest::String(op.first));
        CHECK(op.second.operator_new == 0);
        CHECK(op.second.malloc == 0);
    }
    CHECK(saved == fixnet::status::ok);
    CHECK(too_small == fixnet::status::buffer_too_small);
    CHECK(loaded == fixnet::status::ok);
    CHECK(truncated == fixnet::status::truncated);
    CHECK(magic == fixnet::status::bad_magic);
    CHECK(checksum == fixnet::status::checksum_mismatch);
    CHECK(shape == fixnet::status::shape_mismatch);
    CHECK(non_finite == fixnet::status::non_finite_value);
}

template <class B, class T>
void check_serialize() {
    using other_t = fixnet::basic_mlp<B, T, fixnet::sigmoid, 2, 3, 2>;
    fixnet::basic_mlp<B, T, fixnet::sigmoid, 2, 2, 2> tiny{};
    check_serialize_no_heap<decltype(tiny), other_t>(tiny);
    fixnet::basic_network<B, T, 4, fixnet::dense<16, fixnet::relu>, fixnet::dense<16, fixnet::tanh>,
                          fixnet::dense<5, fixnet::leaky_relu<>>, fixnet::dense<5, fixnet::softplus>, fixnet::dense<3, fixnet::softmax>>
        mixed{};
    check_serialize_no_heap<decltype(mixed), other_t>(mixed);
    using large_t = fixnet::basic_mlp<B, T, fixnet::sigmoid, 784, 128, 10>;
    static large_t large{};  // 400 or 800 KB: static storage, as its file
    check_serialize_no_heap<large_t, other_t>(large);
}

}  // namespace

TEST_CASE_TEMPLATE("no heap: save and load (ok and every kind of refusal) allocate nothing", B, fixnet::scalar_backend,
                   fixnet::simd_backend) {
    check_serialize<B, float>();
    check_serialize<B, double>();
}
