#!/usr/bin/env python3
"""Short memory-bound kernels against one long kernel of the same bytes.

Reads TOTAL bytes from DRAM as one streaming-read kernel, then as sequences of shorter kernels
(each over a buffer of its own, so that none finds another's lines in the L2), back to back on
one stream with no launch gap: what the GPU itself adds per kernel. Each sequence is run with
the CTA scheduler's costs on and with each turned off (`--set`), so the table splits the cost
per kernel into its parts:

  teardown   gpu.kernelTeardown, the completion after a kernel's last CTA
  dispatch   gpu.ctaDispatchInterval, the first wave's ramp-up as CTAs are placed one by one
  rest       the first reads' latency (the pipe is empty at the start) and the drain at the
             end, as each CTA finishes its share of the lines and leaves

Usage: python3 tools/short_kernels.py [--binary PATH] [--preset dgx-spark] [--total-mib 64]
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile

SIZES_KIB = [64, 256, 1024, 4096, 16384]
SWITCHES = [
    ("all", []),
    ("no teardown", ["machine.gpu.kernelTeardown=0s"]),
    ("no teardown, no dispatch", ["machine.gpu.kernelTeardown=0s", "machine.gpu.ctaDispatchInterval=0s"]),
]


def scenario(preset, kernel_bytes, kernels):
    """A scenario of `kernels` streaming reads of `kernel_bytes`, each over its own buffer."""
    lines = [
        f"name: short-kernels-{kernels}x{kernel_bytes}",
        f"description: {kernels} streaming-read kernels of {kernel_bytes} B, each over its own buffer, back to back.",
        "machine:",
        f"  preset: {preset}",
        "buffers:",
    ]
    lines += [f"  b{i}: {kernel_bytes} B" for i in range(kernels)]
    lines.append("workload:")
    for i in range(kernels):
        lines += ["  - kind: stream-read", f"    buffer: b{i}", f"    bytes: {kernel_bytes} B"]
    lines += ["run:", "  duration: 1 s", "  seed: 1", "  samplePeriod: 1 ms"]
    return "\n".join(lines) + "\n"


def run(binary, path, db, sets):
    args = [binary, "run", path, "--db", db]
    for s in sets:
        args += ["--set", s]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out.stderr}")
    run_id = out.stdout.strip().splitlines()[-1].split()[0]
    metrics = subprocess.run([binary, "export", run_id, "--metrics", "--db", db], capture_output=True, text=True, check=True).stdout
    values = {row["name"]: float(row["value"]) for row in csv.DictReader(io.StringIO(metrics))}
    return values["sim.time"]


def table(binary, preset="dgx-spark", total_mib=64):
    """The table, as markdown: each kernel size, its time and what each kernel adds."""
    total = total_mib << 20
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "runs.sqlite")
        times = {}
        for kib in SIZES_KIB + [total >> 10]:
            size = kib << 10
            path = os.path.join(folder, f"k{kib}.yaml")
            with open(path, "w") as f:
                f.write(scenario(preset, size, total // size))
            for name, sets in SWITCHES:
                times[(kib, name)] = run(binary, path, db, sets)
    long_kib = total >> 10
    rows = ["| kernel | kernels | time | GB/s | vs one kernel | per kernel | teardown | dispatch | rest |",
            "|---|---|---|---|---|---|---|---|---|"]
    for kib in SIZES_KIB + [long_kib]:
        kernels = total // (kib << 10)
        t = {name: times[(kib, name)] for name, _ in SWITCHES}
        base = {name: times[(long_kib, name)] for name, _ in SWITCHES}
        # What each kernel adds over the single kernel, and the parts the switches take away.
        extra = (t["all"] - base["all"]) / (kernels - 1) if kernels > 1 else 0
        teardown = (t["all"] - t["no teardown"]) / kernels
        ramp = lambda times: times["no teardown"] - times["no teardown, no dispatch"]
        dispatch = (ramp(t) - ramp(base)) / (kernels - 1) if kernels > 1 else 0
        rest = extra - teardown - dispatch if kernels > 1 else 0
        size = f"{kib} KiB" if kib < 1024 else f"{kib >> 10} MiB"
        rows.append(f"| {size} | {kernels:,} | {t['all'] * 1e6:,.1f} µs | {total / t['all'] / 1e9:.1f} | {t['all'] / base['all']:.3f}× "
                    f"| {extra * 1e6:.2f} µs | {teardown * 1e6:.2f} µs | {dispatch * 1e6:.2f} µs | {rest * 1e6:.2f} µs |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/sparktwin")
    parser.add_argument("--preset", default="dgx-spark")
    parser.add_argument("--total-mib", type=int, default=64)
    args = parser.parse_args()
    print(f"{args.preset}: {args.total_mib} MiB read as kernels of each size, back to back, no launch gap")
    print()
    print(table(args.binary, args.preset, args.total_mib))


if __name__ == "__main__":
    main()
