#!/usr/bin/env python3
"""Fast mode's drift from detailed mode over a grid, as a table.

  python3 tools/fast_drift.py [--out DIR] [--jobs N] [--tolerance PCT] [--only NAME...]
                              [--format table|markdown] [--no-run] [--binary PATH]

The grid: the scenarios of Scenarios/drift/ — dense BF16 GEMMs of 1024³, 2048³, 4096³ and
8192³ under caps of 100, 140 and 200 W, a streaming read under 50 W, and a 4096³ GEMM beside ten
X925 streams under 140 W; 100 ms each, the governor on a 10 ms power average so that it acts.
Each point runs once with run.mode=detailed and once with run.mode=fast (a cold start: every
unit cost measured anew), each into a database of its own under --out (default
Results/fast-drift/; a point whose database holds a finished run is not run again), with the
release build. The table gives, per point, fast mode's relative difference from detailed mode
in sustained throughput, mean GPU clock, DRAM bandwidth and each rail's mean power. The
detailed runs take ~100 s of wall time each (~25 min over the grid with two jobs). Exits 1 if
any entry is beyond the tolerance (default 2 %).
"""
import argparse
import concurrent.futures
import os
import sqlite3
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = [1024, 2048, 4096, 8192]
CAPS = [100, 140, 200]
# (name, scenario, overrides)
GRID = [(f"gemm {s}³ {cap} W", "gemm", [f"machine.power.pl1={cap} W"] + [f"workload.0.{d}={s}" for d in "mnk"])
        for cap in CAPS for s in SHAPES]
GRID += [("stream 50 W", "stream", []), ("mix 140 W", "mix", [])]
# (column, metric): throughput is the GEMM's or the stream's, whichever the run has.
COLUMNS = [
    ("throughput", None),
    ("GPU clock", "clock.gpu.mean"),
    ("DRAM GB/s", "memory.bandwidth"),
    ("GPU rail", "power.gpu.mean"),
    ("memory rail", "power.memory.mean"),
    ("SoC rail", "power.soc.mean"),
    ("CPU rails", "power.cpu.mean"),
    ("package", "power.package.mean"),
]


def database(out, name, mode):
    return os.path.join(out, name.replace(" ", "-").replace("³", "") + f"-{mode}.sqlite")


def finished_metrics(path):
    """The metrics of the finished run in the database at `path`, or None."""
    if not os.path.exists(path):
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    row = db.execute("SELECT id FROM run WHERE status = 'finished' ORDER BY rowid DESC LIMIT 1").fetchone()
    return dict(db.execute("SELECT name, value FROM metric WHERE runId = ?", row)) if row else None


def run_point(binary, out, name, scenario, overrides, mode):
    path = database(out, name, mode)
    if finished_metrics(path) is not None:
        return
    command = [binary, "run", os.path.join(ROOT, "Scenarios", "drift", scenario + ".yaml"), "--db", path, "--cold",
               "--set", f"run.mode={mode}"]
    for assignment in overrides:
        command += ["--set", assignment]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def value(values, metric):
    if metric is None:
        gemm = values.get("gpu.gemm.throughput.sustained", 0)
        return gemm if gemm > 0 else values.get("gpu.read.bandwidth.sustained", 0)
    return values.get(metric, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "Results", "fast-drift"), help="folder of the points' databases")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--tolerance", type=float, default=2.0, help="largest drift allowed, percent")
    parser.add_argument("--only", nargs="*", choices=["gemm", "stream", "mix"], help="run only these scenarios")
    parser.add_argument("--format", choices=["table", "markdown"], default="table")
    parser.add_argument("--no-run", action="store_true", help="only print what the databases hold")
    parser.add_argument("--binary", help="a sparktwin binary to run instead of building the release one")
    args = parser.parse_args()
    grid = [point for point in GRID if not args.only or point[1] in args.only]
    os.makedirs(args.out, exist_ok=True)

    if not args.no_run:
        binary = args.binary or os.path.join(ROOT, ".build", "release", "sparktwin")
        if not args.binary:
            subprocess.run(["swift", "build", "-c", "release", "--product", "sparktwin"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            # Detailed runs first: they are the long ones.
            jobs = [pool.submit(run_point, binary, args.out, name, scenario, overrides, mode)
                    for mode in ["detailed", "fast"] for name, scenario, overrides in grid]
            for job in jobs:
                job.result()

    header = ["point"] + [name for name, _ in COLUMNS]
    rows, worst = [], 0.0
    for name, _, _ in grid:
        detailed, fast = finished_metrics(database(args.out, name, "detailed")), finished_metrics(database(args.out, name, "fast"))
        if detailed is None or fast is None:
            continue
        cells = []
        for _, metric in COLUMNS:
            d, f = value(detailed, metric), value(fast, metric)
            drift = (f - d) / d * 100 if d else 0.0
            worst = max(worst, abs(drift))
            cells.append(f"{drift:+.1f} %")
        rows.append([name] + cells)
    if not rows:
        sys.exit(f"error: no point has both a detailed and a fast run in {args.out}")
    if args.format == "markdown":
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
        for row in [header] + rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    print(f"\nlargest drift {worst:.1f} % (tolerance {args.tolerance:g} %)")
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
