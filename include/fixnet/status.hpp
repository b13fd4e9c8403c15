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
};

/// True for every status but ok.
[[nodiscard]] constexpr bool failed(status s) noexcept { return s != status::ok; }

/// A short English description, e.g. for logs: "ok", "size mismatch".
[[nodiscard]] constexpr std::string_view to_string(status s) noexcept {
    switch (s) {
        case status::ok: return "ok";
        case status::size_mismatch: return "size mismatch";
        case status::empty_batch: return "empty batch";
    }
    return "unknown status";
}

}  // namespace fixnet
