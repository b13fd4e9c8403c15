#!/usr/bin/env python3
"""Golden values for fixnet's tests, computed by PyTorch (CPU only).

Run from anywhere (the headers are written next to this script):

    python3 tests/golden/generate.py

It writes tests/golden/golden_<case>.hpp for every case below and
tests/golden/golden_optimizers.hpp with the optimizer hyperparameters.
The headers are generated: never edit them by hand, change this script and rerun it.
The output is deterministic (a second run leaves `git diff` empty).
See tests/golden/README.md for the exact semantics of every value.
"""

import math
import os
import sys

try:
    import torch
except ImportError:
    # Debian's python3-torch lives in /usr/lib/python3/dist-packages, which an interpreter other
    # than the system one (pyenv, a venv) does not see: rerun once under /usr/bin/python3.
    system_python = "/usr/bin/python3"
    if (os.path.exists(system_python) and not os.environ.get("FIXNET_GOLDEN_REEXEC")
            and os.path.realpath(sys.executable) != os.path.realpath(system_python)):
        os.environ["FIXNET_GOLDEN_REEXEC"] = "1"
        os.execv(system_python, [system_python] + sys.argv)
    raise
import numpy as np
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

BATCH = 4
STEPS = 3

# ---------------------------------------------------------------------------------------------
# Hyperparameters (also written to golden_optimizers.hpp)

SGD_LR = 0.1
SGD_MOMENTUM = 0.9
ADAM_LR = 0.01
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8
WEIGHT_DECAY = 0.01
RPROP_LR = 0.01
RPROP_ETA_MINUS = 0.5
RPROP_ETA_PLUS = 1.2
RPROP_MIN_STEP = 1e-6
RPROP_MAX_STEP = 50.0
LEAKY_SLOPE = 0.01

OPTIMIZERS = [
    ("sgd", lambda p: torch.optim.SGD(p, lr=SGD_LR)),
    ("sgd_momentum", lambda p: torch.optim.SGD(p, lr=SGD_LR, momentum=SGD_MOMENTUM)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=SGD_LR, momentum=SGD_MOMENTUM, nesterov=True)),
    ("sgd_weight_decay", lambda p: torch.optim.SGD(p, lr=SGD_LR, momentum=SGD_MOMENTUM,
                                                   weight_decay=WEIGHT_DECAY)),
    ("adam", lambda p: torch.optim.Adam(p, lr=ADAM_LR, betas=(ADAM_BETA1, ADAM_BETA2), eps=ADAM_EPS)),
    ("adam_weight_decay", lambda p: torch.optim.Adam(p, lr=ADAM_LR, betas=(ADAM_BETA1, ADAM_BETA2),
                                                     eps=ADAM_EPS, weight_decay=WEIGHT_DECAY)),
    ("rprop", lambda p: torch.optim.Rprop(p, lr=RPROP_LR, etas=(RPROP_ETA_MINUS, RPROP_ETA_PLUS),
                                          step_sizes=(RPROP_MIN_STEP, RPROP_MAX_STEP))),
]

# ---------------------------------------------------------------------------------------------
# Activations: name -> (torch function on a (batch, width) tensor, fixnet type)

ACTIVATIONS = {
    "relu": (F.relu, "fixnet::relu"),
    "tanh": (torch.tanh, "fixnet::tanh"),
    "softmax": (lambda z: torch.softmax(z, dim=1), "fixnet::softmax"),
    "leaky_relu": (lambda z: F.leaky_relu(z, negative_slope=LEAKY_SLOPE), "fixnet::leaky_relu<>"),
    "softplus": (F.softplus, "fixnet::softplus"),  # beta 1, threshold 20 (torch's defaults)
    "sigmoid": (torch.sigmoid, "fixnet::sigmoid"),
    "identity": (lambda z: z, "fixnet::identity"),
}

# ---------------------------------------------------------------------------------------------
# Losses: batch loss = mean over the samples of the per-sample loss.
# Each takes (logits of the last layer, outputs, targets).


def cross_entropy(logits, outputs, targets):
    # -sum_o t_o log softmax(z)_o per sample, mean over the batch; from the logits.
    return F.cross_entropy(logits, targets)


def mean_squared_error(logits, outputs, targets):
    return F.mse_loss(outputs, targets)  # mean over batch * width = mean of (1/N) sum per sample


def half_squared_error(logits, outputs, targets):
    return 0.5 * ((targets - outputs) ** 2).sum() / outputs.shape[0]


def binary_cross_entropy(logits, outputs, targets):
    return F.binary_cross_entropy(outputs, targets)


