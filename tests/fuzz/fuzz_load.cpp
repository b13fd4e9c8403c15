// libFuzzer target for fixnet::load: the input is read as a file by several network types (float
// and double, small mixed-activation shapes, both backends). Aborts when an invariant breaks:
//  - load's status is the one docs/format.md gives the bytes (tests/fuzz/format_spec.hpp);
//  - a refused file leaves the network exactly as it was, bit for bit;
//  - a loaded network holds only finite values, and saving it again writes the input's first
//    serialized_size bytes.
// Build: -DFIXNET_BUILD_FUZZERS=ON with clang++ (tests/fuzz/CMakeLists.txt); scripts/test fuzz runs it.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include <fixnet/serialize.hpp>
#include <fixnet/status.hpp>

#include "fuzz/format_spec.hpp"
#include "fuzz/fuzz_networks.hpp"

namespace {

template <class Net>
bool same_bytes(const Net& a, const Net& b) {
    bool same = true;
    // The parameter arrays only: alignment padding of the network object is not compared.
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((same = same && std::memcmp(a.template layer<L>().weights.data(), b.template layer<L>().weights.data(),
                                     sizeof(a.template layer<L>().weights)) == 0 &&
                 std::memcmp(a.template layer<L>().biases.data(), b.template layer<L>().biases.data(),
                             sizeof(a.template layer<L>().biases)) == 0),
         ...);
    }(std::make_index_sequence<Net::layer_count>{});
    return same;
}

[[noreturn]] void fail(const char* network, const char* what, fixnet::status s) {
    std::fprintf(stderr, "fuzz_load: %s: %s (status: %s)\n", network, what, fixnet::to_string(s).data());
    std::abort();
}

template <class Net>
void check(std::span<const std::byte> in, const char* name) {
    static Net const pristine = [] {
        Net n{};
        fixnet_fuzz::fill(n, 7);
        return n;
    }();
    static Net net{};
    net = pristine;
    fixnet::status const s = fixnet::load(net, in);
    if (!fixnet_spec::agrees<Net>(s, in)) fail(name, "load's status is not the one docs/format.md gives", s);
    if (s != fixnet::status::ok) {
        if (!same_bytes(net, pristine)) fail(name, "a refused file changed the network", s);
        return;
    }
    bool finite = true;
    fixnet_fuzz::for_each_array(net, [&](const auto& p) {
        for (auto const v : p) finite = finite && std::isfinite(v);
    });
    if (!finite) fail(name, "a loaded network holds a NaN or an infinity", s);
    std::array<std::byte, fixnet::serialized_size<Net>> again{};
    if (fixnet::save(net, std::span<std::byte>(again)) != fixnet::status::ok) fail(name, "save failed", s);
    if (std::memcmp(again.data(), in.data(), again.size()) != 0) fail(name, "saved again, the bytes differ from the input", s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::byte> const in(reinterpret_cast<const std::byte*>(data), size);
    fixnet_fuzz::for_each_network([&](auto tag, const char* name) { check<typename decltype(tag)::type>(in, name); });
    return 0;
}
