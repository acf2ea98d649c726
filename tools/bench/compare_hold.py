#!/usr/bin/env python3
"""Runs the hold-model benchmark in SparkTwin, C++ (std::priority_queue) and SimPy side by side.

The three implementations run the same model with the same random stream, so SparkTwin and
C++ must print the same checksum for the same (N, M); the script checks that. Runs alternate
between implementations, round after round, so that a slow moment of the machine hits all of
them alike; the median of the rounds is reported, with the ratios and the issue's targets.

With `--increments table` every implementation cycles through 65,536 increments drawn before
its timer starts: the logarithm of each draw leaves the timed loop, so the ratios are those of
the queues alone. The issue's targets are for drawn increments and are only judged then.

Usage: tools/bench/compare_hold.py [--rounds 5] [--events 10000000] [--simpy-events 200000]
                                   [--increments drawn|table]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPARKTWIN = os.path.join(ROOT, ".build", "release", "sparktwin")
CPP = os.path.join(HERE, "hold_cpp")
# Targets from the foundation issue: SparkTwin / C++ at N = 1e3, 1e5, 1e6, and / SimPy at every N.
CPP_TARGETS = {1_000: 2.0, 100_000: 2.0, 1_000_000: 1.3}
SIMPY_TARGET = 40.0


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "sparktwin"], cwd=ROOT, check=True)
    source = os.path.join(HERE, "hold.cpp")
    if not os.path.exists(CPP) or os.path.getmtime(CPP) < os.path.getmtime(source):
        subprocess.run(["g++", "-O2", "-o", CPP, source], check=True)


def measure(command):
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"events_per_s=(\d+)", out).group(1))
    checksum = re.search(r"checksum=(\d+)", out).group(1)
    return rate, checksum


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--simpy-events", type=int, default=200_000)
    parser.add_argument("--pending", type=int, nargs="*", default=sorted(CPP_TARGETS))
    parser.add_argument("--no-simpy", action="store_true")
    parser.add_argument("--increments", choices=["drawn", "table"], default="drawn")
    args = parser.parse_args()
    build()
    have_simpy = not args.no_simpy and subprocess.run([sys.executable, "-c", "import simpy"]).returncode == 0
    if not have_simpy and not args.no_simpy:
        print("SimPy is not installed (pip install -r tools/requirements.txt); skipping it", file=sys.stderr)
    rows = []
    all_met = True
    for n in args.pending:
        rates = {"sparktwin": [], "cpp": [], "simpy": []}
        for _ in range(args.rounds):
            twin, twin_sum = measure([SPARKTWIN, "bench", "hold", "--pending", str(n), "--events", str(args.events),
                                      "--increments", args.increments])
            cpp, cpp_sum = measure([CPP, str(n), str(args.events), "1", args.increments])
            if twin_sum != cpp_sum:
                sys.exit(f"checksums differ at N={n}: sparktwin {twin_sum}, C++ {cpp_sum}")
            rates["sparktwin"].append(twin)
            rates["cpp"].append(cpp)
            if have_simpy:
                rates["simpy"].append(measure([sys.executable, os.path.join(HERE, "hold_simpy.py"), str(n),
                                               str(args.simpy_events), "1", args.increments])[0])
        med = {k: statistics.median(v) for k, v in rates.items() if v}
        vs_cpp = med["sparktwin"] / med["cpp"]
        vs_simpy = med["sparktwin"] / med["simpy"] if "simpy" in med else None
        met = vs_cpp >= CPP_TARGETS.get(n, 0) and (vs_simpy is None or vs_simpy >= SIMPY_TARGET)
        all_met &= met
        rows.append((n, med["sparktwin"], med["cpp"], med.get("simpy"), vs_cpp, vs_simpy, met))
    judged = args.increments == "drawn"
    source = "increments drawn per step" if judged else "increments from a table: the queues alone, no targets"
    print(f"hold model, {source}; median of {args.rounds} alternating rounds; M = {args.events} (SimPy {args.simpy_events})")
    print(f"{'N':>9} {'sparktwin ev/s':>15} {'C++ ev/s':>12} {'SimPy ev/s':>11} {'vs C++':>7} {'vs SimPy':>9}" + ("  target" if judged else ""))
    for n, twin, cpp, simpy, vs_cpp, vs_simpy, met in rows:
        simpy_text = f"{simpy:11.0f}" if simpy else f"{'-':>11}"
        ratio_text = f"{vs_simpy:8.1f}x" if vs_simpy else f"{'-':>9}"
        goal = f">= {CPP_TARGETS.get(n, 0)}x C++, >= {SIMPY_TARGET:.0f}x SimPy"
        verdict = f"  {'met' if met else 'MISSED'} ({goal})" if judged else ""
        print(f"{n:>9} {twin:15.0f} {cpp:12.0f} {simpy_text} {vs_cpp:6.2f}x {ratio_text}{verdict}")
    sys.exit(0 if all_met or not judged else 1)


if __name__ == "__main__":
    main()
