// save and load (docs/format.md): bit-exact round trips on both backends in float and double, files
// exchanged between backends, the exact bytes of a small file, every status load and save return
// (with the network unchanged after each failure), constant evaluation, and to_string. The expected
// statuses come from tests/fuzz/format_spec.hpp, a reading of docs/format.md that shares no code
// with the library (its CRC-32 works bit by bit).
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <ratio>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fixnet/activations.hpp>
#include <fixnet/backend.hpp>
#include <fixnet/network.hpp>
#include <fixnet/serialize.hpp>
#include <fixnet/status.hpp>

#include "fuzz/format_spec.hpp"

namespace test_serialize {

namespace {

using fixnet::dense;
using fixnet::scalar_backend;
using fixnet::simd_backend;
using fixnet::status;
using bytes = std::vector<std::byte>;

// ---- helpers ----------------------------------------------------------------------------------------

/// f(array) for each parameter array of net in the file's order: each layer's weights, then its biases.
template <class Net, class F>
constexpr void for_each_array(Net& net, F&& f) {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((f(net.template layer<L>().weights), f(net.template layer<L>().biases)), ...);
    }(std::make_index_sequence<std::remove_cvref_t<Net>::layer_count>{});
}

/// Distinct values of both signs with full mantissas, different for each seed (an LCG: the same at
/// compile time).
template <class Net>
constexpr void fill(Net& net, std::uint32_t seed) {
    using T = typename std::remove_cvref_t<Net>::value_type;
    std::uint32_t k = seed * 7919u + 1u;
    for_each_array(net, [&](auto& p) {
        for (auto& v : p) {
            k = k * 1664525u + 1013904223u;
            v = (static_cast<T>(k >> 8) / static_cast<T>(1u << 24) - T(0.5)) * T(3);
        }
    });
}

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T, std::size_t N>
constexpr bool equal_bits(const std::array<T, N>& x, const std::array<T, N>& y) {
    for (std::size_t i = 0; i < N; ++i)
        if (std::bit_cast<bits_t<T>>(x[i]) != std::bit_cast<bits_t<T>>(y[i])) return false;
    return true;
}

/// Every parameter of a and b has the same bits (-0 differs from +0; NaNs compare by payload).
/// a and b may have different backends.
template <class A, class B>
constexpr bool same_bits(const A& a, const B& b) {
    static_assert(A::layer_count == B::layer_count);
    bool same = true;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((same = same && equal_bits(a.template layer<L>().weights, b.template layer<L>().weights) &&
                 equal_bits(a.template layer<L>().biases, b.template layer<L>().biases)),
         ...);
    }(std::make_index_sequence<A::layer_count>{});
    return same;
}

template <class Net>
bytes saved(const Net& net) {
    bytes file(fixnet::serialized_size<Net>);
    REQUIRE(fixnet::save(net, std::span<std::byte>(file)) == status::ok);
    return file;
}

template <class Net>
std::unique_ptr<Net> filled(std::uint32_t seed) {
    auto net = std::make_unique<Net>();
    fill(*net, seed);
    return net;
}

