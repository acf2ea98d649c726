#!/usr/bin/env python3
"""Figures from a SparkTwin results database (matplotlib; see tools/requirements.txt).

  tools/plot.py run RUN_ID [--db PATH] [--out FILE.png]
      A run's time series: clocks, power per rail with the cap, temperatures and throughput,
      with the periods the governor throttled shaded by reason.
  tools/plot.py sweep NAME --y METRIC [--x KEY] [--group KEY] [--db PATH] [--out FILE.png]
      A sweep's metric against one of its parameters (a `--set` key path; by default the first
      key the sweep varies), one line per value of --group. Axes carry the values' units.
  tools/plot.py compare RUN_A RUN_B [--metric PREFIX]... [--db PATH] [--out FILE.png]
      The relative change of each metric from run A (baseline) to run B.

RUN ids may be unique prefixes. The database is read only. Figures go to Results/plots/
unless --out names a file.
"""
import argparse
import json
import os
import re
import sqlite3
import sys

try:
    import matplotlib
except ModuleNotFoundError:
    sys.exit("error: tools/plot.py needs matplotlib; install it with: pip install -r tools/requirements.txt")

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DEFAULT_FOLDER = os.path.join("Results", "plots")

THROTTLE_COLOURS = {1: ("#f4a582", "power cap"), 2: ("#d6604d", "thermal"), 3: ("#bababa", "other")}


def connect(path):
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError as error:
        sys.exit(f"error: cannot open {path}: {error}")


def run_id(db, prefix):
    rows = db.execute("SELECT id FROM run WHERE id LIKE ?", (prefix.replace("%", "") + "%",)).fetchall()
    if len(rows) != 1:
        sys.exit(f"error: run id {prefix} is {'unknown' if not rows else 'ambiguous'} in the database")
    return rows[0][0]


def series(db, rid):
    out = {}
    for name, unit, t, v in db.execute(
        "SELECT signal.name, signal.unit, sample.timePs, sample.value FROM sample "
        "JOIN signal ON signal.id = sample.signalId WHERE signal.runId = ? ORDER BY sample.timePs", (rid,)):
        times, values, _ = out.setdefault(name, ([], [], unit))
        times.append(t * 1e-12)
        values.append(v)
    return out


def shade_throttling(ax, s):
    if "throttle.reason" not in s:
        return
    times, reasons, _ = s["throttle.reason"]
    start = None
    for i, (t, r) in enumerate(zip(times, reasons)):
        previous = reasons[i - 1] if i else 0
        if r != previous:
            if previous and start is not None:
                ax.axvspan(start, t, color=THROTTLE_COLOURS.get(int(previous), ("#dddddd",))[0], alpha=0.35, lw=0)
            start = t
    if reasons and reasons[-1] and start is not None:
        ax.axvspan(start, times[-1], color=THROTTLE_COLOURS.get(int(reasons[-1]), ("#dddddd",))[0], alpha=0.35, lw=0)


