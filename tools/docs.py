#!/usr/bin/env python3
"""Keeps the README's commands and printed figures true to what the tool prints.

  tools/docs.py check [--quick] [--binary PATH]   fail (exit 1) on any difference, showing it
  tools/docs.py write [--quick] [--binary PATH]   rewrite the generated parts of README.md

Generated parts sit between `<!-- docs:NAME -->` and `<!-- /docs:NAME -->` lines:
  quickstart  the summary `sparktwin run Scenarios/quickstart.yaml` prints (run id, wall time and
              events/s are the run's own, so they are compared by shape, not by value);
  studies     the table of Scenarios/studies/, from running every study (fast mode, ~1 min);
  c6          the decode stream with and without the 2,000 MHz clock cap (C6's prediction);
  short-kernels  64 MiB read as one kernel and as many short ones (tools/short_kernels.py, ~10 s);
  validate    the table `sparktwin validate` prints (every calibration row, ~5-7 min).
Every `sparktwin ...` command in a ```sh block is checked too: its subcommand exists and each
--flag it uses is one that subcommand's --help lists.

--quick leaves out the studies, C6, the short kernels and validate (the test suite runs that); run the whole
check before a release.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import short_kernels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")

# Columns of the run summary that differ between two runs of the same scenario.
VOLATILE_COLUMNS = {"run", "wall", "events/s"}

STUDIES = [
    ("GEMM 10 min, 20 °C", "gemm-10min-ambient-20c"),
    ("GEMM 10 min, 30 °C", "gemm-10min-ambient-30c"),
    ("GEMM 10 min, 40 °C", "gemm-10min-ambient-40c"),
    ("cap 100 W (2 min)", "gemm-power-cap-100w"),
    ("cap 120 W (2 min)", "gemm-power-cap-120w"),
    ("cap 140 W (2 min)", "gemm-power-cap-140w"),
    ("cap 160 W (2 min)", "gemm-power-cap-160w"),
    ("cap 180 W (2 min)", "gemm-power-cap-180w"),
    ("cap 200 W (2 min)", "gemm-power-cap-200w"),
    ("GEMM alone (2 min)", "gemm-alone"),
    ("GEMM + all-core CPU job (2 min)", "gemm-with-cpu-job"),
    ("GEMM beside ten X925 streams (2 min)", "gemm-beside-cpu-streams"),
    ("decode streaming, 5 min", "decode-streaming-under-cap"),
]


def run_tool(binary, arguments):
    done = subprocess.run([binary] + arguments, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: sparktwin {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def quickstart(binary, db):
    return run_tool(binary, ["run", "Scenarios/quickstart.yaml", "--db", db]).rstrip("\n")


def summary_cells(text):
    """The run summary's header and rows as lists of cells (columns split on 2+ spaces)."""
    return [re.split(r"\s{2,}", line.strip()) for line in text.strip().splitlines()]


def same_summary(expected, actual):
    e, a = summary_cells(expected), summary_cells(actual)
    if len(e) != len(a) or not e or e[0] != a[0]:
        return False
    header = e[0]
    for row_e, row_a in zip(e[1:], a[1:]):
        if len(row_e) != len(row_a):
            return False
        for column, x, y in zip(header, row_e, row_a):
            if column not in VOLATILE_COLUMNS and x != y:
                return False
    return True


def metrics(binary, db, run_id):
    out = {}
    for line in run_tool(binary, ["export", run_id, "--metrics", "--db", db]).splitlines()[1:]:
        name, value, _ = line.rsplit(",", 2)
        out[name] = float(value)
    return out


def throttle_first(m, reason):
    t = m[f"throttle.first.{reason}"]
    return "never" if t < 0 else f"{t:,.2f} s"


def studies(binary, db):
    rows = ["| study | sustained | mean GPU clock | die max | package | power-cap residency, first | thermal residency, first |",
            "|---|---|---|---|---|---|---|"]
    for title, name in STUDIES:
        out = run_tool(binary, ["run", f"Scenarios/studies/{name}.yaml", "--db", db])
        run_id = summary_cells(out)[1][0]
        m = metrics(binary, db, run_id)
        gemm = m["gpu.gemm.throughput.sustained"]
        work = f"{gemm:.2f} TFLOPS" if gemm > 0 else f"{m['gpu.read.bandwidth.sustained']:.1f} GB/s"
        rows.append(f"| {title} | {work} | {m['clock.gpu.mean']:,.0f} MHz | {m['temp.gpu_die.max']:.1f} °C | "
                    f"{m['power.package.mean']:.1f} W | {m['throttle.power_cap.residency'] * 100:.1f} %, {throttle_first(m, 'power_cap')} | "
                    f"{m['throttle.thermal.residency'] * 100:.1f} %, {throttle_first(m, 'thermal')} |")
    return "\n".join(rows)


