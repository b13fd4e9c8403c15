// The naive baseline: the network a reader of the article would write, runtime sizes and all.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace fixnet_bench {

/// Weights in vector<vector<vector<T>>> (layer, output row, input), biases and activations in
/// vectors allocated once by the constructor; plain nested loops and 1 / (1 + std::exp(-x)).
/// Deliberately unoptimised in structure, compiled with the same flags as everything else.
template <class T>
struct naive_network {
    std::vector<std::vector<std::vector<T>>> w;  // w[l][o][i]
    std::vector<std::vector<T>> b;               // b[l][o]
    std::vector<std::vector<T>> a;               // a[0] input, a[l + 1] output of layer l
    std::vector<std::vector<T>> delta;           // delta[l][o]

    explicit naive_network(const std::vector<std::size_t>& sizes) {
        for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
            w.emplace_back(sizes[l + 1], std::vector<T>(sizes[l]));
            b.emplace_back(sizes[l + 1]);
            delta.emplace_back(sizes[l + 1]);
        }
        for (std::size_t n : sizes) a.emplace_back(n);
    }

    static T sigmoid(T x) { return T(1) / (T(1) + std::exp(-x)); }

    const std::vector<T>& forward(const std::vector<T>& x) {
        for (std::size_t i = 0; i < x.size(); ++i) a[0][i] = x[i];
        for (std::size_t l = 0; l < w.size(); ++l) {
            for (std::size_t o = 0; o < w[l].size(); ++o) {
                T s = b[l][o];
                for (std::size_t i = 0; i < w[l][o].size(); ++i) s += w[l][o][i] * a[l][i];
                a[l + 1][o] = sigmoid(s);
            }
        }
        return a.back();
    }

    /// One on-line SGD step on one sample; returns the error before the update.
    T train_step(const std::vector<T>& x, const std::vector<T>& target, T rate) {
        forward(x);
        std::size_t const last = w.size() - 1;
        T e = 0;
        for (std::size_t o = 0; o < a.back().size(); ++o) {
            T const out = a.back()[o];
            e += T(0.5) * (target[o] - out) * (target[o] - out);
            delta[last][o] = (out - target[o]) * out * (1 - out);
        }
        for (std::size_t l = last; l > 0; --l) {
            for (std::size_t i = 0; i < a[l].size(); ++i) {
                T s = 0;
                for (std::size_t o = 0; o < w[l].size(); ++o) s += w[l][o][i] * delta[l][o];
                delta[l - 1][i] = s * a[l][i] * (1 - a[l][i]);
            }
        }
        for (std::size_t l = 0; l <= last; ++l) {
            for (std::size_t o = 0; o < w[l].size(); ++o) {
                for (std::size_t i = 0; i < w[l][o].size(); ++i) w[l][o][i] -= rate * a[l][i] * delta[l][o];
                b[l][o] -= rate * delta[l][o];
            }
        }
        return e;
    }
};

}  // namespace fixnet_bench