LOSSES = {
    "cross_entropy": cross_entropy,
    "mean_squared_error": mean_squared_error,
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
}


def reference_loss(name, outputs, targets):
    """The per-sample definitions of the README, written out, for a cross-check of the torch calls."""
    n = outputs.shape[1]
    if name == "half_squared_error":
        per = 0.5 * ((targets - outputs) ** 2).sum(dim=1)
    elif name == "mean_squared_error":
        per = ((targets - outputs) ** 2).sum(dim=1) / n
    elif name == "binary_cross_entropy":
        per = (-(targets * torch.log(outputs) + (1 - targets) * torch.log(1 - outputs))).sum(dim=1) / n
    elif name == "cross_entropy":
        per = -(targets * torch.log(outputs)).sum(dim=1)
    else:
        raise ValueError(name)
    return per.mean()


# ---------------------------------------------------------------------------------------------
# Cases

CASES = [
    dict(name="softmax_net", seed=1, inputs=4,
         layers=[(5, "relu"), (4, "tanh"), (3, "softmax")],
         targets="one_hot",
         losses=["cross_entropy", "mean_squared_error", "half_squared_error"]),
    dict(name="sigmoid_net", seed=2, inputs=3,
         layers=[(6, "leaky_relu"), (4, "softplus"), (2, "sigmoid")],
         targets="unit",
         losses=["binary_cross_entropy", "mean_squared_error", "half_squared_error"]),
    dict(name="regression_net", seed=3, inputs=2,
         layers=[(3, "tanh"), (3, "identity"), (1, "identity")],
         targets="symmetric",
         losses=["mean_squared_error", "half_squared_error"]),
]


def draw_case(case):
    """Initial parameters (torch layout: per layer W (Out x In), b (Out)), inputs and targets in float64.

    Draw order after torch.manual_seed(seed): per layer its weight then its bias, then the inputs,
    then the targets."""
    torch.manual_seed(case["seed"])
    f64 = torch.float64
    params = []
    width = case["inputs"]
    for out, _ in case["layers"]:
        params.append(torch.rand(out, width, dtype=f64) * 2 - 1)
        params.append(torch.rand(out, dtype=f64) * 2 - 1)
        width = out
    inputs = torch.rand(BATCH, case["inputs"], dtype=f64) * 4 - 2
    if case["targets"] == "one_hot":
        classes = torch.randint(0, width, (BATCH,))
        targets = F.one_hot(classes, width).to(f64)
    elif case["targets"] == "unit":
        targets = torch.rand(BATCH, width, dtype=f64)
    elif case["targets"] == "symmetric":
        targets = torch.rand(BATCH, width, dtype=f64) * 2 - 1
    else:
        raise ValueError(case["targets"])
    return params, inputs, targets


def forward(case, params, inputs):
    """Returns (logits of the last layer, outputs)."""
    x = inputs
    z = None
    for k, (_, act) in enumerate(case["layers"]):
        w, b = params[2 * k], params[2 * k + 1]
        z = x @ w.t() + b
        x = ACTIVATIONS[act][0](z)
    return z, x


def flatten(tensors):
    """Flat parameter order: per layer W transposed (input-major: [i * Out + o] = W[o][i]), then b."""
    parts = []
    for k in range(0, len(tensors), 2):
        parts.append(tensors[k].t().flatten())
        parts.append(tensors[k + 1].flatten())
    return torch.cat(parts)


def unflatten(case, flat):
    params = []
    pos = 0
    width = case["inputs"]
    for out, _ in case["layers"]:
        params.append(flat[pos:pos + width * out].view(width, out).t())
        pos += width * out
        params.append(flat[pos:pos + out])
        pos += out
        width = out
    assert pos == flat.numel()
    return params


def batch_loss(case, loss_name, params, inputs, targets):
    logits, outputs = forward(case, params, inputs)
    return LOSSES[loss_name](logits, outputs, targets)


def gradient(case, loss_name, params, inputs, targets):
    leaves = [p.detach().clone().requires_grad_(True) for p in params]
    loss = batch_loss(case, loss_name, leaves, inputs, targets)
    grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), flatten(grads)


def train(case, loss_name, make_optimizer, params, inputs, targets):
    leaves = [p.detach().clone().requires_grad_(True) for p in params]
    optimizer = make_optimizer(leaves)
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = batch_loss(case, loss_name, leaves, inputs, targets)
        loss.backward()
        optimizer.step()
    return flatten([p.detach() for p in leaves])