def plot_run(db, args):
    rid = run_id(db, args.run)
    name, status = db.execute("SELECT scenarioName, statusMessage FROM run WHERE id = ?", (rid,)).fetchone()
    s = series(db, rid)
    if not s:
        sys.exit(f"error: run {rid} has no time series")
    panels = [
        ("clock (MHz)", ["clock.gpu", "clock.cpu0", "clock.cpu1"]),
        ("power (W)", ["power.package", "power.gpu", "power.cpu0", "power.cpu1", "power.memory", "power.soc", "power.limit"]),
        ("temperature (°C)", ["temp.gpu_die", "temp.cpu_die", "temp.sink"]),
        ("throughput", ["gpu.gemm.throughput", "gpu.read.bandwidth"]),
    ]
    # A run of several nodes names each node's signals `<node>.clock.gpu`; plot every node's.
    nodes = sorted(n[: -len("clock.gpu")] for n in s if n.endswith("clock.gpu"))
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 10), sharex=True)
    for ax, (title, names) in zip(axes, panels):
        for node in nodes:
            for n in (node + base for base in names):
                if n in s and any(s[n][1]):
                    times, values, unit = s[n]
                    style = {"ls": "--", "lw": 1} if n.endswith("power.limit") else {}
                    if n.endswith("power.limit") and len(nodes) == 1:
                        style["color"] = "black"
                    ax.plot(times, values, label=f"{n} ({unit})", **style)
        # Throttling shades the first node's time (the only node's in a one-machine run).
        shade_throttling(ax, {k[len(nodes[0]):]: v for k, v in s.items() if k.startswith(nodes[0])} if nodes else s)
        ax.set_ylabel(title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    handles = [matplotlib.patches.Patch(color=c, alpha=0.35, label=f"throttled: {label}") for c, label in THROTTLE_COLOURS.values()]
    axes[0].legend(handles=axes[0].get_legend_handles_labels()[0] + handles, fontsize=7, loc="best")
    axes[-1].set_xlabel("simulated time (s)")
    fig.suptitle(f"{name} — run {rid}\n{status}", fontsize=10)
    fig.tight_layout()
    save(fig, args.out or os.path.join(DEFAULT_FOLDER, f"run-{rid}.png"))


def number(text):
    """The number of a value such as `140 W` (the text itself if it has none)."""
    match = re.match(r"\s*([-+0-9.eE_]+)", text)
    return float(match.group(1).replace("_", "")) if match else text


def unit_of(values):
    """The unit the values carry (`140 W` -> `W`), if they share one."""
    units = {re.sub(r"^\s*[-+0-9.eE_]+\s*", "", v) for v in values}
    return units.pop() if len(units) == 1 and "" not in units else ""


# Units a sweep may mix on one axis (`4 KiB`, `1 MiB`), with the base unit they are put in.
UNIT_SCALES = {
    "B": (1, "B"), "kB": (1e3, "B"), "KiB": (1024, "B"), "MB": (1e6, "B"), "MiB": (1024**2, "B"),
    "GB": (1e9, "B"), "GiB": (1024**3, "B"), "TB": (1e12, "B"), "TiB": (1024**4, "B"),
    "ps": (1e-12, "s"), "ns": (1e-9, "s"), "us": (1e-6, "s"), "µs": (1e-6, "s"), "ms": (1e-3, "s"), "s": (1, "s"), "min": (60, "s"),
    "Hz": (1, "Hz"), "kHz": (1e3, "Hz"), "MHz": (1e6, "Hz"), "GHz": (1e9, "Hz"),
    "B/s": (1, "B/s"), "kB/s": (1e3, "B/s"), "MB/s": (1e6, "B/s"), "GB/s": (1e9, "B/s"), "TB/s": (1e12, "B/s"),
    "KiB/s": (1024, "B/s"), "MiB/s": (1024**2, "B/s"), "GiB/s": (1024**3, "B/s"),
}


def axis_values(texts):
    """The numbers of a sweep's values and their axis unit: as given when they share a unit,
    else in the base unit of the units they mix (`4 KiB`, `1 MiB` -> bytes)."""
    unit = unit_of(texts)
    if unit or not texts:
        return [number(t) for t in texts], unit
    units = [re.sub(r"^\s*[-+0-9.eE_]+\s*", "", t) for t in texts]
    if all(u in UNIT_SCALES for u in units) and len({UNIT_SCALES[u][1] for u in units}) == 1:
        return [number(t) * UNIT_SCALES[u][0] for t, u in zip(texts, units)], UNIT_SCALES[units[0]][1]
    return [number(t) for t in texts], ""


def plot_sweep(db, args):
    rows = db.execute(
        "SELECT run.id, run.overrides, metric.value, metric.unit FROM run "
        "JOIN label ON label.runId = run.id JOIN metric ON metric.runId = run.id "
        "WHERE label.label = ? AND run.status = 'finished' AND metric.name = ?", (f"sweep:{args.name}", args.y)).fetchall()
    if not rows:
        sys.exit(f"error: no finished runs of sweep {args.name} with metric {args.y}")
    lines, unit, x_values = {}, "", []
    varied = []
    for _, overrides, _, _ in rows:
        for a in json.loads(overrides):
            key = a.split("=", 1)[0]
            if key not in varied:
                varied.append(key)
    if not args.x:
        if not varied:
            sys.exit(f"error: sweep {args.name} varies no key")
        args.x = varied[0]
        print(f"x axis: {args.x} (the first key the sweep varies; --x picks another of: {', '.join(varied)})", file=sys.stderr)
    for _, overrides, value, unit in rows:
        assignments = dict(a.split("=", 1) for a in json.loads(overrides))
        if args.x not in assignments:
            sys.exit(f"error: sweep {args.name} does not vary {args.x}; it varies {', '.join(varied)}")
        group = assignments.get(args.group, "") if args.group else ""
        x_values.append(assignments[args.x])
        lines.setdefault(group, []).append((len(x_values) - 1, value))
    xs, x_unit = axis_values(x_values)
    fig, ax = plt.subplots(figsize=(8, 5))
    for group, points in sorted(lines.items()):
        points = sorted((xs[i], v) for i, v in points)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=f"{args.group}={group}" if args.group else None)
    numeric = [x for x in xs if isinstance(x, float)]
    # Values spread over three decades or more (message sizes, say) read better on a log axis.
    if numeric and len(numeric) == len(xs) and min(numeric) > 0 and max(numeric) / min(numeric) >= 1000:
        ax.set_xscale("log")
    ax.set_xlabel(f"{args.x} ({x_unit})" if x_unit else args.x)
    ax.set_ylabel(f"{args.y} ({unit})" if unit else args.y)
    ax.set_title(f"sweep {args.name}")
    ax.grid(alpha=0.3)
    if args.group:
        ax.legend()
    fig.tight_layout()
    save(fig, args.out or os.path.join(DEFAULT_FOLDER, f"sweep-{args.name}.png"))


