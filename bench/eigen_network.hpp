// A hand-written two-layer sigmoid network on Eigen fixed-size matrices (benchmark baseline).
#pragma once

#include <cstddef>

#include <Eigen/Dense>

namespace fixnet_bench {

/// W0 x + b0 -> sigmoid -> W1 h + b1 -> sigmoid, with Eigen's expression templates; the
/// sigmoid is (1 + exp(-z)).inverse() on arrays so Eigen can vectorise its exp.
template <class T, int In, int Hid, int Out>
struct eigen_network {
    using in_t = Eigen::Matrix<T, In, 1>;
    using hid_t = Eigen::Matrix<T, Hid, 1>;
    using out_t = Eigen::Matrix<T, Out, 1>;
    Eigen::Matrix<T, Hid, In> w0;
    hid_t b0;
    Eigen::Matrix<T, Out, Hid> w1;
    out_t b1;
    hid_t h;
    out_t o;

    template <class V>
    static auto sigmoid(const V& z) {
        return (T(1) + (-z.array()).exp()).inverse().matrix();
    }

    const out_t& forward(const in_t& x) {
        h.noalias() = w0 * x;
        h = sigmoid(h + b0);
        o.noalias() = w1 * h;
        o = sigmoid(o + b1);
        return o;
    }

    T train_step(const in_t& x, const out_t& target, T rate) {
        forward(x);
        T const e = T(0.5) * (target - o).squaredNorm();
        out_t const d1 = ((o - target).array() * o.array() * (T(1) - o.array())).matrix();
        hid_t const d0 = ((w1.transpose() * d1).array() * h.array() * (T(1) - h.array())).matrix();
        w1.noalias() -= (rate * d1) * h.transpose();
        b1 -= rate * d1;
        w0.noalias() -= (rate * d0) * x.transpose();
        b0 -= rate * d0;
        return e;
    }
};

}  // namespace fixnet_bench
