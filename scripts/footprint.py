#!/usr/bin/env python3
"""Footprint and instruction counts of fixnet: run through scripts/footprint (which installs what
is missing). Builds the footprint programs of tests/mcu/footprint.cpp with the cortex-m0, cortex-m4f
and cortex-m7 presets and reads their sizes, their stack use (-fstack-usage call graph, and a painted
stack measured under qemu) and their symbols (no heap); counts instructions per call with
tests/mcu/instruction_count.cpp (one program per case) under qemu-x86_64's and qemu-aarch64's
one-instruction traces; writes docs/footprint.md and the README's tables between their markers."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORES = [  # preset, the name in the tables
    ("cortex-m0", "Cortex-M0 (soft float)"),
    ("cortex-m4f", "Cortex-M4F"),
    ("cortex-m7", "Cortex-M7"),
]
SHAPES = ["2-2-2", "8-16-8"]
OPS = [("forward", "forward"), ("train", "forward + train_step")]
HEAP_SYMBOLS = re.compile(r" (malloc|calloc|realloc|free|_malloc_r|_free_r|sbrk|_sbrk)$|operator (new|delete)")
# Instructions per call: a run of N calls and one of 2N, the difference divided by N.
COUNT_N = 1000


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, cwd=ROOT, **kw).stdout


def cache_value(build, name):
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    raise KeyError(name)


def sizes(elf):
    text, data, bss = run(["arm-none-eabi-size", "-B", str(elf)]).splitlines()[1].split()[:3]
    return int(text), int(data), int(bss)


def worst_stack_path(ci_file, root):
    """Deepest stack path from `root` in gcc's -fcallgraph-info=su graph: the sum of the static
    frames (-fstack-usage) along the worst call chain. Functions outside this translation unit (expf,
    the soft-float helpers) have no frame there; they are listed apart and measured by the probe."""
    nodes, edges = {}, {}
    text = Path(ci_file).read_text()
    for m in re.finditer(r'node: \{ title: "([^"]+)" label: "([^"]*)"', text):
        size = re.search(r"\\n(\d+) bytes \((static|dynamic[^)]*)\)", m.group(2))
        nodes[m.group(1)] = (int(size.group(1)) if size else None, m.group(2).split("\\n")[0])
    for m in re.finditer(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', text):
        edges.setdefault(m.group(1), set()).add(m.group(2))
    external = set()

    def depth(node, seen):
        frame, _ = nodes.get(node, (None, node))
        if frame is None:
            external.add(nodes.get(node, (None, node))[1])
            frame = 0
        below = [depth(n, seen | {node}) for n in edges.get(node, ()) if n not in seen]
        return frame + max(below, default=0)

    start = [n for n, (_, label) in nodes.items() if label.endswith("run()")]
    return depth(start[0], frozenset()), sorted(external)


def measure_cores():
    results = {}
    for preset, _ in CORES:
        build = ROOT / "build" / preset
        print(f"== [{preset}] building the footprint programs", flush=True)
        run(["cmake", "--preset", preset])
        targets = ["footprint_empty"] + [f"{kind}_{op}_{s}" for s in SHAPES for op, _ in OPS for kind in ("footprint", "stack")]
        run(["cmake", "--build", "--preset", preset, "--target", *targets])
        machine = cache_value(build, "FIXNET_MCU_MACHINE")
        programs = build / "tests" / "mcu"
        base = sizes(programs / "footprint_empty")
        core = {"machine": machine, "empty": base}
        for s in SHAPES:
            for op, _ in OPS:
                elf = programs / f"footprint_{op}_{s}"
                text, data, bss = sizes(elf)
                heap = [l for l in run(["arm-none-eabi-nm", "-C", str(elf)]).splitlines() if HEAP_SYMBOLS.search(l)]
                ci = programs / "CMakeFiles" / f"footprint_{op}_{s}.dir" / "footprint.cpp.ci"
                static_stack, external = worst_stack_path(ci, "run")
                probe = subprocess.run(
                    ["timeout", "--kill-after=5", "60", "qemu-system-arm", "-M", machine, "-display", "none",
                     "-serial", "none", "-monitor", "none", "-chardev", "stdio,id=semihost",
                     "-semihosting-config", "enable=on,target=native,chardev=semihost",
                     "-kernel", str(programs / f"stack_{op}_{s}")], text=True, capture_output=True, cwd=ROOT)
                peak = re.search(r"stack peak: (\d+) bytes", probe.stdout)
                if probe.returncode != 0 or not peak:
                    sys.exit(f"stack probe stack_{op}_{s} on {preset} failed ({probe.returncode}): {probe.stdout}{probe.stderr}")
                core[(s, op)] = {
                    "text": text - base[0], "ram": data + bss - base[1] - base[2],
                    "static_stack": static_stack, "external": external, "peak": int(peak.group(1)), "heap": heap}
        results[preset] = core
    return results


def qemu_instructions(qemu, exe, args):
    """Instructions executed by exe under qemu user mode, translating one instruction per block and
    logging each block it executes (-singlestep -d exec,nochain): one trace line per instruction,
    counted as the trace streams from qemu's stderr (it is ~90 bytes a line)."""
    p = subprocess.Popen([*qemu, "-singlestep", "-d", "exec,nochain", "-D", "/dev/stderr", str(exe), *args],
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, cwd=ROOT)
    lines = sum(1 for line in p.stderr if line.startswith(b"Trace "))
    if p.wait() != 0:
        sys.exit(f"{exe.name} {args} failed under {qemu[0]}")
    return lines


