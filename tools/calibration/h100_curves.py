#!/usr/bin/env python3
"""Writes the H100 calibration curves of Scenarios/calibration/ from the measured CSV files.

Usage: tools/calibration/h100_curves.py [path/to/shared/calibration/h100-sxm]
The measured values are copied into the curve files (with their source), so that the repository
validates without the shared folder.
"""
import csv
import pathlib
import sys

here = pathlib.Path(__file__).resolve()
root = here.parents[2]
data = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "calibration" / "h100-sxm"
out = root / "Scenarios" / "calibration"

rows = list(csv.DictReader(open(data / "gemm.csv")))
# The file holds two runs: square sizes first, then the K = 4096 sweep (its first row is 4096³ again).
split = next(i for i, r in enumerate(rows) if i > 0 and int(r["M"]) < int(rows[i - 1]["M"]))


def capped_gemm_clock_mhz():
    """Mean SM clock of smi.csv's samples in the first software power-cap episode (reason 0x4)
    while the GPU was busy (utilization >= 90 %): the GEMM micro-benchmarks, before the
    sustained run. The cap first shows ~0.1 s after the GEMM load starts."""
    clocks, seen_cap = [], False
    for r in csv.reader(open(data / "smi.csv")):
        if r[0].startswith("timestamp"):
            continue
        capped = int(r[8].strip(), 16) & 0x4
        if capped:
            seen_cap = True
            if int(r[7]) >= 90:
                clocks.append(int(r[1]))
        elif seen_cap:
            break
    return sum(clocks) / len(clocks), len(clocks), min(clocks), max(clocks)


def wave_steps(values, threshold=0.05):
    """Indices i where values[i + 1] falls more than `threshold` below values[i], as
    `sparktwin validate` finds a curve's steps."""
    return [i for i in range(len(values) - 1) if values[i + 1] < values[i] * (1 - threshold)]


