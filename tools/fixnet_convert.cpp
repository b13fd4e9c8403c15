// fixnet-convert: a saved network file (docs/format.md) to the C++ header fixnet::write_cpp would write for it.
//
//     fixnet-convert <file.fxn> <name> [--backend scalar|simd] [-o out.hpp]
//
// The network's type is not known when this program is compiled, so it reads the file itself
// rather than through fixnet::load: it checks every field docs/format.md defines (magic, version,
// element type, layer records and their activations, length, CRC-32, finite parameters) and names
// the first problem it finds. The text comes from fixnet::detail::cpp_writer, the generator
// write_cpp uses, so the header is character for character what write_cpp writes for a network
// of that type (tools/test_convert.cpp checks it). The backend is not in the file (it is not part
// of the parameters): simd by default, as fixnet::network uses where xsimd has an architecture;
// `--backend scalar` for a firmware whose expected outputs come from scalar_backend.
// Exit status: 0 on success, 1 for an invalid file, 2 for a usage or I/O error. Nothing is written
// unless the whole file is valid.
#include <bit>
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fixnet/serialize.hpp>
#include <fixnet/write_cpp.hpp>

namespace {

constexpr int exit_invalid_file = 1, exit_usage = 2;

/// A saved network's shape, with where its parameters start.
struct file_description {
    bool is_float = true;
    std::uint32_t input_size = 0;
    std::vector<fixnet::layer_description> layers;
    std::size_t parameters_at = 0;  // byte offset of the first parameter
    std::uint64_t parameter_count = 0;
};

/// The first problem in a file, as a message; empty when the file is valid.
std::string check(std::span<const std::byte> in, file_description& d) {
    using fixnet::detail::get_le;
    namespace format = fixnet::format;
    for (std::size_t k = 0; k < format::magic.size(); ++k) {
        if (k >= in.size()) return "truncated: the file ends inside the magic (" + std::to_string(in.size()) + " bytes)";
        if (in[k] != format::magic[k]) return "bad magic: the file does not start with \"FXNT\" (not a fixnet file)";
    }
    if (in.size() < format::header_size)
        return "truncated: the file ends inside the 16-byte header (" + std::to_string(in.size()) + " bytes)";
    if (auto const v = get_le<std::uint16_t>(in, 4); v != format::version)
        return "unsupported format version " + std::to_string(v) + " (this fixnet reads version " +
               std::to_string(format::version) + ")";
    auto const type = std::to_integer<std::uint8_t>(in[6]);
    if (type != format::float32 && type != format::float64)
        return "unknown element type " + std::to_string(type) + " (1 = float, 2 = double)";
    if (in[7] != std::byte{0}) return "reserved header byte 7 is " + std::to_string(std::to_integer<unsigned>(in[7])) + ", not 0";
    d.is_float = type == format::float32;
    std::uint64_t const layer_count = get_le<std::uint32_t>(in, 8);
    d.input_size = get_le<std::uint32_t>(in, 12);
    if (layer_count == 0) return "layer count is 0 (a network has at least one layer)";
    if (d.input_size == 0) return "input width is 0";
    if (in.size() - format::header_size < format::layer_record_size * layer_count)
        return "truncated: the file ends inside the layer records (" + std::to_string(layer_count) + " layers declared)";

    // Widths are 32-bit, so In * Out fits in 64 bits; the running sum is bounded by the file's length.
    std::uint64_t const value_size = d.is_float ? 4 : 8;
    std::uint64_t const max_count = in.size() / value_size;
    std::uint64_t width = d.input_size;
    std::size_t at = format::header_size;
    for (std::uint64_t l = 0; l < layer_count; ++l, at += format::layer_record_size) {
        fixnet::layer_description const r{get_le<std::uint32_t>(in, at), get_le<std::uint32_t>(in, at + 4),
                                          get_le<std::int64_t>(in, at + 8), get_le<std::int64_t>(in, at + 16), {}};
        std::string const which = "layer " + std::to_string(l) + ": ";
        if (r.output_size == 0) return which + "output width is 0";
        if (fixnet::detail::activation_spelling(r.activation_id).empty())
            return which + "unknown activation id " + std::to_string(r.activation_id) +
                   " (fixnet-convert knows fixnet's own, 1 to 7)";
        if (r.activation_id == fixnet::activation_code<fixnet::leaky_relu<>>::id) {
            // As std::ratio<num, den> reduces it: den > 0, num and den coprime.
            if (r.den <= 0 || r.num == std::numeric_limits<std::int64_t>::min() || std::gcd(r.num, r.den) != 1)
                return which + "leaky_relu slope " + std::to_string(r.num) + " / " + std::to_string(r.den) +
                       " is not a reduced std::ratio";
        } else if (r.num != 0 || r.den != 1) {
            return which + "activation parameter " + std::to_string(r.num) + " / " + std::to_string(r.den) +
                   " (this activation has none: 0 / 1)";
        }
        std::uint64_t const count = (width + 1) * r.output_size;  // below 2^64: both factors are at most 2^32
        if (count > max_count - d.parameter_count)
            return "truncated: the layers declare more parameters than the file's " + std::to_string(in.size()) + " bytes hold";
        d.parameter_count += count;
        width = r.output_size;
        d.layers.push_back(r);
    }
    d.parameters_at = at;
    std::uint64_t const size = at + d.parameter_count * value_size + format::checksum_size;
    if (in.size() < size)
        return "truncated: the file is " + std::to_string(in.size()) + " bytes, its header describes " + std::to_string(size);
    std::size_t const body = static_cast<std::size_t>(size) - format::checksum_size;
    std::uint32_t const stored = get_le<std::uint32_t>(in, body), computed = fixnet::detail::crc32(in.first(body));
    if (stored != computed) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "checksum mismatch: stored CRC-32 %08x, computed %08x (the file is corrupt)",
                      unsigned(stored), unsigned(computed));
        return buf;
    }
    for (std::uint64_t k = 0; k < d.parameter_count; ++k) {
        std::size_t const pos = at + static_cast<std::size_t>(k * value_size);
        bool const finite = d.is_float ? std::isfinite(std::bit_cast<float>(get_le<std::uint32_t>(in, pos)))
                                       : std::isfinite(std::bit_cast<double>(get_le<std::uint64_t>(in, pos)));
        if (!finite) return "parameter " + std::to_string(k) + " is NaN or infinite (no C++ literal spells it)";
    }
    if (in.size() > size)
        std::cerr << "fixnet-convert: note: " << in.size() - size << " bytes after the checksum are ignored\n";
    return {};
}