def count_defines(key):
    """The -D options that build tests/mcu/instruction_count.cpp for one (op, shape, backend)."""
    op, shape, backend = key
    return [f"-DCOUNT_TRAIN={int(op == 'train')}", f"-DCOUNT_SHAPE={shape.replace('-', '')}",
            f"-DCOUNT_SIMD={int(backend == 'simd')}"]


def per_call(name, compile_cmd, qemu):
    """Instructions per call of every case: one program per case (compile_cmd(defines, exe)), each
    run for COUNT_N and 2 COUNT_N calls under qemu, the difference divided by COUNT_N."""
    out = ROOT / "build" / "footprint"
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for key in count_keys():
        exe = out / f"instruction_count_{name}_{'_'.join(key)}"
        run(compile_cmd(count_defines(key), exe))
        n, n2 = (qemu_instructions(qemu, exe, [str(k)]) for k in (COUNT_N, 2 * COUNT_N))
        counts[key] = (n2 - n) / COUNT_N
    return counts


def count_host():
    """Instructions per call on x86-64, built as the clang preset builds (AVX2 + FMA), under
    qemu-x86_64 (-cpu max: qemu 7.2 translates AVX2 and FMA). Not valgrind: 3.19 cannot decode the
    register-to-register VEX vmovq (c5 79 d6) that g++ 12 and, since the kernels are forced inline,
    clang++ 14 emit for the SIMD kernels (SIGILL under callgrind), and it has no AVX-512 at all."""
    print("== [host] instruction counts under qemu-x86_64", flush=True)
    return per_call("x86-64-v3", lambda defines, exe: ["clang++", "-std=c++20", "-O3", "-DNDEBUG", "-march=x86-64-v3",
                                                       *defines, "-Iinclude", "-o", str(exe),
                                                       "tests/mcu/instruction_count.cpp"],
                    ["qemu-x86_64-static", "-cpu", "max"])


def count_aarch64():
    """Instructions per call on aarch64 under qemu-aarch64 (valgrind cannot run an aarch64 program
    on this x86-64 host)."""
    headers = ROOT / "build" / "footprint" / "cross_headers"
    headers.mkdir(parents=True, exist_ok=True)
    if not (headers / "xsimd").exists():
        (headers / "xsimd").symlink_to("/usr/include/xsimd")  # never the whole host /usr/include
    print("== [aarch64] instruction counts under qemu-aarch64", flush=True)
    return per_call("aarch64", lambda defines, exe: ["aarch64-linux-gnu-g++", "-std=gnu++20", "-O3", "-DNDEBUG", "-static",
                                                     *defines, f"-I{headers}", "-Iinclude", "-o", str(exe),
                                                     "tests/mcu/instruction_count.cpp"],
                    ["qemu-aarch64-static"])


def count_keys():
    return [(op, s, b) for s in SHAPES for op, _ in OPS for b in ("scalar", "simd")]