def inferred_tile(sweep, sms=132):
    """The output tile (M × N, multiples of 64 up to 256) whose ideal wave quantization puts
    its steps where the sweep's are. Ideally a kernel of ceil(M/tm)·ceil(N/tn) tiles takes
    ceil(tiles / SMs) waves of equal time, so its throughput goes as M·N / waves. Each shape
    scores the share of measured steps it has within one point, plus the share of its steps
    that are measured ones. cuBLAS picks its kernel per shape; this finds the one that fits
    the sweep as a whole."""
    sizes = [(int(r["M"]), int(r["N"])) for r in sweep]
    measured = wave_steps([float(r["TFLOPs_median"]) for r in sweep])
    best = None
    for tm in range(64, 257, 64):
        for tn in range(64, 257, 64):
            ideal = [m * n / -(-(-(-m // tm) * -(-n // tn)) // sms) for m, n in sizes]
            steps = wave_steps(ideal)
            found = sum(any(abs(i - j) <= 1 for j in steps) for i in measured)
            real = sum(any(abs(i - j) <= 1 for j in measured) for i in steps)
            score = found / len(measured) + (real / len(steps) if steps else 0)
            if best is None or score > best[0]:
                best = (score, tm, tn, found, real, len(steps))
    _, tm, tn, found, real, count = best
    return tm, tn, f"{found} of the {len(measured)} measured steps, {real} of its {count} real"


cap_mhz, cap_samples, cap_low, cap_high = capped_gemm_clock_mhz()
tile_m, tile_n, tile_fit = inferred_tile(rows[split:])
waves_header = [
    "# The sweep did not run at full clock: smi.csv shows the software power cap (reason 0x4)",
    f"# within ~0.3 s of the GEMM micro-benchmarks' start, with the SM clock at {cap_low}–{cap_high} MHz",
    f"# over its {cap_samples} busy samples (utilization >= 90 %), mean {cap_mhz:.0f} MHz. The sweep's points run",
    "# pinned at that mean. The square sizes ran first and keep the 1,980 MHz preset: 12288³ and",
    "# 16384³ reach full-clock throughput (8192³'s 653 TFLOPS fits neither clock). A pinned clock",
    "# cannot follow the cap's ~1 s oscillation: the sweep's dip at 7296–7936, ~60–75 % of the",
    "# way through it, falls where smi.csv's trough (1,245 MHz) does.",
    "#",
    f"# The sweep's kernel has {tile_m} × {tile_n} output tiles, not the base's 128 × 256: of the tile",
    "# shapes 64–256 × 64–256, its ideal wave quantization places steps best where the measured",
    f"# ones are ({tile_fit}; h100_curves.py, inferred_tile).",
    "set: {machine.gpu.smClock: " + f"{cap_mhz:.0f}" + " MHz, machine.governor.enabled: 0, "
    + f"workload.0.tile.m: {tile_m}, workload.0.tile.n: {tile_n}" + "}",
]
curves = {
    "h100-gemm-square": (rows[:split], "bf16 GEMM throughput, square sizes 256–16384", [], "clocks near 1,980 MHz", []),
    "h100-gemm-waves": (rows[split:], "bf16 GEMM throughput, M = N from 4096 to 9216 in steps of 128, K = 4096 (wave quantization over 132 SMs)",
                        ["steps"], "under the power cap; clock from smi.csv", waves_header),
}
for name, (points, what, features, clocks, header) in curves.items():
    lines = [
        f"# {what}: the h100-sxm preset against shared/calibration/h100-sxm/gemm.csv.",
        "# Written by tools/calibration/h100_curves.py; edit the script, not this file.",
        f"curve: {name}",
        f"description: {what}.",
        f"source: shared/calibration/h100-sxm/gemm.csv (torch.mm, medians of 7–9 repetitions, {clocks})",
        "scenario: base/h100-gemm.yaml",
        "metric: gpu.gemm.throughput",
        "tolerance: 10 %",
        *(["features: [" + ", ".join(features) + "]"] if features else []),
        *header,
        "points:",
    ]
    for r in points:
        # Small kernels need a run of launches to reach the caller's steady pace; large ones
        # set the pace themselves, and two keep the run short.
        count = 8 if int(r["M"]) * int(r["N"]) * int(r["K"]) <= 2048 ** 3 else 2
        lines.append(f"  - set: {{workload.0.m: {r['M']}, workload.0.n: {r['N']}, workload.0.k: {r['K']}, workload.0.count: {count}}}")
        lines.append(f"    measured: {r['TFLOPs_median']} TFLOPS")
    (out / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / (name + '.yaml')} ({len(points)} points)")

# Bandwidth against buffer size, reads alone (read_sum) and copies (copy_rw), with the L2 edge.
bw = list(csv.DictReader(open(data / "bw.csv")))

# torch's full fp32 sum (ATen/native/cuda/Reduce.cuh, setReduceConfig) runs 512-thread blocks
# with float4 loads and switches to a multi-CTA "global" reduction once a thread would sum 256
# values, at 512 KiB. Each such call also memsets a semaphore buffer (a second kernel) and ends
# with the last CTA adding the others' partial sums. The rows show it: the per-call time steps
# from 8.4 µs (256 KiB) to 10.0 µs (512 KiB), and from 64 MiB on the calls take ~10 µs more
# than their bytes at ~3.1 TB/s. That GPU time per call, `passOverhead`, is calibrated on the
# 512 KiB–2 MiB rows (10.0–10.5 µs per call, their reads well under 1 µs) beside what the
# read kernel itself takes there: its CTAs' placement, first reads, drain and teardown
# (`gpu.ctaDispatchInterval`, `gpu.kernelTeardown`), ~1 µs; 8.8 µs before the twin modelled them.
GLOBAL_REDUCE_FROM_BYTES = 512 << 10
GLOBAL_REDUCE_PASS_OVERHEAD = "7.9 us"
read_header = [
    "# From 512 KiB torch's sum is a multi-CTA reduction with a memset before it and a final",
    "# sum of the CTAs' partials after it: GPU time per call that the next call cannot overlap",
    f"# (passOverhead {GLOBAL_REDUCE_PASS_OVERHEAD}, calibrated on the 512 KiB–2 MiB rows; see h100_curves.py).",
]
for kind, name, scenario, metric, what in [
    ("read_sum", "h100-read-bandwidth", "base/h100-read.yaml", "gpu.read.bandwidth",
     "Device-memory read bandwidth (x.sum()) against buffer size, 16 KiB to 2 GiB; the L2 edge near 32–64 MiB"),
    ("copy_rw", "h100-copy-bandwidth", "base/h100-copy-kernel.yaml", "gpu.copy.bandwidth",
     "Device-to-device copy bandwidth (bytes read + written) against buffer size, 16 KiB to 2 GiB; the L2 edge near 16–32 MiB"),
]:
    lines = [
        f"# {what}: the h100-sxm preset against shared/calibration/h100-sxm/bw.csv.",
        "# Written by tools/calibration/h100_curves.py; edit the script, not this file.",
        f"curve: {name}",
        f"description: {what}.",
        f"source: shared/calibration/h100-sxm/bw.csv, {kind} rows (medians of 7–9 repetitions)",
        f"scenario: {scenario}",
        f"metric: {metric}",
        "tolerance: 10 %",
        "features: [edge]",
        *(read_header if kind == "read_sum" else []),
        "points:",
    ]
    for r in (r for r in bw if r["kind"] == kind):
        size = int(r["bytes"])
        # Passes: enough for the caller's pace and a warm L2; large buffers need only two.
        count = 8 if size <= 64 << 20 else 2
        extra = ""
        if kind == "read_sum" and size >= GLOBAL_REDUCE_FROM_BYTES:
            extra = f", workload.0.passOverhead: {GLOBAL_REDUCE_PASS_OVERHEAD}"
        lines.append(f"  - set: {{workload.0.buffer: {size} B, workload.0.bytes: {size} B, workload.0.count: {count}{extra}}}")
        lines.append(f"    measured: {r['GBps_median']} GB/s")
    (out / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / (name + '.yaml')}")

# Pinned host<->device copies: one curve per direction.
copies = list(csv.DictReader(open(data / "h2d.csv")))
for kind, direction in [("h2d_pinned", "h2d"), ("d2h_pinned", "d2h")]:
    name = f"h100-{direction}-pinned"
    lines = [
        f"# Pinned {direction} copy bandwidth against size: the h100-sxm preset against shared/calibration/h100-sxm/h2d.csv.",
        "# Written by tools/calibration/h100_curves.py; edit the script, not this file.",
        f"curve: {name}",
        f"description: Pinned {direction} copies over PCIe Gen5 x16, 1 KiB to 1 GiB.",
        f"source: shared/calibration/h100-sxm/h2d.csv, {kind} rows (medians of 7–9 repetitions)",
        "scenario: base/h100-copy.yaml",
        "metric: copy.bandwidth",
        "tolerance: 10 %",
        "points:",
    ]
    for r in (r for r in copies if r["kind"] == kind):
        lines.append(f"  - set: {{workload.0.direction: {direction}, workload.0.bytes: {r['bytes']} B}}")
        lines.append(f"    measured: {r['GBps_median']} GB/s")
    (out / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / (name + '.yaml')}")

# Pointer-chase latency against buffer size, in SM cycles, with the L1 edge.
chase = list(csv.DictReader(open(data / "latency.csv")))
name = "h100-gpu-chase-latency"
lines = [
    "# Single-thread GPU pointer-chase latency against buffer size: the h100-sxm preset against shared/calibration/h100-sxm/latency.csv.",
    "# Written by tools/calibration/h100_curves.py; edit the script, not this file.",
    f"curve: {name}",
    "description: One thread chasing 128 B-strided pointers in random order, 4 KiB to 1 GiB; the L1 edge between 128 and 256 KiB, then L2, TLB reach and HBM.",
    "source: shared/calibration/h100-sxm/latency.csv (cycles_per_load, SM clocks by clock64)",
    "scenario: base/h100-gpu-chase.yaml",
    "metric: gpu.chase.latency.cycles",
    "tolerance: 10 %",
    "features: [edge]",
    "points:",
]
for r in chase:
    lines.append(f"  - set: {{workload.0.buffer: {r['bytes']} B}}")
    lines.append(f"    measured: {r['cycles_per_load']} cycles")
(out / f"{name}.yaml").write_text("\n".join(lines) + "\n")
print(f"wrote {out / (name + '.yaml')}")
