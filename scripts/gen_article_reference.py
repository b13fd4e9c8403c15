#!/usr/bin/env python3
"""Regenerates tests/generated/article_reference.hpp: the article's worked example in IEEE double.

The tests and examples/backprop_walkthrough.cpp both read it.

The numbers come from a direct transcription of the article's formulas (below), computed with
Python floats (IEEE double, the platform's exp), and are checked against the values published in
the project's reference (seed-worked-example.md) before anything is written. Never edit the
header by hand: run `scripts/gen_article_reference.py` instead.
"""
import math
import pathlib

X = [0.05, 0.10]
W0 = [[0.15, 0.20], [0.25, 0.30]]  # hidden layer, weight(o, i): w1 w2 / w3 w4
W1 = [[0.40, 0.45], [0.50, 0.55]]  # output layer: w5 w6 / w7 w8
B0, B1 = 0.35, 0.60
T = [0.01, 0.99]
RATE = 0.5


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def forward(W, B, x):
    hnet = [B[0][o] + W[0][o][0] * x[0] + W[0][o][1] * x[1] for o in range(2)]
    hout = [sigmoid(v) for v in hnet]
    onet = [B[1][o] + W[1][o][0] * hout[0] + W[1][o][1] * hout[1] for o in range(2)]
    oout = [sigmoid(v) for v in onet]
    return hnet, hout, onet, oout


def error(out, t):
    return sum(0.5 * (t[o] - out[o]) ** 2 for o in range(2))


def gradients(W, B, x, t):
    """dE/dw and deltas, split as the article does: dE/dout * dout/dnet * dnet/dw."""
    hnet, hout, onet, oout = forward(W, B, x)
    d_out = [(oout[o] - t[o]) * oout[o] * (1.0 - oout[o]) for o in range(2)]
    gw1 = [[d_out[o] * hout[i] for i in range(2)] for o in range(2)]
    back = [W[1][0][i] * d_out[0] + W[1][1][i] * d_out[1] for i in range(2)]
    d_hid = [back[i] * hout[i] * (1.0 - hout[i]) for i in range(2)]
    gw0 = [[d_hid[o] * x[i] for i in range(2)] for o in range(2)]
    return gw0, gw1, d_hid, d_out


def train(steps, learn_biases, t):
    W = [[row[:] for row in W0], [row[:] for row in W1]]
    B = [[B0, B0], [B1, B1]]
    for _ in range(steps):
        gw0, gw1, d_hid, d_out = gradients(W, B, X, t)
        for layer, g, d in ((0, gw0, d_hid), (1, gw1, d_out)):
            for o in range(2):
                for i in range(2):
                    W[layer][o][i] -= RATE * g[o][i]
                if learn_biases:
                    B[layer][o] -= RATE * d[o]
    out = forward(W, B, X)[3]
    return W, error(out, t), out


def main():
    B = [[B0, B0], [B1, B1]]
    hnet, hout, onet, oout = forward([W0, W1], B, X)
    e = error(oout, T)
    gw0, gw1, d_hid, d_out = gradients([W0, W1], B, X, T)
    w_step, _, _ = train(1, False, T)
    _, e_fixed, out_fixed = train(10000, False, T)
    _, e_learned, out_learned = train(10000, True, T)
    w_022, _, _ = train(1, False, [0.01, 0.22])
    e_022 = error(oout, [0.01, 0.22])
    _, e_022_10k, _ = train(10000, False, [0.01, 0.22])

    flat = lambda m: [m[0][0], m[0][1], m[1][0], m[1][1]]
    values = {
        "net_h": hnet, "out_h": hout, "net_o": onet, "out_o": oout, "e_total": [e],
        "grad_w": flat(gw0) + flat(gw1), "delta_h": d_hid, "delta_o": d_out,
        "w_after_step": flat(w_step[0]) + flat(w_step[1]),
        "e_10k_fixed_biases": [e_fixed], "out_10k_fixed_biases": out_fixed,
        "e_10k_learned_biases": [e_learned], "out_10k_learned_biases": out_learned,
        "e_t2_022": [e_022], "w_after_step_t2_022": flat(w_022[0]) + flat(w_022[1]),
        "e_10k_fixed_biases_t2_022": [e_022_10k],
    }

    # The published reference (seed-worked-example.md), as printed there.
    published = {
        "net_h": [0.3775, 0.3925], "out_h": [0.593269992107187, 0.596884378259767],
        "net_o": [1.105905967059770, 1.224921404096465], "out_o": [0.751365069552316, 0.772928465321463],
        "e_total": [0.298371108760003],
        "grad_w": [0.000438567734474, 0.000877135468949, 0.000497712735261, 0.000995425470522,
                   0.082167040564231, 0.082667627847533, -0.022602540477475, -0.022740242215978],
        "delta_h": [0.008771354689487, 0.009954254705217], "delta_o": [0.138498561628557, -0.038098236516556],
        "w_after_step": [0.149780716132763, 0.199561432265526, 0.249751143632370, 0.299502287264739,
                         0.358916479717885, 0.408666186076233, 0.511301270238738, 0.561370121107989],
        "e_10k_fixed_biases": [3.510187783e-05], "out_10k_fixed_biases": [0.015913620, 0.984064274],
        "e_10k_learned_biases": [2.447562236e-06], "out_10k_learned_biases": [0.011587527, 0.988458935],
        "e_t2_022": [0.427676027057529],
        "w_after_step_t2_022": [0.149373090644239, 0.198746181288478, 0.249304032728448, 0.298608065456895,
                                0.358916479717885, 0.408666186076233, 0.471213203893628, 0.521037825737632],
        "e_10k_fixed_biases_t2_022": [1.831775842e-05],
    }
    for name, pub in published.items():
        for got, want in zip(values[name], pub):
            digits = len(repr(want).replace("-", "").split("e")[0].lstrip("0.").replace(".", ""))
            tol = 0.6 * 10.0 ** (-digits + 1) * abs(want) + 1e-16
            assert abs(got - want) <= tol, f"{name}: computed {got!r}, published {want!r}"

    lines = [
        "// Generated by scripts/gen_article_reference.py from the article's formulas in IEEE double;",
        "// checked there against seed-worked-example.md. Do not edit by hand.",
        "#pragma once",
        "",
        "#include <array>",
        "",
        "namespace article_reference {",
        "",
    ]
    for name, vals in values.items():
        body = ", ".join(repr(float(v)) for v in vals)
        lines.append(f"inline constexpr std::array<double, {len(vals)}> {name}{{{body}}};")
    lines += ["", "}  // namespace article_reference", ""]
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "generated" / "article_reference.hpp"
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