def plot_compare(db, args):
    a, b = run_id(db, args.baseline), run_id(db, args.candidate)
    def metrics(rid):
        return {n: v for n, v in db.execute("SELECT name, value FROM metric WHERE runId = ?", (rid,))}
    ma, mb = metrics(a), metrics(b)
    names = [n for n in ma if n in mb and ma[n] != 0 and (not args.metric or any(n.startswith(p) for p in args.metric))]
    changes = [(mb[n] - ma[n]) / abs(ma[n]) * 100 for n in names]
    shown = [(n, c) for n, c in zip(names, changes) if abs(c) > 1e-9] or list(zip(names, changes))
    if not shown:
        sys.exit("error: no metric in common to compare")
    fig, ax = plt.subplots(figsize=(9, max(3, 0.28 * len(shown))))
    ax.barh([n for n, _ in shown], [c for _, c in shown], color=["#4393c3" if c >= 0 else "#d6604d" for _, c in shown])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(f"change from {a} to {b} (%)")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    save(fig, args.out or os.path.join(DEFAULT_FOLDER, f"compare-{a}-{b}.png"))


DPI = 110


def save(fig, path):
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    print(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="Results/sparktwin.sqlite")
    parser.add_argument("--dpi", type=int, default=110, help="resolution of the PNG")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("run")
    run.add_argument("--out")
    sweep = sub.add_parser("sweep")
    sweep.add_argument("name")
    sweep.add_argument("--x", help="the key on the x axis (default: the first key the sweep varies)")
    sweep.add_argument("--y", required=True)
    sweep.add_argument("--group")
    sweep.add_argument("--out")
    compare = sub.add_parser("compare")
    compare.add_argument("baseline")
    compare.add_argument("candidate")
    compare.add_argument("--metric", action="append")
    compare.add_argument("--out")
    for p in (run, sweep, compare):
        p.add_argument("--db", default=argparse.SUPPRESS)
    args = parser.parse_args()
    global DPI
    DPI = args.dpi
    db = connect(args.db)
    {"run": plot_run, "sweep": plot_sweep, "compare": plot_compare}[args.command](db, args)


if __name__ == "__main__":
    main()