template <class Net>
typename Net::input_type some_input() {
    using T = typename Net::value_type;
    typename Net::input_type x{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(i % 5) / T(5) - T(0.3);
    return x;
}

/// Rewrites the checksum of a file of network type Net after a patch (with the test's own CRC).
template <class Net>
void fix_crc(bytes& file) {
    constexpr std::size_t body = fixnet_spec::layout<Net>::body;
    fixnet_spec::put_le<std::uint32_t>(&file[body], fixnet_spec::crc32(std::span<const std::byte>(file).first(body)));
}

template <class T>
const char* type_name() {
    return sizeof(T) == 4 ? "float" : "double";
}

template <class Net>
doctest::String describe() {
    std::string const s = std::string(Net::backend_type::name) + " " + type_name<typename Net::value_type>() + " " +
                          std::to_string(Net::input_size) + "-...-" + std::to_string(Net::output_size) + " (" +
                          std::to_string(Net::layer_count) + " layers)";
    return doctest::String(s.c_str());
}

/// load(net, in) with its result checked against the spec reading, and net unchanged unless ok.
template <class Net>
status load_checked(Net& net, std::span<const std::byte> in) {
    auto const before = std::make_unique<Net>(net);
    status const s = fixnet::load(net, in);
    CHECK(fixnet_spec::agrees<Net>(s, in));
    if (s != status::ok) CHECK(same_bits(net, *before));
    return s;
}

// ---- the shapes of the rest of the suite ------------------------------------------------------------

template <class B, class T>
using net_222 = fixnet::basic_mlp<B, T, fixnet::sigmoid, 2, 2, 2>;
template <class B, class T>
using net_8_16_8 = fixnet::basic_mlp<B, T, fixnet::sigmoid, 8, 16, 8>;
template <class B, class T>
using net_mixed = fixnet::basic_network<B, T, 4, dense<5, fixnet::relu>, dense<4, fixnet::tanh>, dense<3, fixnet::softmax>>;
template <class B, class T>
using net_leaky = fixnet::basic_network<B, T, 3, dense<6, fixnet::leaky_relu<std::ratio<1, 5>>>, dense<4, fixnet::softplus>,
                                        dense<2, fixnet::sigmoid>>;
template <class B, class T>
using net_131 = fixnet::basic_network<B, T, 1, dense<3, fixnet::tanh>, dense<1, fixnet::identity>>;
template <class B, class T>
using net_784 = fixnet::basic_mlp<B, T, fixnet::sigmoid, 784, 128, 10>;

// serialized_size is 16 + 24 L + parameter_count sizeof(T) + 4.
static_assert(fixnet::serialized_size<net_222<scalar_backend, float>> == 16 + 2 * 24 + 12 * 4 + 4);
static_assert(fixnet::serialized_size<net_222<simd_backend, double>> == 16 + 2 * 24 + 12 * 8 + 4);
static_assert(fixnet::serialized_size<net_leaky<simd_backend, double>> == 16 + 3 * 24 + (24 + 28 + 10) * 8 + 4);
static_assert(fixnet::serialized_size<net_784<simd_backend, float>> == 16 + 2 * 24 + (784 * 128 + 128 + 128 * 10 + 10) * 4 + 4);
static_assert(fixnet::serialized_size<const net_131<scalar_backend, float>&> == 16 + 2 * 24 + 10 * 4 + 4);

// ---- round trips ------------------------------------------------------------------------------------

/// Saved, loaded into a network holding other values: the same bits, the same outputs, and saved
/// again the same bytes.
template <class Net>
void check_round_trip(std::uint32_t seed) {
    INFO(describe<Net>());
    auto const a = filled<Net>(seed);
    bytes const file = saved(*a);
    CHECK(fixnet_spec::expected_load_status<Net>(file) == status::ok);
    auto b = filled<Net>(seed + 1);
    REQUIRE_FALSE(same_bits(*a, *b));
    CHECK(fixnet::load(*b, file) == status::ok);
    CHECK(same_bits(*a, *b));
    auto const x = some_input<Net>();
    auto const ya = a->forward(x), yb = b->forward(x);
    CHECK(std::memcmp(ya.data(), yb.data(), sizeof(ya)) == 0);
    CHECK(saved(*b) == file);
}

template <class B, class T>
void check_round_trips() {
    check_round_trip<net_222<B, T>>(1);
    check_round_trip<net_8_16_8<B, T>>(2);
    check_round_trip<net_mixed<B, T>>(3);
    check_round_trip<net_leaky<B, T>>(4);
    check_round_trip<net_131<B, T>>(5);
    check_round_trip<net_784<B, T>>(6);
}

/// Saved by one backend, loaded by the other: the same bits, and the other saves the same bytes.
template <class From, class Into>
void check_across_backends(std::uint32_t seed) {
    INFO(describe<From>() << " into " << describe<Into>());
    auto const a = filled<From>(seed);
    bytes const file = saved(*a);
    auto b = filled<Into>(seed + 1);
    CHECK(fixnet::load(*b, file) == status::ok);
    CHECK(same_bits(*a, *b));
    CHECK(saved(*b) == file);
    // Networks with the same values write the same file whatever their backend.
    auto const c = filled<Into>(seed);
    CHECK(saved(*c) == file);
}

template <class T>
void check_across_backends_all() {
    check_across_backends<net_222<scalar_backend, T>, net_222<simd_backend, T>>(10);
    check_across_backends<net_222<simd_backend, T>, net_222<scalar_backend, T>>(11);
    check_across_backends<net_mixed<scalar_backend, T>, net_mixed<simd_backend, T>>(12);
    check_across_backends<net_leaky<simd_backend, T>, net_leaky<scalar_backend, T>>(13);
    check_across_backends<net_784<scalar_backend, T>, net_784<simd_backend, T>>(14);
    check_across_backends<net_784<simd_backend, T>, net_784<scalar_backend, T>>(15);
}

/// -0, the smallest subnormal, the largest and smallest finite values, the smallest normal: each
/// comes back with its bits.
template <class Net>
void check_special_values() {
    using T = typename Net::value_type;
    using lim = std::numeric_limits<T>;
    INFO(describe<Net>());
    auto a = filled<Net>(20);
    a->template layer<0>().weights = {T(-0.0), lim::denorm_min(), lim::max(), lim::lowest()};
    a->template layer<0>().biases = {lim::min(), -lim::denorm_min()};
    a->template layer<1>().biases = {T(0.0), -lim::epsilon()};
    bytes const file = saved(*a);
    auto b = filled<Net>(21);
    CHECK(load_checked(*b, file) == status::ok);
    CHECK(same_bits(*a, *b));
    CHECK(std::signbit(b->template layer<0>().weights[0]));
}

}  // namespace