def compute(case, params, inputs, targets):
    """Every value of one case in the dtype of the given tensors."""
    res = {
        "initial": flatten(params),
        "inputs": inputs.flatten(),
        "targets": targets.flatten(),
        "outputs": forward(case, params, inputs)[1].detach().flatten(),
        "losses": {},
    }
    for loss_name in case["losses"]:
        loss, grad = gradient(case, loss_name, params, inputs, targets)
        entry = {"loss": loss, "gradient": grad}
        for opt_name, make in OPTIMIZERS:
            entry["after_" + opt_name] = train(case, loss_name, make, params, inputs, targets)
        res["losses"][loss_name] = entry
    return res


# ---------------------------------------------------------------------------------------------
# Sanity checks


def check_f64(case, params, inputs, targets, res):
    logits, outputs = forward(case, params, inputs)
    if case["layers"][-1][1] == "softmax":
        sums = outputs.sum(dim=1)
        assert torch.all((sums - 1).abs() <= 1e-12), (case["name"], sums)
    flat0 = flatten(params)
    assert torch.equal(flatten(unflatten(case, flat0)), flat0)
    h = 1e-6
    for loss_name in case["losses"]:
        # The torch loss calls agree with the per-sample definitions written out.
        ref = reference_loss(loss_name, outputs, targets)
        got = res["losses"][loss_name]["loss"]
        assert abs(float(ref - got)) <= 1e-12 * max(1.0, abs(float(ref))), (case["name"], loss_name, ref, got)
        # The gradient in flat order agrees with a central finite difference of the batch loss.
        grad = res["losses"][loss_name]["gradient"]
        for j in range(flat0.numel()):
            plus = flat0.clone()
            plus[j] += h
            minus = flat0.clone()
            minus[j] -= h
            fd = (float(batch_loss(case, loss_name, unflatten(case, plus), inputs, targets))
                  - float(batch_loss(case, loss_name, unflatten(case, minus), inputs, targets))) / (2 * h)
            g = float(grad[j])
            assert abs(fd - g) < 1e-6 * max(1.0, abs(g)), (case["name"], loss_name, j, g, fd)


def check_f32_against_f64(name, r32, r64):
    def close(path, a32, a64):
        a32 = a32.to(torch.float64).flatten()
        a64 = a64.flatten()
        scale = float(a64.abs().max())
        err = float((a32 - a64).abs().max())
        assert err <= 1e-4 * scale, (name, path, err, scale)

    for key in ("initial", "inputs", "targets", "outputs"):
        close(key, r32[key], r64[key])
    for loss_name, entry in r64["losses"].items():
        for key, v64 in entry.items():
            close(loss_name + "." + key, r32["losses"][loss_name][key], v64)


def check_optimizer_semantics():
    """The update rules the README documents reproduce torch.optim (float64, random data, 3 steps)."""
    gen = torch.Generator().manual_seed(12345)
    p0 = torch.rand(7, generator=gen, dtype=torch.float64) * 2 - 1
    a = torch.rand(7, generator=gen, dtype=torch.float64) * 2 - 1
    a[3] = 0.0  # a zero gradient component (Rprop's sign 0)

    def grad_of(p):  # gradient of a fixed smooth function whose gradient changes sign along the way
        return a * torch.cos(3 * p) + 0.5 * p

    def manual(name):
        p = p0.clone()
        buf = None
        m = torch.zeros_like(p)
        v = torch.zeros_like(p)
        prev = torch.zeros_like(p)
        step = torch.full_like(p, RPROP_LR)
        for t in range(1, STEPS + 1):
            g = grad_of(p)
            if name.startswith("sgd"):
                if name == "sgd_weight_decay":
                    g = g + WEIGHT_DECAY * p
                if name != "sgd":
                    buf = g.clone() if buf is None else SGD_MOMENTUM * buf + g
                    g = g + SGD_MOMENTUM * buf if name == "sgd_nesterov" else buf
                p = p - SGD_LR * g
            elif name.startswith("adam"):
                if name == "adam_weight_decay":
                    g = g + WEIGHT_DECAY * p
                m = ADAM_BETA1 * m + (1 - ADAM_BETA1) * g
                v = ADAM_BETA2 * v + (1 - ADAM_BETA2) * g * g
                bc1 = 1 - ADAM_BETA1 ** t
                bc2 = 1 - ADAM_BETA2 ** t
                p = p - (ADAM_LR / bc1) * m / (v.sqrt() / math.sqrt(bc2) + ADAM_EPS)
            elif name == "rprop":
                s = g * prev
                factor = torch.where(s > 0, torch.full_like(s, RPROP_ETA_PLUS),
                                     torch.where(s < 0, torch.full_like(s, RPROP_ETA_MINUS), torch.ones_like(s)))
                step = (step * factor).clamp(RPROP_MIN_STEP, RPROP_MAX_STEP)
                g = torch.where(s < 0, torch.zeros_like(g), g)
                p = p - g.sign() * step
                prev = g
        return p

    for name, make in OPTIMIZERS:
        leaf = p0.clone().requires_grad_(True)
        opt = make([leaf])
        for _ in range(STEPS):
            opt.zero_grad()
            leaf.grad = grad_of(leaf.detach())
            opt.step()
        expected = manual(name)
        assert torch.allclose(leaf.detach(), expected, rtol=1e-13, atol=1e-15), (name, leaf, expected)


