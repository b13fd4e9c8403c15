// A seeded pseudo-random permutation of 0 .. n-1 computed index by index, with no storage.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixnet/random.hpp"

namespace fixnet::detail {

/// k -> a pseudo-random position in [0, n), a bijection chosen by `seed`: fit's shuffle without an
/// index array (the sample count is known only at run time, and fixnet allocates nothing). A
/// balanced four-round Feistel network permutes the 2^(2h) >= n values of 2h bits (each round
/// mixes one half into the other with a SplitMix64 hash of the seed, the round and that half);
/// values that land at n or beyond are mapped again until they fall inside ("cycle walking"),
/// which keeps it a bijection of [0, n). Fewer than four mappings per index on average (2^(2h) < 4n).
class index_permutation {
public:
    constexpr index_permutation(std::size_t n, std::uint64_t seed) noexcept : n_{n} {
        std::size_t bits = 2;
        while (bits < 64 && (std::uint64_t{1} << bits) < n) bits += 2;
        half_ = static_cast<unsigned>(bits / 2);
        random_engine rng{seed};
        for (auto& k : keys_) k = rng();
    }

    [[nodiscard]] constexpr std::size_t operator()(std::size_t k) const noexcept {
        std::uint64_t x = k;
        do x = round_trip(x);
        while (x >= n_);
        return static_cast<std::size_t>(x);
    }

private:
    [[nodiscard]] constexpr std::uint64_t round_trip(std::uint64_t x) const noexcept {
        std::uint64_t const mask = (std::uint64_t{1} << half_) - 1;
        std::uint64_t left = x >> half_, right = x & mask;
        for (std::uint64_t const key : keys_) {
            std::uint64_t const mixed = left ^ (random_engine{key ^ right}() & mask);
            left = right;
            right = mixed;
        }
        return (left << half_) | right;
    }

    std::size_t n_;
    unsigned half_ = 1;
    std::uint64_t keys_[4]{};
};

}  // namespace fixnet::detail
