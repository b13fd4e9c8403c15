// docs/format.md read again, independently of include/fixnet/serialize.hpp: the bytes a network's
// file must start with, a bit-by-bit CRC-32, and the status load must return for any buffer.
// Shared by tests/test_serialize.cpp and the fuzzer (tests/fuzz/fuzz_load.cpp) as their oracle.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ratio>
#include <span>
#include <utility>

#include <fixnet/activations.hpp>
#include <fixnet/status.hpp>

namespace fixnet_spec {

/// CRC-32 (reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF) one bit at a
/// time, as the format's text describes it: no table, so it shares nothing with the library's.
constexpr std::uint32_t crc32(std::span<const std::byte> bytes) noexcept {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::byte const b : bytes) {
        c ^= std::to_integer<std::uint32_t>(b);
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1u) != 0 ? 0xEDB88320u : 0u);
    }
    return ~c;
}

/// The table of activation ids in docs/format.md, typed in again.
template <class A>
struct activation_record;
template <>
struct activation_record<fixnet::identity> {
    static constexpr std::uint32_t id = 1;
    static constexpr std::int64_t num = 0, den = 1;
};
template <>
struct activation_record<fixnet::relu> {
    static constexpr std::uint32_t id = 2;
    static constexpr std::int64_t num = 0, den = 1;
};
template <class R>
struct activation_record<fixnet::leaky_relu<R>> {
    static constexpr std::uint32_t id = 3;
    static constexpr std::int64_t num = R::num, den = R::den;  // std::ratio reduces them
};
template <>
struct activation_record<fixnet::tanh> {
    static constexpr std::uint32_t id = 4;
    static constexpr std::int64_t num = 0, den = 1;
};
template <>
struct activation_record<fixnet::sigmoid> {
    static constexpr std::uint32_t id = 5;
    static constexpr std::int64_t num = 0, den = 1;
};
template <>
struct activation_record<fixnet::softplus> {
    static constexpr std::uint32_t id = 6;
    static constexpr std::int64_t num = 0, den = 1;
};
template <>
struct activation_record<fixnet::softmax> {
    static constexpr std::uint32_t id = 7;
    static constexpr std::int64_t num = 0, den = 1;
};

template <class U>
constexpr void put_le(std::byte* at, U v) noexcept {
    for (std::size_t k = 0; k < sizeof(U); ++k) at[k] = static_cast<std::byte>(static_cast<std::uint64_t>(v) >> (8 * k) & 0xFF);
}

/// Offsets and lengths of docs/format.md for a network type Net.
template <class Net>
struct layout {
    using T = typename Net::value_type;
    static constexpr std::size_t header = 16;
    static constexpr std::size_t records = 24 * Net::layer_count;
    static constexpr std::size_t head = header + records;  // where the parameters start
    static constexpr std::size_t body = head + Net::parameter_count * sizeof(T);  // where the checksum starts
    static constexpr std::size_t size = body + 4;
};

/// The first layout<Net>::head bytes of every file of network type Net (header and layer records).
template <class Net>
constexpr std::array<std::byte, layout<Net>::head> head_bytes() noexcept {
    std::array<std::byte, layout<Net>::head> h{};
    h[0] = std::byte{'F'}, h[1] = std::byte{'X'}, h[2] = std::byte{'N'}, h[3] = std::byte{'T'};
    put_le<std::uint16_t>(&h[4], 1);
    h[6] = std::byte{sizeof(typename Net::value_type) == 4 ? 1 : 2};
    h[7] = std::byte{0};
    put_le<std::uint32_t>(&h[8], static_cast<std::uint32_t>(Net::layer_count));
    put_le<std::uint32_t>(&h[12], static_cast<std::uint32_t>(Net::input_size));
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&] {
                using layer_t = typename Net::template layer_type<L>;
                using rec = activation_record<typename layer_t::activation_type>;
                std::byte* r = &h[16 + 24 * L];
                put_le<std::uint32_t>(r, static_cast<std::uint32_t>(layer_t::output_size));
                put_le<std::uint32_t>(r + 4, rec::id);
                put_le<std::int64_t>(r + 8, rec::num);
                put_le<std::int64_t>(r + 16, rec::den);
            }(),
            ...);
    }(std::make_index_sequence<Net::layer_count>{});
    return h;
}

/// True when the little-endian IEEE value of `width` bytes at p has an all-ones exponent (NaN or an infinity).
constexpr bool non_finite_at(const std::byte* p, std::size_t width) noexcept {
    std::uint64_t u = 0;
    for (std::size_t k = 0; k < width; ++k) u |= std::to_integer<std::uint64_t>(p[k]) << (8 * k);
    return width == 4 ? (u >> 23 & 0xFF) == 0xFF : (u >> 52 & 0x7FF) == 0x7FF;
}

/// What docs/format.md's "What load checks" says load(Net&, in) returns, step by step. A buffer
/// shorter than the magic is `truncated` here, as the text says, whatever its bytes
/// (load returns bad_magic as soon as a byte present differs: see tests/test_serialize.cpp).
template <class Net>
constexpr fixnet::status expected_load_status(std::span<const std::byte> in) noexcept {
    using fixnet::status;
    using lay = layout<Net>;
    constexpr auto head = head_bytes<Net>();
    auto const n = in.size();
    auto const same = [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to; ++k)
            if (in[k] != head[k]) return false;
        return true;
    };
    if (n < 4) return status::truncated;                            // 1
    if (!same(0, 4)) return status::bad_magic;                      // 1
    if (n < 16) return status::truncated;                           // 2
    if (!same(4, 6)) return status::unsupported_version;            // 3
    if (!same(6, 8)) return status::type_mismatch;                  // 4
    if (!same(8, 16)) return status::shape_mismatch;                // 5
    if (n < lay::head) return status::truncated;                    // 6
    if (!same(16, lay::head)) return status::shape_mismatch;        // 6
    if (n < lay::size) return status::truncated;                    // 7
    std::uint32_t stored = 0;
    for (std::size_t k = 0; k < 4; ++k) stored |= std::to_integer<std::uint32_t>(in[lay::body + k]) << (8 * k);
    if (crc32(in.first(lay::body)) != stored) return status::checksum_mismatch;  // 8
    for (std::size_t at = lay::head; at < lay::body; at += sizeof(typename Net::value_type))
        if (non_finite_at(&in[at], sizeof(typename Net::value_type))) return status::non_finite_value;  // 9
    return status::ok;
}

/// Whether a status from load on in agrees with expected_load_status: equal, or bad_magic for a
/// buffer shorter than the magic whose bytes already differ from it.
template <class Net>
constexpr bool agrees(fixnet::status got, std::span<const std::byte> in) noexcept {
    auto const want = expected_load_status<Net>(in);
    if (got == want) return true;
    if (in.size() >= 4 || got != fixnet::status::bad_magic) return false;
    constexpr std::array<std::byte, 4> magic{std::byte{'F'}, std::byte{'X'}, std::byte{'N'}, std::byte{'T'}};
    for (std::size_t k = 0; k < in.size(); ++k)
        if (in[k] != magic[k]) return true;
    return false;
}

}  // namespace fixnet_spec