# ---------------------------------------------------------------------------------------------
# C++ output


def cpp_double(x):
    x = float(x)
    assert math.isfinite(x), x
    s = "%.17g" % x
    if "." not in s:
        mant, e, exp = s.partition("e")
        s = mant + ".0" + e + exp
    assert float(s) == x and math.copysign(1.0, float(s)) == math.copysign(1.0, x), (s, x)
    return s


def cpp_float(x):
    x = np.float32(x)
    assert np.isfinite(x), x
    s = "%.9g" % float(x)
    if "." not in s:
        mant, e, exp = s.partition("e")
        s = mant + ".0" + e + exp
    assert np.float32(s) == x and np.signbit(np.float32(s)) == np.signbit(x), (s, x)
    return s + "f"


def cpp_short_double(x):
    """Shortest round-trip form, for the hand-chosen hyperparameters."""
    s = repr(float(x))
    if "." not in s and "e" not in s:
        s += ".0"
    assert float(s) == float(x)
    return s


class Writer:
    def __init__(self):
        self.lines = []
        self.count = 0  # number of numeric values written

    def line(self, text=""):
        self.lines.append(text)

    def array(self, ctype, fmt, name, values, comment=None, per_line=4):
        vals = [fmt(v) for v in values.tolist()]
        self.count += len(vals)
        head = "inline constexpr std::array<%s, %d> %s{" % (ctype, len(vals), name)
        if comment:
            self.line("// " + comment)
        self.line(head)
        for k in range(0, len(vals), per_line):
            self.line("    " + ", ".join(vals[k:k + per_line]) + ",")
        self.line("};")

    def scalar(self, ctype, fmt, name, value, comment=None):
        self.count += 1
        text = "inline constexpr %s %s = %s;" % (ctype, name, fmt(value))
        if comment:
            text += "  // " + comment
        self.line(text)

    def text(self):
        return "\n".join(self.lines) + "\n"


def header_preamble(w, what):
    w.line("// %s, computed by PyTorch %s (tests/golden/generate.py)." % (what, torch.__version__))
    w.line("// Generated: do not edit; rerun `python3 tests/golden/generate.py` instead.")
    w.line("#pragma once")
    w.line()


def case_header(case, r64, r32):
    name = case["name"]
    w = Writer()
    header_preamble(w, "Golden values for the %s case" % name)
    w.line("#include <array>")
    w.line("#include <cstddef>")
    w.line()
    w.line("namespace fixnet_golden::%s {" % name)
    w.line()
    widths = [case["inputs"]] + [out for out, _ in case["layers"]]
    count = sum(i * o + o for i, o in zip(widths, widths[1:]))
    assert count == r64["initial"].numel()
    w.line("inline constexpr std::size_t batch = %d;" % BATCH)
    w.line("inline constexpr std::size_t input_size = %d;" % case["inputs"])
    w.line("inline constexpr std::size_t output_size = %d;" % widths[-1])
    w.line("inline constexpr std::size_t parameter_count = %d;  // %s" % (
        count, "+".join("(%d*%d+%d)" % (i, o, o) for i, o in zip(widths, widths[1:]))))
    layers = ", ".join("fixnet::dense<%d, %s>" % (out, ACTIVATIONS[act][1]) for out, act in case["layers"])
    w.line("// The network, as a fixnet type (the consumer includes fixnet first):")
    w.line("// fixnet::basic_network<B, T, %d, %s>" % (case["inputs"], layers))
    w.line("#define FIXNET_GOLDEN_%s_LAYERS %s" % (name.upper(), layers))
    w.line("// Loss functions of this case: %s" % ", ".join(case["losses"]))
    w.line("// Every loss namespace holds: loss, gradient, %s" % ", ".join("after_" + o for o, _ in OPTIMIZERS))
    for ns, ctype, fmt, res, note in (
            ("f64", "double", cpp_double, r64, "computed in torch.float64; literals with 17 significant digits"),
            ("f32", "float", cpp_float, r32,
             "computed in torch.float32 from the float64 data rounded to float; float literals with 9 "
             "significant digits and an f suffix")):
        w.line()
        w.line("namespace %s {  // %s" % (ns, note))
        w.array(ctype, fmt, "initial", res["initial"], "initial parameters, flat order (per layer: weights "
                "input-major [i * Out + o], then biases)")
        w.array(ctype, fmt, "inputs", res["inputs"], "batch x input_size, sample-major")
        w.array(ctype, fmt, "targets", res["targets"], "batch x output_size, sample-major")
        w.array(ctype, fmt, "outputs", res["outputs"], "network outputs, batch x output_size, sample-major")
        for loss_name in case["losses"]:
            entry = res["losses"][loss_name]
            w.line()
            w.line("namespace %s {" % loss_name)
            w.scalar(ctype, fmt, "loss", entry["loss"], "batch loss (mean over samples of the per-sample loss)")
            w.array(ctype, fmt, "gradient", entry["gradient"], "d loss / d parameter, flat order")
            for opt_name, _ in OPTIMIZERS:
                w.array(ctype, fmt, "after_" + opt_name, entry["after_" + opt_name],
                        "parameters after %d full-batch steps of %s from initial" % (STEPS, opt_name))
            w.line("}  // namespace %s" % loss_name)
        w.line("}  // namespace %s" % ns)
    w.line()
    w.line("}  // namespace fixnet_golden::%s" % name)
    return w