def c6(binary, db):
    """C6's second half: the decode stream with the application clock and capped at 2,000 MHz."""
    scenario = "Scenarios/studies/decode-streaming-under-cap.yaml"
    figures = []
    for extra in ([], ["--set", "machine.gpu.smClock=2000MHz"]):
        out = run_tool(binary, ["run", scenario, "--db", db] + extra)
        m = metrics(binary, db, summary_cells(out)[1][0])
        figures.append((m["gpu.read.bandwidth.sustained"], m["temp.gpu_die.max"]))
    (bw, hot), (capped_bw, cool) = figures
    return (f"| GPU clock | sustained read | die max |\n|---|---|---|\n"
            f"| application (2,418 MHz) | {bw:.1f} GB/s | {hot:.1f} °C |\n"
            f"| capped at 2,000 MHz | {capped_bw:.1f} GB/s | {cool:.1f} °C |")


def validate(binary):
    """`sparktwin validate`'s table as markdown; a row's long curve-point labels are shortened."""
    done = subprocess.run([binary, "validate"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"error: sparktwin validate failed ({done.returncode}):\n{done.stderr}")
    lines = done.stdout.split("\n\n")[0].strip().splitlines()
    rows = ["| figure | measured | simulated | error | tolerance | verdict |", "|---|---|---|---|---|---|"]
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) != 6:
            sys.exit(f"error: unexpected validate row: {line}")
        if cells[0].endswith(": edge"):
            cells[1] = cells[2] = "the largest jump"
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def section(text, name):
    match = re.search(rf"<!-- docs:{name} -->\n(.*?)<!-- /docs:{name} -->", text, re.S)
    if not match:
        sys.exit(f"error: README.md has no <!-- docs:{name} --> ... <!-- /docs:{name} --> part")
    return match


def fenced(body):
    """The text inside the one ``` fence of a part, if it has one."""
    match = re.search(r"```[a-z]*\n(.*?)```", body, re.S)
    return match.group(1).rstrip("\n") if match else body.rstrip("\n")


def check_commands(binary, text):
    """Each `sparktwin SUB --flag` of the README's sh blocks names a real subcommand and flag."""
    problems = []
    helps = {}
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            match = re.match(r"^(?:sparktwin|\$B|\.build/release/sparktwin)\s+([a-z-]+)(.*)$", line)
            if not match:
                continue
            sub, rest = match.group(1), match.group(2)
            if sub not in helps:
                done = subprocess.run([binary] + sub.split() + ["--help"], cwd=ROOT, capture_output=True, text=True)
                helps[sub] = done.stdout if done.returncode == 0 else None
            if helps[sub] is None:
                problems.append(f"README: `{line}`: no subcommand {sub}")
                continue
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                if flag not in helps[sub]:
                    problems.append(f"README: `{line}`: sparktwin {sub} has no {flag}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["check", "write"])
    parser.add_argument("--quick", action="store_true", help="leave out the studies table")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "sparktwin"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"error: no {args.binary}; build it first (swift build -c release --product sparktwin)")
    text = open(README, encoding="utf-8").read()
    problems = check_commands(args.binary, text)
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "docs.sqlite")
        parts = {"quickstart": quickstart(args.binary, db)}
        if not args.quick:
            parts["studies"] = studies(args.binary, db)
            parts["c6"] = c6(args.binary, db)
            parts["short-kernels"] = short_kernels.table(args.binary)
            parts["validate"] = validate(args.binary)
    for name, actual in parts.items():
        match = section(text, name)
        expected = fenced(match.group(1))
        same = same_summary(expected, actual) if name == "quickstart" else expected == actual
        if same:
            continue
        if args.mode == "write":
            body = f"```\n{actual}\n```\n" if name == "quickstart" else actual + "\n"
            text = text[:match.start(1)] + body + text[match.end(1):]
            print(f"README.md: rewrote {name}")
        else:
            problems.append(f"README.md: {name} differs from what the tool prints.\n--- README\n{expected}\n--- tool\n{actual}")
    if args.mode == "write":
        open(README, "w", encoding="utf-8").write(text)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"README.md: {len(parts)} generated part{'s' if len(parts) != 1 else ''} and its commands agree with the tool")


if __name__ == "__main__":
    main()
