#!/usr/bin/env python3
"""Turns a Google Benchmark JSON run of fixnet_bench into docs/benchmarks.md and a gnuplot table.

Every ratio is between medians of the same run (the machine is shared: absolute times drift,
ratios measured side by side much less). Usage: report.py results.json compile_cost.txt out.md out.dat repetitions
"""
import json
import math
import sys

OPS = ["forward", "train_step", "forward_batch"]
IMPLS = ["naive", "scalar", "simd", "eigen"]
SHAPES = ["f32/2-2-2", "f64/2-2-2", "f32/8-16-8", "f32/32-32-32", "f32/64-64-64", "f32/128-128-128", "f32/784-128-10"]
# Issue 3's targets for simd, as speed-up over naive (float; forward, train_step, forward_batch).
TARGETS = {"2-2-2": (3.9, 3.9, 20), "8-16-8": (9, 9, 12), "32-32-32": (13, 13, 14),
           "64-64-64": (17, 17, 18), "128-128-128": (16, 16, 18), "784-128-10": (18, 18, 20)}


def layers(shape):
    """The (inputs, outputs) of each layer of a shape: "784-128-10" -> [(784, 128), (128, 10)]."""
    sizes = [int(n) for n in shape.split("-")]
    return list(zip(sizes, sizes[1:]))


def size_bytes(limit_name):
    """The bytes a read or read_write limit passes over, from its name: "read/16KB" -> 16384,
    "read/32.5KB" -> 33280."""
    return round(float(limit_name.split("/")[1].removesuffix("KB")) * 1024)


