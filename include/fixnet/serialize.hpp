// save and load: a network's parameters in fixnet's checked binary format (docs/format.md).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>

#include "fixnet/activations/activation_code.hpp"
#include "fixnet/finite_check.hpp"
#include "fixnet/network.hpp"
#include "fixnet/optimizers/optimizer.hpp"
#include "fixnet/status.hpp"

namespace fixnet {

namespace format {
/// The file format's constants (docs/format.md describes every byte).
inline constexpr std::array<std::byte, 4> magic{std::byte{'F'}, std::byte{'X'}, std::byte{'N'}, std::byte{'T'}};
inline constexpr std::uint16_t version = 1;
inline constexpr std::size_t header_size = 16;     // magic, version, type, reserved, layer count, input width
inline constexpr std::size_t layer_record_size = 24;  // width, activation id, parameter numerator, denominator
inline constexpr std::size_t checksum_size = 4;
/// Element type codes: IEEE-754 binary32 and binary64.
inline constexpr std::uint8_t float32 = 1, float64 = 2;
}  // namespace format

namespace detail {

/// CRC-32 as in zlib, PNG and Ethernet (reflected polynomial 0xEDB88320, initial value and final
/// xor 0xFFFFFFFF), by a 256-entry table built at compile time. crc32 of "123456789" is 0xCBF43926.
inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[n] = c;
    }
    return t;
}();

constexpr std::uint32_t crc32(std::span<const std::byte> bytes) noexcept {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::byte const b : bytes) c = crc32_table[(c ^ std::to_integer<std::uint32_t>(b)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/// Little-endian integers at a byte position, on any host (no reinterpret_cast: constexpr, and
/// independent of the host's byte order and alignment).
template <class U>
constexpr void put_le(std::span<std::byte> out, std::size_t at, U v) noexcept {
    auto const u = static_cast<std::make_unsigned_t<U>>(v);
    for (std::size_t k = 0; k < sizeof(U); ++k) out[at + k] = static_cast<std::byte>((u >> (8 * k)) & 0xFF);
}
template <class U>
constexpr U get_le(std::span<const std::byte> in, std::size_t at) noexcept {
    std::make_unsigned_t<U> u = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k)
        u |= static_cast<std::make_unsigned_t<U>>(std::to_integer<std::make_unsigned_t<U>>(in[at + k]) << (8 * k));
    return static_cast<U>(u);
}

/// The unsigned integer with T's bits.
template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
inline constexpr bool serializable_type =
    std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8);

template <class Net, class Seq = std::make_index_sequence<Net::layer_count>>
inline constexpr bool all_activations_coded = false;
template <class Net, std::size_t... L>
inline constexpr bool all_activations_coded<Net, std::index_sequence<L...>> =
    (CodedActivation<typename Net::template layer_type<L>::activation_type> && ...);

/// Calls f(layer index, layer type's tag) for every layer of Net.
template <class Net, class F>
constexpr void for_each_layer_type(F&& f) noexcept {
    static_for<Net::layer_count>([&](auto l) { f(l, std::type_identity<typename Net::template layer_type<l>>{}); });
}

}  // namespace detail

/// The number of bytes save() writes for a network of type Net: the header, one record per
/// layer, every parameter and the checksum.
template <Network Net>
inline constexpr std::size_t serialized_size =
    format::header_size + format::layer_record_size * std::remove_cvref_t<Net>::layer_count +
    std::remove_cvref_t<Net>::parameter_count * sizeof(typename std::remove_cvref_t<Net>::value_type) + format::checksum_size;