/// The header's text, by the generator write_cpp uses, with values of type T read from the file.
template <class T>
std::string header_text(std::span<const std::byte> in, const file_description& d, std::string_view name, std::string_view backend) {
    std::string text;
    auto sink = [&](std::string_view s) { text += s; };
    fixnet::detail::cpp_writer<decltype(sink)> w{sink};
    w.prologue(name, backend, d.is_float, d.input_size, d.layers);
    std::size_t at = d.parameters_at;
    std::size_t in_width = d.input_size;
    auto const emit = [&](std::size_t layer, bool biases, std::size_t count) {
        w.array(layer, biases, count, [&](std::size_t k) {
            return std::bit_cast<T>(fixnet::detail::get_le<fixnet::detail::bits_of<T>>(in, at + k * sizeof(T)));
        });
        at += count * sizeof(T);
    };
    for (std::size_t l = 0; l < d.layers.size(); ++l) {
        std::size_t const out_width = d.layers[l].output_size;
        emit(l, false, in_width * out_width);  // weights, input-major as in memory
        emit(l, true, out_width);
        in_width = out_width;
    }
    w.epilogue();
    return text;
}

int usage(std::string_view problem) {
    std::cerr << "fixnet-convert: " << problem << "\n"
              << "usage: fixnet-convert <file.fxn> <name> [--backend scalar|simd] [-o out.hpp]\n"
              << "  Writes a C++ header defining <name> as an inline constexpr fixnet network holding the\n"
              << "  file's parameters (what fixnet::write_cpp writes), to out.hpp or standard output.\n";
    return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> positional;
    std::string_view backend = "simd", output;
    for (int k = 1; k < argc; ++k) {
        std::string_view const a = argv[k];
        if (a == "--backend" || a == "-o") {
            if (k + 1 >= argc) return usage(std::string(a) + " needs a value");
            (a == "-o" ? output : backend) = argv[++k];
        } else if (a == "-h" || a == "--help") {
            usage("converts a saved network to a C++ header");
            return 0;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option " + std::string(a));
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() != 2) return usage("expected a file and a name");
    if (backend != "simd" && backend != "scalar") return usage("unknown backend '" + std::string(backend) + "' (scalar or simd)");
    std::string const path(positional[0]);
    std::string_view const name = positional[1];
    if (!fixnet::detail::is_identifier(name)) return usage("'" + std::string(name) + "' is not a C++ identifier");

    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::cerr << "fixnet-convert: cannot open " << path << "\n";
        return exit_usage;
    }
    std::vector<char> const chars{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    std::span<const std::byte> const bytes = std::as_bytes(std::span<const char>(chars));

    file_description d;
    if (std::string const problem = check(bytes, d); !problem.empty()) {
        std::cerr << "fixnet-convert: " << path << ": " << problem << "\n";
        return exit_invalid_file;
    }
    std::string const text = d.is_float ? header_text<float>(bytes, d, name, backend) : header_text<double>(bytes, d, name, backend);
    if (output.empty()) {
        std::cout << text << std::flush;
        return std::cout ? 0 : exit_usage;
    }
    std::ofstream out{std::string(output), std::ios::binary};
    out << text;
    out.close();
    if (!out) {
        std::cerr << "fixnet-convert: cannot write " << output << "\n";
        return exit_usage;
    }
    return 0;
}