TEST_CASE_TEMPLATE("serialize: round trips are bit-exact (2-2-2, 8-16-8, mixed, leaky, 1-3-1, 784-128-10)", B, scalar_backend,
                   simd_backend) {
    check_round_trips<B, float>();
    check_round_trips<B, double>();
}

TEST_CASE("serialize: a file saved on one backend loads on the other, and both save the same bytes") {
    check_across_backends_all<float>();
    check_across_backends_all<double>();
}

TEST_CASE_TEMPLATE("serialize: -0, subnormals and the extremes of the type round-trip bit-exact", B, scalar_backend, simd_backend) {
    check_special_values<net_222<B, float>>();
    check_special_values<net_222<B, double>>();
}

// ---- the bytes of the format ------------------------------------------------------------------------

namespace {

template <class... V>
bytes from(V... v) {
    return {static_cast<std::byte>(v)...};
}

void append(bytes& out, const bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

void append_crc(bytes& out) {
    std::uint32_t const c = fixnet_spec::crc32(out);
    append(out, from(c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, c >> 24));
}

}  // namespace

TEST_CASE("serialize: CRC-32 check values, the test's bitwise CRC and the library's table") {
    constexpr std::array<std::byte, 9> digits{std::byte{'1'}, std::byte{'2'}, std::byte{'3'}, std::byte{'4'}, std::byte{'5'},
                                              std::byte{'6'}, std::byte{'7'}, std::byte{'8'}, std::byte{'9'}};
    static_assert(fixnet_spec::crc32(digits) == 0xCBF43926u);
    static_assert(fixnet::detail::crc32(digits) == 0xCBF43926u);
    CHECK(fixnet::detail::crc32(digits) == 0xCBF43926u);
    CHECK(fixnet_spec::crc32({}) == 0u);
    CHECK(fixnet::detail::crc32({}) == 0u);
    // The two implementations agree on every single byte and on a long irregular run.
    bytes run;
    for (unsigned v = 0; v < 256; ++v) {
        bytes const one = from(v);
        CHECK(fixnet::detail::crc32(one) == fixnet_spec::crc32(one));
    }
    for (unsigned k = 0; k < 5000; ++k) run.push_back(static_cast<std::byte>((k * 131u + k / 7u) & 0xFF));
    CHECK(fixnet::detail::crc32(run) == fixnet_spec::crc32(run));
}

TEST_CASE_TEMPLATE("serialize: a 1-1 identity network (weight 1, bias -2) saves byte for byte what docs/format.md says", B,
                   scalar_backend, simd_backend) {
    SUBCASE("float") {
        fixnet::basic_network<B, float, 1, dense<1, fixnet::identity>> net{};
        net.template layer<0>().weight(0, 0) = 1.0f;
        net.template layer<0>().bias(0) = -2.0f;
        bytes want = from('F', 'X', 'N', 'T', 1, 0, /* float32 */ 1, /* reserved */ 0, /* layers */ 1, 0, 0, 0, /* input */ 1, 0, 0, 0);
        append(want, from(/* width */ 1, 0, 0, 0, /* identity */ 1, 0, 0, 0, /* num 0 */ 0, 0, 0, 0, 0, 0, 0, 0, /* den 1 */ 1, 0, 0,
                          0, 0, 0, 0, 0));
        append(want, from(0x00, 0x00, 0x80, 0x3F));  // 1.0f = 0x3F800000
        append(want, from(0x00, 0x00, 0x00, 0xC0));  // -2.0f = 0xC0000000
        append_crc(want);
        CHECK(want.size() == 52);
        CHECK(fixnet::serialized_size<decltype(net)> == 52);
        CHECK(saved(net) == want);
        decltype(net) back{};
        CHECK(load_checked(back, want) == status::ok);
        CHECK(back.forward({5.0f})[0] == 3.0f);
    }
    SUBCASE("double") {
        fixnet::basic_network<B, double, 1, dense<1, fixnet::identity>> net{};
        net.template layer<0>().weight(0, 0) = 1.0;
        net.template layer<0>().bias(0) = -2.0;
        bytes want = from('F', 'X', 'N', 'T', 1, 0, /* float64 */ 2, 0, 1, 0, 0, 0, 1, 0, 0, 0);
        append(want, from(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0));
        append(want, from(0, 0, 0, 0, 0, 0, 0xF0, 0x3F));  // 1.0 = 0x3FF0000000000000
        append(want, from(0, 0, 0, 0, 0, 0, 0x00, 0xC0));  // -2.0 = 0xC000000000000000
        append_crc(want);
        CHECK(want.size() == 60);
        CHECK(saved(net) == want);
    }
}

TEST_CASE("serialize: layer records hold width, activation id and the reduced leaky_relu slope; the rest of the file matches the spec") {
    using net_t = fixnet::basic_network<scalar_backend, float, 3, dense<2, fixnet::leaky_relu<std::ratio<2, 10>>>, dense<4, fixnet::leaky_relu<>>,
                                        dense<1, fixnet::softplus>>;
    auto const net = filled<net_t>(30);
    bytes const file = saved(*net);
    auto const at = [&](std::size_t from_byte, std::size_t n) { return bytes(file.begin() + static_cast<std::ptrdiff_t>(from_byte), file.begin() + static_cast<std::ptrdiff_t>(from_byte + n)); };
    CHECK(at(8, 8) == from(3, 0, 0, 0, 3, 0, 0, 0));                                                            // 3 layers, input 3
    CHECK(at(16, 24) == from(2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0));       // 2/10 as 1/5
    CHECK(at(40, 24) == from(4, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0));     // default 1/100
    CHECK(at(64, 24) == from(1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0));       // softplus, 0/1
    auto const head = fixnet_spec::head_bytes<net_t>();
    CHECK(at(0, head.size()) == bytes(head.begin(), head.end()));
    // Parameters: layer by layer, weights input-major (i * Out + o), then biases; little-endian bits.
    std::size_t pos = fixnet_spec::layout<net_t>::head;
    for_each_array(*net, [&](const auto& p) {
        for (float const v : p) {
            std::uint32_t const u = std::bit_cast<std::uint32_t>(v);
            CHECK(at(pos, 4) == from(u & 0xFF, (u >> 8) & 0xFF, (u >> 16) & 0xFF, u >> 24));
            pos += 4;
        }
    });
    CHECK(net->layer<0>().weights[1 * 2 + 0] == net->layer<0>().weight(0, 1));  // the order the file says
    CHECK(pos == fixnet_spec::layout<net_t>::body);
    std::uint32_t const c = fixnet_spec::crc32(std::span<const std::byte>(file).first(pos));
    CHECK(at(pos, 4) == from(c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, c >> 24));
    CHECK(pos + 4 == file.size());
    // A slope written 2/10 is the slope 1/5: the files are interchangeable.
    using same_slope = fixnet::basic_network<simd_backend, float, 3, dense<2, fixnet::leaky_relu<std::ratio<1, 5>>>, dense<4, fixnet::leaky_relu<std::ratio<1, 100>>>,
                                             dense<1, fixnet::softplus>>;
    same_slope other{};
    CHECK(load_checked(other, file) == status::ok);
    CHECK(same_bits(other, *net));
}

// ---- every status, with the network unchanged -------------------------------------------------------

namespace {

/// Every prefix of a valid file (lengths 0 .. size-1) is refused with the status the spec gives it,
/// which is always truncated: a prefix of a valid file is never bad_magic.
template <class Net>
void check_every_truncation() {
    INFO(describe<Net>());
    auto const src = filled<Net>(40);
    bytes const file = saved(*src);
    auto net = filled<Net>(41);
    auto const before = std::make_unique<Net>(*net);
    std::size_t refused = 0;
    for (std::size_t n = 0; n < file.size(); ++n) {
        auto const prefix = std::span<const std::byte>(file).first(n);
        status const want = fixnet_spec::expected_load_status<Net>(prefix);
        status const got = fixnet::load(*net, prefix);
        if (want != status::truncated || got != want || !same_bits(*net, *before)) {
            INFO("length " << n << " of " << file.size() << ": got " << fixnet::to_string(got).data() << ", spec " << fixnet::to_string(want).data());
            CHECK(want == status::truncated);
            CHECK(got == want);
            CHECK(same_bits(*net, *before));
        } else {
            ++refused;
        }
    }
    CHECK(refused == file.size());
    CHECK(fixnet::load(*net, file) == status::ok);  // the whole file still loads
    CHECK(same_bits(*net, *src));
}

/// The status docs/format.md gives a file whose byte b has one bit flipped.
template <class Net>
status status_of_flip_at(std::size_t b) {
    if (b < 4) return status::bad_magic;
    if (b < 6) return status::unsupported_version;
    if (b < 8) return status::type_mismatch;  // the element type and the reserved byte
    if (b < fixnet_spec::layout<Net>::head) return status::shape_mismatch;  // layer count, input width, layer records
    return status::checksum_mismatch;  // parameters and the checksum itself
}

/// Every single-bit flip of a file (with 16 trailing bytes after it) is refused with the status of
/// its region, the network unchanged; flips in the trailing bytes are ignored.
template <class Net>
std::map<status, std::size_t> check_every_bit_flip() {
    INFO(describe<Net>());
    auto const src = filled<Net>(50);
    bytes file = saved(*src);
    std::size_t const size = file.size();
    for (unsigned k = 0; k < 16; ++k) file.push_back(static_cast<std::byte>(0xA0 + k));
    auto net = filled<Net>(51);
    auto const before = std::make_unique<Net>(*net);
    std::map<status, std::size_t> count;
    std::size_t mismatches = 0;
    for (std::size_t b = 0; b < file.size(); ++b) {
        for (unsigned bit = 0; bit < 8; ++bit) {
            bytes flipped = file;
            flipped[b] ^= static_cast<std::byte>(1u << bit);
            status const want = b < size ? status_of_flip_at<Net>(b) : status::ok;
            status const got = fixnet::load(*net, flipped);
            ++count[got];
            bool const unchanged = same_bits(*net, *before);
            if (got != want || fixnet_spec::expected_load_status<Net>(flipped) != want || (want != status::ok && !unchanged)) {
                ++mismatches;
                INFO("byte " << b << " bit " << bit << ": got " << fixnet::to_string(got).data() << ", want " << fixnet::to_string(want).data());
                CHECK(got == want);
                CHECK(fixnet_spec::expected_load_status<Net>(flipped) == want);
                CHECK(unchanged);
            }
            if (got == status::ok) *net = *before;  // (only a flip in the trailing bytes loads)
        }
    }
    CHECK(mismatches == 0);
    constexpr std::size_t head = fixnet_spec::layout<Net>::head;
    CHECK(count[status::bad_magic] == 4 * 8);
    CHECK(count[status::unsupported_version] == 2 * 8);
    CHECK(count[status::type_mismatch] == 2 * 8);
    CHECK(count[status::shape_mismatch] == (head - 8) * 8);
    CHECK(count[status::checksum_mismatch] == (size - head) * 8);
    CHECK(count[status::ok] == 16 * 8);
    CHECK(count.size() == 6);
    return count;
}

/// A file saved by From, loaded into Into: refused with `want`, Into unchanged.
template <class From, class Into>
void check_refused(status want) {
    INFO(describe<From>() << " into " << describe<Into>());
    bytes const file = saved(*filled<From>(60));
    auto net = filled<Into>(61);
    CHECK(fixnet_spec::expected_load_status<Into>(file) == want);
    CHECK(load_checked(*net, file) == want);
}

template <class Net>
void check_versions() {
    INFO(describe<Net>());
    bytes const file = saved(*filled<Net>(70));
    auto net = filled<Net>(71);
    for (auto const& v : {std::pair{2, 0}, std::pair{0, 0}, std::pair{0, 1}, std::pair{1, 1}, std::pair{0xFF, 0xFF}}) {
        INFO("version bytes " << v.first << " " << v.second);  // (clang 14 cannot capture structured bindings)
        bytes patched = file;
        patched[4] = static_cast<std::byte>(v.first);
        patched[5] = static_cast<std::byte>(v.second);
        CHECK(load_checked(*net, patched) == status::unsupported_version);  // checked before the CRC
        fix_crc<Net>(patched);
        CHECK(load_checked(*net, patched) == status::unsupported_version);
    }
    bytes reserved = file;
    reserved[7] = std::byte{0x80};
    fix_crc<Net>(reserved);
    CHECK(load_checked(*net, reserved) == status::type_mismatch);
    bytes other_type = file;
    other_type[6] = std::byte{3};
    fix_crc<Net>(other_type);
    CHECK(load_checked(*net, other_type) == status::type_mismatch);
}

/// A network holding v is saved (save writes what it holds) but never loaded back; a file patched
/// to v is refused with non_finite_value once its CRC is right, checksum_mismatch before.
template <class Net>
void check_non_finite() {
    using T = typename Net::value_type;
    using lim = std::numeric_limits<T>;
    INFO(describe<Net>());
    constexpr std::size_t first_param = fixnet_spec::layout<Net>::head;
    constexpr std::size_t last_param = fixnet_spec::layout<Net>::body - sizeof(T);
    bytes const good = saved(*filled<Net>(80));
    for (T const v : {lim::quiet_NaN(), -lim::quiet_NaN(), lim::signaling_NaN(), lim::infinity(), -lim::infinity()}) {
        INFO("value bits " << std::bit_cast<bits_t<T>>(v));
        auto bad = filled<Net>(81);
        bad->template layer<1>().biases[0] = v;
        bytes const file = saved(*bad);
        CHECK(fixnet_spec::expected_load_status<Net>(file) == status::non_finite_value);
        auto net = filled<Net>(82);
        CHECK(load_checked(*net, file) == status::non_finite_value);
        for (std::size_t pos : {first_param, last_param}) {
            INFO("patched at byte " << pos);
            bytes patched = good;
            fixnet_spec::put_le<bits_t<T>>(&patched[pos], std::bit_cast<bits_t<T>>(v));
            CHECK(load_checked(*net, patched) == status::checksum_mismatch);
            fix_crc<Net>(patched);
            CHECK(load_checked(*net, patched) == status::non_finite_value);
        }
    }
    // The largest finite value is not refused.
    bytes patched = good;
    fixnet_spec::put_le<bits_t<T>>(&patched[last_param], std::bit_cast<bits_t<T>>(lim::max()));
    fix_crc<Net>(patched);
    auto net = filled<Net>(83);
    CHECK(load_checked(*net, patched) == status::ok);
}

template <class Net>
void check_buffer_too_small() {
    INFO(describe<Net>());
    constexpr std::size_t size = fixnet::serialized_size<Net>;
    auto const net = filled<Net>(90);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{16}, size / 2, size - 4, size - 1}) {
        INFO("buffer of " << n << " bytes");
        bytes buf(n, std::byte{0xA5});
        CHECK(fixnet::save(*net, std::span<std::byte>(buf)) == status::buffer_too_small);
        CHECK(buf == bytes(n, std::byte{0xA5}));  // nothing written
    }
    CHECK(fixnet::save(*net, std::span<std::byte>()) == status::buffer_too_small);
    // A larger buffer: the file at its start, the rest left alone.
    bytes big(size + 13, std::byte{0x5A});
    CHECK(fixnet::save(*net, std::span<std::byte>(big)) == status::ok);
    CHECK(bytes(big.begin(), big.begin() + static_cast<std::ptrdiff_t>(size)) == saved(*net));
    CHECK(bytes(big.begin() + static_cast<std::ptrdiff_t>(size), big.end()) == bytes(13, std::byte{0x5A}));
}