/// Writes net into out[0, serialized_size<Net>) in fixnet's format (docs/format.md): the same
/// bytes on every host, whatever its byte order or compiler. Returns status::buffer_too_small,
/// writing nothing, when out is shorter; bytes past serialized_size are left alone. constexpr,
/// no heap.
template <Network Net>
constexpr status save(const Net& net, std::span<std::byte> out) noexcept {
    using T = typename Net::value_type;
    static_assert(detail::serializable_type<T>, "fixnet::save: only IEEE-754 float and double networks can be saved");
    static_assert(detail::all_activations_coded<Net>,
                  "fixnet::save: every layer's activation needs a fixnet::activation_code (fixnet's own activations have one)");
    constexpr std::size_t size = serialized_size<Net>;
    if (out.size() < size) return status::buffer_too_small;
    for (std::size_t k = 0; k < 4; ++k) out[k] = format::magic[k];
    detail::put_le<std::uint16_t>(out, 4, format::version);
    out[6] = std::byte{sizeof(T) == 4 ? format::float32 : format::float64};
    out[7] = std::byte{0};
    detail::put_le<std::uint32_t>(out, 8, static_cast<std::uint32_t>(Net::layer_count));
    detail::put_le<std::uint32_t>(out, 12, static_cast<std::uint32_t>(Net::input_size));
    std::size_t at = format::header_size;
    detail::for_each_layer_type<Net>([&](auto, auto tag) {
        using layer_t = typename decltype(tag)::type;
        using code = activation_code<typename layer_t::activation_type>;
        detail::put_le<std::uint32_t>(out, at, static_cast<std::uint32_t>(layer_t::output_size));
        detail::put_le<std::uint32_t>(out, at + 4, code::id);
        detail::put_le<std::int64_t>(out, at + 8, code::num);
        detail::put_le<std::int64_t>(out, at + 16, code::den);
        at += format::layer_record_size;
    });
    detail::for_each_parameter_array(net, [&](const auto& p, bool) {
        for (T const v : p) {
            detail::put_le(out, at, std::bit_cast<detail::bits_of<T>>(v));
            at += sizeof(T);
        }
    });
    detail::put_le<std::uint32_t>(out, at, detail::crc32(std::span<const std::byte>(out.first(at))));
    return status::ok;
}

/// Reads a network saved by save() from in and, only if the whole file is valid, replaces net's
/// parameters with it. Checks, in order, each with its status: the magic (bad_magic; truncated
/// when the buffer ends inside it with the bytes so far right), the buffer holds the header
/// (truncated), the version (unsupported_version), the element type
/// (type_mismatch), the layer count, each width and each activation against Net's
/// (shape_mismatch), the buffer holds the whole file (truncated), the CRC-32 over everything before
/// it (checksum_mismatch), and every parameter finite (non_finite_value). On any failure net is
/// left exactly as it was: the file is checked in full before the first parameter is written.
/// Bytes after the checksum are ignored (a file may sit in a larger flash page). constexpr, no heap.
template <Network Net>
constexpr status load(Net& net, std::span<const std::byte> in) noexcept {
    using T = typename Net::value_type;
    static_assert(detail::serializable_type<T>, "fixnet::load: only IEEE-754 float and double networks can be loaded");
    static_assert(detail::all_activations_coded<Net>,
                  "fixnet::load: every layer's activation needs a fixnet::activation_code (fixnet's own activations have one)");
    for (std::size_t k = 0; k < 4; ++k) {
        if (k >= in.size()) return status::truncated;
        if (in[k] != format::magic[k]) return status::bad_magic;
    }
    if (in.size() < format::header_size) return status::truncated;
    if (detail::get_le<std::uint16_t>(in, 4) != format::version) return status::unsupported_version;
    if (in[6] != std::byte{sizeof(T) == 4 ? format::float32 : format::float64} || in[7] != std::byte{0}) return status::type_mismatch;
    if (detail::get_le<std::uint32_t>(in, 8) != Net::layer_count || detail::get_le<std::uint32_t>(in, 12) != Net::input_size)
        return status::shape_mismatch;
    if (in.size() < format::header_size + format::layer_record_size * Net::layer_count) return status::truncated;
    bool shape_ok = true;
    std::size_t at = format::header_size;
    detail::for_each_layer_type<Net>([&](auto, auto tag) {
        using layer_t = typename decltype(tag)::type;
        using code = activation_code<typename layer_t::activation_type>;
        shape_ok = shape_ok && detail::get_le<std::uint32_t>(in, at) == layer_t::output_size &&
                   detail::get_le<std::uint32_t>(in, at + 4) == code::id && detail::get_le<std::int64_t>(in, at + 8) == code::num &&
                   detail::get_le<std::int64_t>(in, at + 16) == code::den;
        at += format::layer_record_size;
    });
    if (!shape_ok) return status::shape_mismatch;
    constexpr std::size_t size = serialized_size<Net>;
    if (in.size() < size) return status::truncated;
    std::size_t const body = size - format::checksum_size;
    if (detail::crc32(in.first(body)) != detail::get_le<std::uint32_t>(in, body)) return status::checksum_mismatch;
    auto const value_at = [&](std::size_t pos) { return std::bit_cast<T>(detail::get_le<detail::bits_of<T>>(in, pos)); };
    for (std::size_t pos = at; pos < body; pos += sizeof(T))
        if (!detail::finite(value_at(pos))) return status::non_finite_value;
    detail::for_each_parameter_array(net, [&](auto& p, bool) {
        for (T& v : p) {
            v = value_at(at);
            at += sizeof(T);
        }
    });
    return status::ok;
}

}  // namespace fixnet
