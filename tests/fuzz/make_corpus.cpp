// Writes the load fuzzer's seed corpus (tests/fuzz/corpus/) into the directory given: two valid files
// for each network of fuzz_networks.hpp (one with bytes after its checksum), and a few refused
// ones: truncated, a bit flipped, another version, another element type, a NaN with a correct CRC.
// The corpus is committed; scripts/test regenerates it into a temporary directory and compares.
// Usage: fuzz_make_corpus DIR
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <fixnet/serialize.hpp>

#include "fuzz/format_spec.hpp"
#include "fuzz/fuzz_networks.hpp"

namespace {

using bytes = std::vector<std::byte>;

bool write(const std::string& dir, const std::string& name, const bytes& b) {
    std::string const path = dir + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return false;
    bool const ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
    return std::fclose(f) == 0 && ok;
}

template <class Net>
bytes saved(std::uint32_t seed) {
    Net net{};
    fixnet_fuzz::fill(net, seed);
    bytes file(fixnet::serialized_size<Net>);
    (void)fixnet::save(net, std::span<std::byte>(file));
    return file;
}

template <class Net>
void fix_crc(bytes& file) {
    constexpr std::size_t body = fixnet_spec::layout<Net>::body;
    fixnet_spec::put_le<std::uint32_t>(&file[body], fixnet_spec::crc32(std::span<const std::byte>(file).first(body)));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    std::string const dir = argv[1];
    bool ok = true;
    fixnet_fuzz::for_each_network([&](auto tag, const char* name) {
        using net_t = typename decltype(tag)::type;
        ok = ok && write(dir, std::string("valid_") + name, saved<net_t>(1));
        bytes trailing = saved<net_t>(2);
        for (unsigned k = 0; k < 8; ++k) trailing.push_back(static_cast<std::byte>(0xF0 + k));
        ok = ok && write(dir, std::string("valid_trailing_") + name, trailing);
    });
    using fixnet_fuzz::leaky_f32;
    using fixnet_fuzz::leaky_f64;
    bytes const base = saved<leaky_f32>(3);
    bytes truncated(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(base.size() / 2));
    ok = ok && write(dir, "refused_truncated_leaky_f32", truncated);
    bytes flipped = base;
    flipped[fixnet_spec::layout<leaky_f32>::head + 9] ^= std::byte{0x04};
    ok = ok && write(dir, "refused_checksum_leaky_f32", flipped);
    bytes version = base;
    version[4] = std::byte{2};
    fix_crc<leaky_f32>(version);
    ok = ok && write(dir, "refused_version_leaky_f32", version);
    bytes type = base;
    type[6] = std::byte{2};  // says double, holds float
    fix_crc<leaky_f32>(type);
    ok = ok && write(dir, "refused_type_leaky_f32", type);
    bytes nan = saved<leaky_f64>(4);
    fixnet_spec::put_le<std::uint64_t>(&nan[fixnet_spec::layout<leaky_f64>::head + 8 * 5], 0x7FF8000000000000u);
    fix_crc<leaky_f64>(nan);
    ok = ok && write(dir, "refused_nan_leaky_f64", nan);
    if (!ok) {
        std::fprintf(stderr, "%s: could not write the corpus into %s\n", argv[0], dir.c_str());
        return 1;
    }
    return 0;
}