def optimizers_header():
    w = Writer()
    header_preamble(w, "Optimizer hyperparameters of the golden values")
    w.line("namespace fixnet_golden::hyper {")
    w.line()
    w.line("// Every optimizer runs `steps` full-batch steps from the case's initial parameters.")
    w.line("inline constexpr int steps = %d;" % STEPS)
    w.line()
    for name, value, comment in (
            ("sgd_learning_rate", SGD_LR, "sgd, sgd_momentum, sgd_nesterov, sgd_weight_decay"),
            ("sgd_momentum", SGD_MOMENTUM, "sgd_momentum, sgd_nesterov (nesterov=True), sgd_weight_decay; "
                                           "dampening 0"),
            ("adam_learning_rate", ADAM_LR, "adam, adam_weight_decay"),
            ("adam_beta1", ADAM_BETA1, None),
            ("adam_beta2", ADAM_BETA2, None),
            ("adam_epsilon", ADAM_EPS, "added to sqrt(v) / sqrt(1 - beta2^t)"),
            ("weight_decay", WEIGHT_DECAY, "L2 term added to the gradient: sgd_weight_decay, adam_weight_decay"),
            ("rprop_initial_step", RPROP_LR, "Rprop's lr: every parameter's initial step size"),
            ("rprop_eta_minus", RPROP_ETA_MINUS, None),
            ("rprop_eta_plus", RPROP_ETA_PLUS, None),
            ("rprop_min_step", RPROP_MIN_STEP, None),
            ("rprop_max_step", RPROP_MAX_STEP, None),
            ("leaky_relu_slope", LEAKY_SLOPE, "negative slope of the sigmoid_net's leaky_relu")):
        w.scalar("double", cpp_short_double, name, value, comment)
    w.line()
    w.line("}  // namespace fixnet_golden::hyper")
    return w


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_optimizer_semantics()
    total = 0
    outputs = []
    for case in CASES:
        params64, inputs64, targets64 = draw_case(case)
        r64 = compute(case, params64, inputs64, targets64)
        check_f64(case, params64, inputs64, targets64, r64)
        f32 = torch.float32
        r32 = compute(case, [p.to(f32) for p in params64], inputs64.to(f32), targets64.to(f32))
        for key in ("initial", "inputs", "targets", "outputs"):
            assert r32[key].dtype == f32
        check_f32_against_f64(case["name"], r32, r64)
        w = case_header(case, r64, r32)
        outputs.append(("golden_%s.hpp" % case["name"], w,
                        "%d parameters, %d values" % (r64["initial"].numel(), w.count)))
    w = optimizers_header()
    outputs.append(("golden_optimizers.hpp", w, "%d values" % w.count))
    # Written only once every check of every case has passed.
    for filename, w, note in outputs:
        path = os.path.join(HERE, filename)
        write(path, w.text())
        total += w.count
        print("%s: %s" % (os.path.relpath(path), note))
    print("total: %d values, PyTorch %s" % (total, torch.__version__))


if __name__ == "__main__":
    main()