def floors(shape, op, limit):
    """What the machine's limits (bench_limits.cpp, medians in ns) say one call of op on shape cannot
    beat (one sample for forward_batch), as (ns, reason) pairs. The model: every weight takes one FMA
    per pass; every neuron one vector sigmoid, a sample's neurons of a layer in whole batches (one
    sample at a time) or every sample's in full lanes (forward_batch, which may put samples in the
    lanes), each at the throughput of limit/sigmoid; a forward reads every parameter once and a
    train_step rewrites every parameter once (its SGD step), at no less than the L1 rate of
    limit/read/16KB and limit/read_write/16KB per byte; where the parameters outgrow a 32 KB L1 data
    cache (64-64-64's 32.5 KB, the 128-128-128 weights and the 784-128-10 input layer), a pass costs
    at least what limit/read or limit/read_write take over those bytes; a train_step is a chain (its
    next step needs the weights it wrote): see step_chain_ops."""
    out = []
    lanes = next((int(k.split("/")[1]) for k in limit if k.startswith("fma/")), None)
    if lanes:
        weights = [i * o for i, o in layers(shape)]
        # forward: one FMA per weight; train_step: forward, step of each layer, and the backward
        # sum of every layer but the input one.
        fmas = 2 * sum(weights) + sum(weights[1:]) if op == "train_step" else sum(weights)
        out.append((fmas / lanes * limit[f"fma/{lanes}"], f"{fmas / lanes:g} FMAs of {lanes} lanes"))
        if f"sigmoid/{lanes}" in limit:
            widths = [o for _, o in layers(shape)]
            if op == "forward_batch":
                sigmoids = sum(widths) / lanes
            else:
                sigmoids = sum(-(-w // lanes) for w in widths)
            out.append((sigmoids * limit[f"sigmoid/{lanes}"], f"{sigmoids:g} vector sigmoids of {lanes} lanes"))
    kind, verb = ("read", "reading") if op == "forward" else ("read_write", "rewriting")
    l1 = f"{kind}/16KB"
    if op in ("forward", "train_step") and l1 in limit:
        parameter_bytes = 4 * sum((i + 1) * o for i, o in layers(shape))
        out.append((parameter_bytes * limit[l1] / size_bytes(l1),
                    f"{verb} its {parameter_bytes / 1024:.3g} KB of parameters at the L1 rate ({l1})"))
    if shape == "64-64-64" and "read/32.5KB" in limit:
        # 32.5 KB of parameters, more than a 32 KB L1 data cache: the L1 rate above is too low a floor.
        if op == "forward":
            out.append((limit["read/32.5KB"], "reading its 32.5 KB of parameters (read/32.5KB)"))
        elif op == "train_step":
            out.append((limit["read_write/32.5KB"], "rewriting its 32.5 KB of parameters (read_write/32.5KB)"))
    if shape == "128-128-128" and "read/128KB" in limit:
        if op == "forward":
            out.append((limit["read/128KB"], "reading its 128 KB of weights"))
        elif op == "train_step":
            out.append((limit["read_write/128KB"] + limit["read/128KB"] / 2,
                        "rewriting its 128 KB of weights and reading the output layer's 64 KB once more"))
    if shape == "784-128-10" and "read/392KB" in limit:
        if op == "forward":
            out.append((limit["read/392KB"], "reading the 392 KB input layer"))
        elif op == "train_step":
            out.append((limit["read_write/392KB"], "rewriting the 392 KB input layer once (online_trainer)"))
    if op == "train_step":
        chain = next((v for k, v in limit.items() if k.startswith("sigmoid_chain/")), None)
        add = next((v for k, v in limit.items() if k.startswith("add_chain/")), None)
        if chain and add:
            sigmoids, ops = len(layers(shape)), step_chain_ops(shape)
            out.append((sigmoids * chain + ops * add,
                        f"a chain of {sigmoids} vector sigmoids and {ops} dependent additions (the step's sums and deltas)"))
    return out


def step_chain_ops(shape):
    """The least number of dependent arithmetic steps, besides one sigmoid per layer, between one
    on-line SGD step's start and the next step's: each layer after the first sums its inputs, In terms
    that each need a product of the layer before's sigmoid (1 + ceil(log2 In) steps: a step, an FMA
    or an addition, combines two partial sums at most); the output delta takes one step; each hidden
    layer's delta sums Out products of the delta after it (1 + ceil(log2 Out)); and the next step's
    input-layer sums take one step from the input layer's delta, however the update is folded in.
    Each step takes at least limit/add_chain, the quickest vector operation's latency (an FMA's is
    longer). 2-2-2: 2 + 1 + 2 + 1 = 6."""
    hidden = layers(shape)[1:]
    return sum(1 + math.ceil(math.log2(i)) for i, _ in hidden) + 1 + sum(1 + math.ceil(math.log2(o)) for _, o in hidden) + 1


def limits_section(median):
    limit = {f"{impl}/{shape.split('/')[1]}": ns for (op, impl, shape), ns in median.items() if op == "limit"}
    if not limit:
        return []
    lines = ["## The machine's limits", "",
             "`bench_limits.cpp`, float, widest batches: reading a buffer once (`read`), reading and rewriting it "
             "(`read_write`), per call over the bytes named (16 KB sits in L1; 32.5 KB, the 64-64-64 parameters, does not quite fit "
             "a 32 KB L1 data cache; 128 KB and 392 KB sit in L2); one batch FMA out of 12 independent chains (`fma`, the "
             "core's throughput); one batch addition applied to its own result (`add_chain`, the latency of the quickest "
             "vector operation); one vector sigmoid applied to its own result (`sigmoid_chain`, its latency), and "
             "one out of 4 independent chains (`sigmoid`, its throughput).", "",
             "| limit | ns |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in sorted(limit.items())]
    lines += ["", "What those limits say `simd` cannot beat, per row with a target (the largest floor; see `floors()` in "
              "bench/report.py for the model): `simd / floor` is how far it is from that floor, and `naive / floor` the "
              "largest speed-up over naive the floor allows, against the target.", "",
              "| row | simd ns | floor ns | floor from | simd / floor | naive / floor | target |", "|---|---|---|---|---|---|---|"]
    for op_index, op in enumerate(OPS):
        for shape in SHAPES:
            name = shape.split("/")[1]
            simd, base = median.get((op, "simd", shape)), median.get((op, "naive", shape))
            if not shape.startswith("f32") or simd is None or base is None:
                continue
            found = floors(name, op, limit)
            if not found:
                continue
            ns, why = max(found)
            lines.append(f"| {op} {name} | {simd:.1f} | {ns:.1f} | {why} | {simd / ns:.2f} | {base / ns:.1f}x | "
                         f"{TARGETS[name][op_index]}x |")
    return lines + [""]


def main(results, compile_log, out_md, out_dat, repetitions):
    run = json.load(open(results))
    median = {}  # (op, impl, shape) -> ns per operation (per sample for forward_batch)
    cv = {}  # (op, impl, shape) -> coefficient of variation of the repetitions' CPU times
    for b in run["benchmarks"]:
        if b.get("error_occurred"):
            continue
        op, impl, typ, shape = b["run_name"].split("/")
        if b.get("aggregate_name") == "cv":
            cv[(op, impl, f"{typ}/{shape}")] = b["cpu_time"]
        if b.get("aggregate_name") != "median":
            continue
        assert b["time_unit"] == "ns", b["time_unit"]
        ns = b["cpu_time"] / b.get("samples", 1)
        median[(op, impl, f"{typ}/{shape}")] = ns

    def within_noise(a, b, key_a, key_b):
        """Whether times a and b differ by less than their repetitions' spread: the root sum of
        squares of their coefficients of variation, as a log ratio."""
        spread = math.hypot(cv.get(key_a, 0.0), cv.get(key_b, 0.0))
        return abs(math.log(a / b)) < spread

    ctx = run["context"]
    lines = ["# fixnet benchmarks", "",
             "Generated by `bench/run` (do not edit). Median CPU time per operation over "
             f"{repetitions} Google Benchmark repetitions; `forward_batch` is per sample "
             "(256 samples per iteration). Speed-ups (x) are over `naive` in the same run, whose "
             "repetitions ran in random interleaved order. A target marked \"within noise\" is one whose threshold "
             "lies closer to the measured ratio (or to Eigen's time) than the spread of the repetitions (the root sum "
             "of squares of the two times' coefficients of variation): another run may decide it the other way. "
             "fixnet's `train_step` is `fixnet::online_trainer`'s (the results "
             "of `fixnet::train_step` to the bit; where the input layer holds 4 KB or more, each step's update of it is "
             "applied by the next step's forward pass), with `fixnet::unchecked`, since the naive and Eigen versions do "
             "not check for NaN or infinite samples either.", "",
             f"- machine: {ctx.get('num_cpus')} CPUs at {ctx.get('mhz_per_cpu')} MHz, date {ctx.get('date')}",
             f"- fixnet simd architecture: `{ctx.get('fixnet_simd_arch')}`; compiler: {ctx.get('compiler')}", ""]
    met, missed, close = [], [], []
    for op_index, op in enumerate(OPS):
        lines += [f"## {op}", "", "| shape | naive ns | scalar ns (x) | simd ns (x) | eigen ns (x) | simd target | met |",
                  "|---|---|---|---|---|---|---|"]
        for shape in SHAPES:
            base = median.get((op, "naive", shape))
            if base is None:
                continue
            cells = [shape, f"{base:.1f}"]
            for impl in IMPLS[1:]:
                v = median.get((op, impl, shape))
                cells.append("n/a" if v is None else f"{v:.1f} ({base / v:.2f}x)")
            target = TARGETS.get(shape.split("/")[1]) if shape.startswith("f32") else None
            simd, eigen = median.get((op, "simd", shape)), median.get((op, "eigen", shape))
            if target and simd:
                want = target[op_index]
                fast_enough, beats_eigen = base / simd >= want, eigen is None or simd < eigen
                ok = fast_enough and beats_eigen
                why = [] if ok else ([] if fast_enough else ["ratio"]) + ([] if beats_eigen else ["eigen faster"])
                # The criteria that decided the row, each as the time simd had to beat: both when it
                # passed, the failed ones when it did not.
                deciding = []
                if ok or not fast_enough:
                    deciding.append((base / want, (op, "naive", shape)))
                if eigen is not None and (ok or not beats_eigen):
                    deciding.append((eigen, (op, "eigen", shape)))
                noisy = any(within_noise(bar, simd, key, (op, "simd", shape)) for bar, key in deciding)
                cells += [f">= {want}x, < eigen", ("yes" if ok else "no: " + ", ".join(why)) + (" (within noise)" if noisy else "")]
                (met if ok else missed).append(f"{op} {shape}")
                if noisy:
                    close.append(f"{op} {shape.split('/')[1]}")
            else:
                cells += ["", ""]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"Targets met: {len(met)} of {len(met) + len(missed)}; within noise of their threshold: {len(close)}"
              + (f" ({', '.join(close)})." if close else "."), ""]

    # train_step_interleaved: two networks stepping in turn, per step, against train_step's one.
    pairs = [sh for sh in SHAPES if ("train_step_interleaved", "simd", sh) in median and ("train_step", "simd", sh) in median]
    if pairs:
        lines += ["## train_step: latency or throughput", "",
                  "`simd` only, ns per step. One network: `train_step` above, each step waiting for the weights the "
                  "step before it wrote. Two networks: two independent networks trained in turn on the same samples "
                  "(`train_step_interleaved`), whose steps the core may overlap. A ratio near 2 says a step is a "
                  "chain of dependent operations (latency-bound); near 1, that the core cannot overlap two steps: "
                  "its throughput bounds them already, or a step of a few hundred instructions is a chain too long "
                  "for two to fit in its out-of-order window (8-16-8, see the README); below 1, that two networks "
                  "no longer fit the cache one did.", "",
                  "| shape | one network ns | two networks in turn ns | ratio |", "|---|---|---|---|"]
        for sh in pairs:
            one, two = median[("train_step", "simd", sh)], median[("train_step_interleaved", "simd", sh)]
            lines.append(f"| {sh} | {one:.1f} | {two:.1f} | {one / two:.2f} |")
        lines.append("")

    # bench_activations.cpp: every activation, forward_batch and train_batch (Adam, 32 samples),
    # scalar against simd; shapes named <widths>-<activation>, times per sample.
    act_shapes = sorted({k[2] for k in median if k[0] == "train_batch"},
                        key=lambda s: (s.split("/")[1].rsplit("-", 1)[0] != "4-16-3", s))
    if act_shapes:
        lines += ["## Activations and mini-batch training", "",
                  "Per sample. `forward_batch`: 256 samples per call; `train_batch`: one Adam step on 32 samples "
                  "(mean gradient), loss mean squared error, binary cross-entropy after sigmoid, cross-entropy "
                  "after softmax (relu hidden layer). 4-16-3 puts samples in the SIMD lanes; 32-64-10 "
                  "vectorises across neurons. (x) is simd's speed-up over scalar.", "",
                  "| network | forward_batch scalar ns | simd ns (x) | train_batch scalar ns | simd ns (x) |",
                  "|---|---|---|---|---|"]
        for shape in act_shapes:
            cells = [shape.split("/")[1]]
            for op in ("forward_batch", "train_batch"):
                sc, sv = median.get((op, "scalar", shape)), median.get((op, "simd", shape))
                cells.append("n/a" if sc is None else f"{sc:.1f}")
                cells.append("n/a" if sv is None or sc is None else f"{sv:.1f} ({sc / sv:.2f}x)")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")

    lines += limits_section(median)

    lines += ["## Compile cost", "", "One translation unit per shape (all implementations and operations of it), "
              "same flags as the benchmark build.", "", "| translation unit | seconds | peak memory MB |", "|---|---|---|"]
    for row in open(compile_log):
        parts = row.split()
        if len(parts) == 3:
            lines.append(f"| {parts[0]} | {float(parts[1]):.1f} | {int(parts[2]) / 1024:.0f} |")
    lines.append("")
    open(out_md, "w").write("\n".join(lines))

    with open(out_dat, "w") as dat:  # speed-up over naive, float shapes, one block per operation
        for op in OPS:
            dat.write(f"# {op}\nshape scalar simd eigen\n")
            for shape in SHAPES:
                if not shape.startswith("f32") or (op, "naive", shape) not in median:
                    continue
                base = median[(op, "naive", shape)]
                vals = [base / median[(op, i, shape)] if (op, i, shape) in median else 0 for i in IMPLS[1:]]
                dat.write(shape.split("/")[1] + " " + " ".join(f"{v:.3f}" for v in vals) + "\n")
            dat.write("\n\n")


if __name__ == "__main__":
    main(*sys.argv[1:6])
