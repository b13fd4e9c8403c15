// fixnet::status: how an operation on caller-supplied buffers ended (errors are values, not exceptions).
#pragma once

#include <string_view>

namespace fixnet {

/// The result of an operation whose input the caller controls at run time (spans, buffers).
/// `ok` is zero, so `if (s != fixnet::status::ok)` and `if (fixnet::failed(s))` read naturally.
enum class status : unsigned char {
    ok = 0,
    size_mismatch,  ///< two spans that must have the same length do not; nothing was written
    empty_batch,    ///< training on no samples at all; nothing was changed
    buffer_too_small,     ///< save: the buffer is shorter than serialized_size; nothing was written
    truncated,            ///< load: the buffer ends before the file does
    bad_magic,            ///< load: not a fixnet file (its first 4 bytes are not "FXNT")
    unsupported_version,  ///< load: a format version this fixnet does not read
    type_mismatch,        ///< load: the file's element type is not the network's (float / double)
    shape_mismatch,       ///< load: the file's layer count, widths or activations are not the network's
    checksum_mismatch,    ///< load: the CRC-32 does not match: the file is corrupt
    non_finite_value,     ///< a parameter is NaN or infinite (load, write_cpp)
    bad_name,             ///< write_cpp: the name is not a C++ identifier; nothing was written
};

/// True for every status but ok.
[[nodiscard]] constexpr bool failed(status s) noexcept { return s != status::ok; }

/// A short English description, e.g. for logs: "ok", "size mismatch".
[[nodiscard]] constexpr std::string_view to_string(status s) noexcept {
    switch (s) {
        case status::ok: return "ok";
        case status::size_mismatch: return "size mismatch";
        case status::empty_batch: return "empty batch";
        case status::buffer_too_small: return "buffer too small";
        case status::truncated: return "truncated";
        case status::bad_magic: return "bad magic (not a fixnet file)";
        case status::unsupported_version: return "unsupported format version";
        case status::type_mismatch: return "element type mismatch";
        case status::shape_mismatch: return "shape mismatch";
        case status::checksum_mismatch: return "checksum mismatch";
        case status::non_finite_value: return "non-finite value";
        case status::bad_name: return "not a C++ identifier";
    }
    return "unknown status";
}

}  // namespace fixnet