def footprint_tables(results):
    lines = []
    lines.append("Flash and RAM beyond an empty `main` built the same way (`-Os -fno-exceptions -fno-rtti`,\n"
                 "picolibc, arm-none-eabi-g++ 12; float networks in static storage, scalar backend):\n")
    lines.append("| core | network | operations | flash (text) | RAM (data+bss) | stack, measured | stack, -fstack-usage | heap |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for preset, name in CORES:
        core = results[preset]
        for s in SHAPES:
            for op, label in OPS:
                r = core[(s, op)]
                lines.append(f"| {name} | {s} | {label} | {r['text']:,} B | {r['ram']:,} B | {r['peak']} B | "
                             f"{r['static_stack']} B | {'none' if not r['heap'] else 'LINKED'} |")
    lines.append("")
    empty = ",\n".join(f"{name.split(' ')[0]} {results[p]['empty'][0]:,} B of text and "
                        f"{results[p]['empty'][1] + results[p]['empty'][2]:,} B of RAM" for p, name in CORES)
    lines.append(f"The empty `main` itself (picolibc's start-up with semihosting):\n{empty}.")
    return "\n".join(lines)


def count_table(host, a64):
    lines = ["| network | operation | backend | x86-64 (AVX2, clang++, qemu) | aarch64 (NEON, g++, qemu) |",
             "|---|---|---|---|---|"]
    for op, s, b in count_keys():
        label = dict(OPS)[op]
        label = "train_step" if op == "train" else label
        lines.append(f"| {s} | {label} | {b} | {host[(op, s, b)]:,.0f} | {a64[(op, s, b)]:,.0f} |")
    return "\n".join(lines)


def targets_met(results):
    m4 = results["cortex-m4f"][("2-2-2", "train")]["text"]
    m0 = results["cortex-m0"][("2-2-2", "train")]["text"]
    heap_free = all(not results[p][(s, op)]["heap"] for p, _ in CORES for s in SHAPES for op, _ in OPS)
    return (f"- 2-2-2 forward + train_step on the M4F: {m4:,} B of text, target under 2,560 B: "
            f"{'met' if m4 < 2560 else 'NOT met'}.\n"
            f"- The same on the M0: {m0:,} B, target under 6,656 B: {'met' if m0 < 6656 else 'NOT met'}.\n"
            f"- Heap: {'no allocator is linked in any of these programs' if heap_free else 'an allocator IS linked'} "
            f"(read from `arm-none-eabi-nm`).")


def replace_between(text, begin, end, body):
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f"README.md has no {begin} ... {end} markers")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def main():
    results = measure_cores()
    host, a64 = count_host(), count_aarch64()
    fp, counts, met = footprint_tables(results), count_table(host, a64), targets_met(results)
    machines = ", ".join(f"{name.split(' ')[0]} on `{results[p]['machine']}`" for p, name in CORES)
    doc = f"""# fixnet's footprint and instruction counts

Written by `scripts/footprint`; do not edit by hand.

## Footprint on Cortex-M

Each row is a program of its own (`tests/mcu/footprint.cpp`): a float network in static storage,
inputs read from volatile memory, then `forward`, or `train_step` followed by `forward`, kept in one
function `run()` that `main` calls. Flash and RAM are `arm-none-eabi-size` figures minus those of an
empty `main` built the same way, so they count fixnet, `expf` and (on the M0) the soft-float
routines; RAM is the network's parameters (48 B for 2-2-2, 1,120 B for 8-16-8) and the program's
two volatile floats, plus alignment padding. *Stack, measured*: the peak below `main`, from a
painted stack under qemu ({machines}),
including `expf` and the soft-float routines.
*Stack, -fstack-usage*: the deepest chain of static frames from `run()` in gcc's call graph
(`-fstack-usage -fcallgraph-info=su`), which cannot see into the C library. *Heap*: whether any
allocator (malloc, free, sbrk, operator new/delete) is linked, from `arm-none-eabi-nm`.

{fp}

Issue 4's targets:

{met}

## Instructions per call

Instructions per `forward` and per `train_step` (float; `train_step` includes its forward pass),
from runs of {COUNT_N:,} and {2 * COUNT_N:,} calls whose difference is divided by {COUNT_N:,}, in
a loop that reloads one input from volatile memory. Each row is a program of its own
(`tests/mcu/instruction_count.cpp`, the case chosen when it is compiled), so that the compiler's
inlining choices for one row cannot move with another row's code. x86-64: clang++ 14 `-O3 -march=x86-64-v3` (AVX2 + FMA, as the
`clang` preset), counted by qemu-x86_64 (`-cpu max`) translating one instruction per block and
tracing each block it runs (`-singlestep -d exec,nochain`), repeatable to the instruction; valgrind
3.19, used before, cannot decode a register-to-register VEX `vmovq` that g++ 12 and clang++ 14 now
emit here, nor any AVX-512. aarch64: aarch64-linux-gnu-g++ 12 `-O3`, NEON, counted the same way by
qemu-aarch64. Instruction counts are not times: an AVX2 instruction does
8 float lanes of work, a NEON one 4.

{counts}
"""
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "footprint.md").write_text(doc)
    readme = ROOT / "README.md"
    text = readme.read_text()
    text = replace_between(text, "<!-- footprint:begin -->", "<!-- footprint:end -->", fp + "\n\n" + met)
    text = replace_between(text, "<!-- instruction-counts:begin -->", "<!-- instruction-counts:end -->", counts)
    readme.write_text(text)
    print(doc)


if __name__ == "__main__":
    main()
