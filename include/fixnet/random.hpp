// fixnet's own small PRNG: the same numbers on every compiler and platform (std::mt19937 is
// portable too, but std's distributions are not, and none of it is constexpr).
#pragma once

#include <cstdint>

namespace fixnet {

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state, one add and three xor-shift-
/// multiplies per number; passes BigCrush, and is plenty for weight initialisation and shuffling.
/// constexpr, no heap, trivially copyable.
class random_engine {
public:
    using result_type = std::uint64_t;

    constexpr explicit random_engine(std::uint64_t seed = 0) noexcept : state_{seed} {}

    [[nodiscard]] static constexpr result_type min() noexcept { return 0; }
    [[nodiscard]] static constexpr result_type max() noexcept { return ~result_type{0}; }

    constexpr result_type operator()() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// Uniform in [0, 1) with 53 random bits: exact in double, no rounding involved.
    constexpr double uniform01() noexcept {
        return static_cast<double>((*this)() >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t state_;
};

}  // namespace fixnet