template <class Net>
void check_trailing_bytes() {
    INFO(describe<Net>());
    auto const src = filled<Net>(100);
    bytes file = saved(*src);
    for (unsigned k = 0; k < 300; ++k) file.push_back(static_cast<std::byte>(k * 37u));
    auto net = filled<Net>(101);
    CHECK(load_checked(*net, file) == status::ok);
    CHECK(same_bits(*net, *src));
}

}  // namespace

TEST_CASE_TEMPLATE("serialize: every truncation of a valid file is refused as truncated, the network unchanged", B, scalar_backend,
                   simd_backend) {
    check_every_truncation<net_222<B, float>>();
    check_every_truncation<net_222<B, double>>();
    check_every_truncation<net_leaky<B, float>>();
    check_every_truncation<net_mixed<B, double>>();
}

TEST_CASE("serialize: a buffer shorter than the magic") {
    net_222<scalar_backend, float> net{};
    fill(net, 110);
    constexpr auto head = fixnet_spec::head_bytes<decltype(net)>();
    for (std::size_t n = 0; n < 4; ++n) {
        INFO("a prefix of FXNT of " << n << " bytes");
        bytes const prefix(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK(load_checked(net, prefix) == status::truncated);
    }
    // Bytes that already differ from the magic: load says bad_magic (the first byte that differs);
    // docs/format.md's step 1 reads as truncated for any buffer shorter than the magic. Either
    // refuses the buffer; load_checked accepts both and checks the network is unchanged.
    for (bytes const& b : {from('Q'), from('F', 'Q'), from('F', 'X', 'Q')}) {
        status const s = load_checked(net, b);
        CHECK((s == status::bad_magic || s == status::truncated));
    }
    // From 4 bytes on a wrong magic is bad_magic, however short the buffer.
    for (std::size_t n = 4; n < 20; ++n) {
        bytes b(n, std::byte{0});
        b[0] = std::byte{'f'};
        CHECK(load_checked(net, b) == status::bad_magic);
    }
}

TEST_CASE_TEMPLATE("serialize: every single-bit flip is refused with the status of its region, the network unchanged", B,
                   scalar_backend, simd_backend) {
    // 2-2-2 float: 116 bytes, 928 flips; 3-6-4-2 leaky double: 588 bytes, 4704 flips.
    auto const small = check_every_bit_flip<net_222<B, float>>();
    auto const leaky = check_every_bit_flip<net_leaky<B, double>>();
    CHECK(small.at(status::shape_mismatch) == (8 + 48) * 8);
    CHECK(small.at(status::checksum_mismatch) == (48 + 4) * 8);
    CHECK(leaky.at(status::shape_mismatch) == (8 + 72) * 8);
    CHECK(leaky.at(status::checksum_mismatch) == (496 + 4) * 8);
}

TEST_CASE_TEMPLATE("serialize: a file of another shape is shape_mismatch, of another element type type_mismatch", B,
                   scalar_backend, simd_backend) {
    using fixnet::basic_mlp;
    using fixnet::basic_network;
    using fixnet::leaky_relu;
    using fixnet::sigmoid;
    using into = net_222<B, float>;
    // Another hidden width, input width, output width, layer count (both ways), activation.
    check_refused<basic_mlp<B, float, sigmoid, 2, 3, 2>, into>(status::shape_mismatch);
    check_refused<basic_mlp<B, float, sigmoid, 3, 2, 2>, into>(status::shape_mismatch);
    check_refused<basic_mlp<B, float, sigmoid, 2, 2, 3>, into>(status::shape_mismatch);
    check_refused<basic_mlp<B, float, sigmoid, 2, 2, 2, 2>, into>(status::shape_mismatch);
    check_refused<into, basic_mlp<B, float, sigmoid, 2, 2, 2, 2>>(status::shape_mismatch);
    check_refused<basic_mlp<B, float, fixnet::tanh, 2, 2, 2>, into>(status::shape_mismatch);
    check_refused<basic_network<B, float, 2, dense<2, sigmoid>, dense<2, fixnet::softmax>>, into>(status::shape_mismatch);
    // Another leaky slope, and relu (slope 0) against leaky_relu.
    using leaky_5 = basic_network<B, double, 2, dense<3, leaky_relu<std::ratio<1, 5>>>, dense<1, fixnet::identity>>;
    check_refused<basic_network<B, double, 2, dense<3, leaky_relu<>>, dense<1, fixnet::identity>>, leaky_5>(status::shape_mismatch);
    check_refused<basic_network<B, double, 2, dense<3, leaky_relu<std::ratio<1, 4>>>, dense<1, fixnet::identity>>, leaky_5>(status::shape_mismatch);
    check_refused<basic_network<B, double, 2, dense<3, leaky_relu<std::ratio<2, 5>>>, dense<1, fixnet::identity>>, leaky_5>(status::shape_mismatch);
    check_refused<basic_network<B, double, 2, dense<3, fixnet::relu>, dense<1, fixnet::identity>>, leaky_5>(status::shape_mismatch);
    // Another element type: checked before the shape, so even a file of another shape says type_mismatch.
    check_refused<net_222<B, float>, net_222<B, double>>(status::type_mismatch);
    check_refused<net_222<B, double>, net_222<B, float>>(status::type_mismatch);
    check_refused<net_leaky<B, double>, net_leaky<B, float>>(status::type_mismatch);
    check_refused<net_mixed<B, float>, net_222<B, double>>(status::type_mismatch);
    // A shorter file of another shape is still shape_mismatch, not truncated (the header comes first).
    check_refused<basic_mlp<B, float, sigmoid, 2, 2>, basic_mlp<B, float, sigmoid, 2, 2, 2, 2>>(status::shape_mismatch);
}

TEST_CASE_TEMPLATE("serialize: another format version is unsupported_version, a nonzero reserved byte type_mismatch", B,
                   scalar_backend, simd_backend) {
    check_versions<net_222<B, float>>();
    check_versions<net_leaky<B, double>>();
}

TEST_CASE_TEMPLATE("serialize: NaN and infinities are saved but never loaded (non_finite_value)", B, scalar_backend, simd_backend) {
    check_non_finite<net_222<B, float>>();
    check_non_finite<net_222<B, double>>();
    check_non_finite<net_mixed<B, float>>();
}

TEST_CASE_TEMPLATE("serialize: save into a short buffer is buffer_too_small and writes nothing", B, scalar_backend, simd_backend) {
    check_buffer_too_small<net_222<B, float>>();
    check_buffer_too_small<net_leaky<B, double>>();
}

TEST_CASE_TEMPLATE("serialize: bytes after the checksum are ignored", B, scalar_backend, simd_backend) {
    check_trailing_bytes<net_222<B, float>>();
    check_trailing_bytes<net_mixed<B, double>>();
}

// ---- constant evaluation ----------------------------------------------------------------------------

namespace {

template <class B, class T>
using ct_net = fixnet::basic_network<B, T, 2, dense<3, fixnet::leaky_relu<std::ratio<1, 5>>>, dense<2, fixnet::sigmoid>>;

template <class B, class T>
constexpr bool round_trip_at_compile_time() {
    using net_t = ct_net<B, T>;
    net_t a{};
    fill(a, 120);
    std::array<std::byte, fixnet::serialized_size<net_t>> file{};
    if (fixnet::save(a, std::span<std::byte>(file)) != status::ok) return false;
    if (fixnet_spec::expected_load_status<net_t>(file) != status::ok) return false;
    net_t b{};
    fill(b, 121);
    if (fixnet::load(b, std::span<const std::byte>(file)) != status::ok) return false;
    typename net_t::input_type const x{T(0.5), T(-1)};
    return same_bits(a, b) && a.forward(x) == b.forward(x);
}

/// load of a corrupted file at compile time: its status if the network is unchanged, ok otherwise.
template <class B, class T>
constexpr status corrupt_at_compile_time(int how) {
    using net_t = ct_net<B, T>;
    net_t a{};
    fill(a, 122);
    if (how == 4) a.template layer<1>().biases[1] = std::numeric_limits<T>::quiet_NaN();
    if (how == 5) a.template layer<1>().biases[1] = std::numeric_limits<T>::infinity();
    std::array<std::byte, fixnet::serialized_size<net_t> + 1> file{};
    if (fixnet::save(a, std::span<std::byte>(file)) != status::ok) return status::ok;
    std::span<const std::byte> in(file);
    if (how == 0) file[fixnet_spec::layout<net_t>::head + 5] ^= std::byte{0x10};  // a parameter bit
    if (how == 1) in = in.first(fixnet::serialized_size<net_t> - 1);
    if (how == 2) file[0] = std::byte{'G'};
    if (how == 3) file[16] = std::byte{4};  // the first layer 4 wide
    net_t b{};
    fill(b, 123);
    net_t const before = b;
    status const s = fixnet::load(b, in);
    return same_bits(b, before) ? s : status::ok;
}

/// save into a buffer one byte short: buffer_too_small, the buffer as it was.
template <class T>
constexpr bool too_small_at_compile_time() {
    using net_t = ct_net<scalar_backend, T>;
    net_t a{};
    std::array<std::byte, fixnet::serialized_size<net_t> - 1> buf{};
    for (auto& v : buf) v = std::byte{0xA5};
    if (fixnet::save(a, std::span<std::byte>(buf)) != status::buffer_too_small) return false;
    for (auto v : buf)
        if (v != std::byte{0xA5}) return false;
    return true;
}

static_assert(round_trip_at_compile_time<scalar_backend, float>());
static_assert(round_trip_at_compile_time<scalar_backend, double>());
static_assert(round_trip_at_compile_time<simd_backend, float>());
static_assert(round_trip_at_compile_time<simd_backend, double>());
static_assert(corrupt_at_compile_time<scalar_backend, float>(0) == status::checksum_mismatch);
static_assert(corrupt_at_compile_time<simd_backend, double>(0) == status::checksum_mismatch);
static_assert(corrupt_at_compile_time<scalar_backend, double>(1) == status::truncated);
static_assert(corrupt_at_compile_time<simd_backend, float>(2) == status::bad_magic);
static_assert(corrupt_at_compile_time<scalar_backend, float>(3) == status::shape_mismatch);
static_assert(corrupt_at_compile_time<scalar_backend, float>(4) == status::non_finite_value);
static_assert(corrupt_at_compile_time<simd_backend, double>(4) == status::non_finite_value);
static_assert(corrupt_at_compile_time<scalar_backend, float>(5) == status::non_finite_value);  // an infinity
static_assert(corrupt_at_compile_time<simd_backend, double>(5) == status::non_finite_value);
static_assert(too_small_at_compile_time<float>());
static_assert(too_small_at_compile_time<double>());

}  // namespace

TEST_CASE("serialize: the compile-time round trips and refusals hold at run time too") {
    CHECK(round_trip_at_compile_time<scalar_backend, float>());
    CHECK(round_trip_at_compile_time<simd_backend, double>());
    CHECK(corrupt_at_compile_time<simd_backend, float>(0) == status::checksum_mismatch);
    CHECK(corrupt_at_compile_time<scalar_backend, double>(3) == status::shape_mismatch);
    CHECK(corrupt_at_compile_time<scalar_backend, float>(5) == status::non_finite_value);
    CHECK(corrupt_at_compile_time<simd_backend, double>(5) == status::non_finite_value);
}

// ---- to_string ----------------------------------------------------------------------------------------

TEST_CASE("serialize: to_string gives every status a distinct non-empty name") {
    std::set<std::string> seen;
    constexpr unsigned last = static_cast<unsigned>(status::non_finite_value);
    for (unsigned v = 0; v <= last; ++v) {
        std::string_view const s = fixnet::to_string(static_cast<status>(v));
        INFO("status " << v);
        CHECK_FALSE(s.empty());
        CHECK(s != "unknown status");
        seen.insert(std::string(s));
    }
    CHECK(seen.size() == last + 1);
    CHECK(fixnet::to_string(status::ok) == "ok");
    CHECK(fixnet::to_string(status::checksum_mismatch) == "checksum mismatch");
}

}  // namespace test_serialize
