// Writes the files the fixnet-convert tests read (tools/CMakeLists.txt): for a few networks, the saved
// file and what fixnet::write_cpp writes for it on each backend (the converter must reproduce that text
// exactly), then corrupt variants of one file, each of which the converter must refuse.
//
//     test_convert <directory>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <ratio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fixnet/fixnet.hpp>

namespace {

std::string g_dir;
int g_failures = 0;

void write_file(const std::string& name, std::span<const std::byte> bytes) {
    std::ofstream out(g_dir + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        std::cerr << "test_convert: cannot write " << name << "\n";
        ++g_failures;
    }
}

void write_text(const std::string& name, std::string_view text) {
    write_file(name, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

template <class Net>
void write_header(const Net& net, const std::string& file, std::string_view name) {
    std::string text;
    if (fixnet::write_cpp(net, name, [&](std::string_view s) { text += s; }) != fixnet::status::ok) {
        std::cerr << "test_convert: write_cpp failed for " << file << "\n";
        ++g_failures;
    }
    write_text(file, text);
}

/// Saves a network of shape basic_network<*, T, In, Specs...> as `<stem>.fxn`, and writes
/// `<stem>.scalar.hpp` and `<stem>.simd.hpp`, what write_cpp writes for it on each backend.
/// The simd network gets its parameters through load: the file does not depend on the backend.
template <class T, std::size_t In, class... Specs>
std::vector<std::byte> write_case(const std::string& stem, std::uint64_t seed) {
    using scalar_net = fixnet::basic_network<fixnet::scalar_backend, T, In, Specs...>;
    using simd_net = fixnet::basic_network<fixnet::simd_backend, T, In, Specs...>;
    scalar_net a{};
    fixnet::initialize(a, seed);
    // Values whose spelling needs care: an integer ("3.0"), negative zero, a subnormal, extremes.
    a.template layer<0>().biases[0] = T(3);
    a.template layer<0>().weights[0] = -T(0);
    a.template layer<0>().weights[1] = std::numeric_limits<T>::denorm_min();
    a.template layer<0>().weights[2] = std::numeric_limits<T>::max();
    a.template layer<0>().weights[3] = std::numeric_limits<T>::lowest();
    std::vector<std::byte> bytes(fixnet::serialized_size<scalar_net>);
    simd_net b{};
    if (fixnet::save(a, bytes) != fixnet::status::ok || fixnet::load(b, bytes) != fixnet::status::ok) {
        std::cerr << "test_convert: save or load failed for " << stem << "\n";
        ++g_failures;
    }
    write_file(stem + ".fxn", bytes);
    write_header(a, stem + ".scalar.hpp", stem);
    write_header(b, stem + ".simd.hpp", stem);
    return bytes;
}

/// Recomputes the CRC-32, so that a test reaches the check after it.
void fix_crc(std::vector<std::byte>& f) {
    std::size_t const body = f.size() - fixnet::format::checksum_size;
    fixnet::detail::put_le<std::uint32_t>(f, body, fixnet::detail::crc32(std::span<const std::byte>(f).first(body)));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: test_convert <directory>\n";
        return 2;
    }
    g_dir = argv[1];

    using namespace fixnet;
    auto const good = write_case<float, 2, dense<4, fixnet::tanh>, dense<1, sigmoid>>("xor_net", 7);
    write_case<double, 5, dense<5, leaky_relu<std::ratio<1, 10>>>, dense<4, relu>, dense<3, softmax>>("mixed_f64", 8);
    write_case<float, 4, dense<3, identity>, dense<2, softplus>, dense<2, leaky_relu<>>>("all_f32", 9);

    // Bytes after the checksum are ignored (a file may sit at the start of a flash page).
    auto trailing = good;
    trailing.insert(trailing.end(), 5, std::byte{0xAB});
    write_file("trailing.fxn", trailing);

    // Corrupt variants of xor_net.fxn (2-4-1: 16 + 2 * 24 + 17 * 4 + 4 = 136 bytes); tools/CMakeLists.txt
    // names each with the message it must produce.
    auto const variant = [&](const std::string& name, auto&& change) {
        auto f = good;
        change(f);
        write_file("bad_" + name + ".fxn", f);
    };
    using detail::put_le;
    variant("empty", [](auto& f) { f.clear(); });
    variant("magic", [](auto& f) { f[1] = std::byte{'Y'}; });
    variant("short_magic", [](auto& f) { f.resize(3); });
    variant("short_header", [](auto& f) { f.resize(10); });
    variant("version", [](auto& f) { put_le<std::uint16_t>(f, 4, 2); fix_crc(f); });
    variant("element_type", [](auto& f) { f[6] = std::byte{3}; fix_crc(f); });
    variant("reserved", [](auto& f) { f[7] = std::byte{1}; fix_crc(f); });
    variant("no_layers", [](auto& f) { put_le<std::uint32_t>(f, 8, 0); });
    variant("no_inputs", [](auto& f) { put_le<std::uint32_t>(f, 12, 0); });
    variant("short_records", [](auto& f) { f.resize(16 + 24 + 10); });
    variant("zero_width", [](auto& f) { put_le<std::uint32_t>(f, 16, 0); fix_crc(f); });
    variant("activation", [](auto& f) { put_le<std::uint32_t>(f, 16 + 4, 1000); fix_crc(f); });
    variant("activation_parameter", [](auto& f) { put_le<std::int64_t>(f, 16 + 8, 1); fix_crc(f); });
    variant("leaky_ratio", [](auto& f) {  // leaky_relu with 2 / 200: std::ratio would have reduced it
        put_le<std::uint32_t>(f, 16 + 4, 3);
        put_le<std::int64_t>(f, 16 + 8, 2);
        put_le<std::int64_t>(f, 16 + 16, 200);
        fix_crc(f);
    });
    variant("huge_layer", [](auto& f) { put_le<std::uint32_t>(f, 16, 0xFFFFFFFFu); put_le<std::uint32_t>(f, 12, 0xFFFFFFFFu); });
    variant("short_parameters", [](auto& f) { f.resize(100); });
    variant("short_checksum", [](auto& f) { f.pop_back(); });
    variant("checksum", [](auto& f) { f[70] ^= std::byte{0x10}; });  // one bit of a parameter
    variant("nan", [](auto& f) { put_le<std::uint32_t>(f, 64 + 4 * 5, 0x7FC00000u); fix_crc(f); });
    variant("infinity", [](auto& f) { put_le<std::uint32_t>(f, 64 + 4 * 16, 0xFF800000u); fix_crc(f); });

    if (g_failures == 0) std::cout << "test_convert: files written to " << g_dir << "\n";
    return g_failures == 0 ? 0 : 1;
}
