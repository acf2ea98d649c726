#!/usr/bin/env python3
"""Measured features of the H100 sustained GEMM, for Scenarios/calibration/h100-sustained-gemm.yaml.

Reads shared/calibration/h100-sxm/sustained.csv (throughput per 50 GEMMs) and smi.csv (clock
and die temperature every 100 ms) and applies the definitions of LoadFeatures
(Sources/TwinModels/Power/PowerMetrics.swift):

- load windows: the rows of sustained.csv; the first (warm-up) and last are left out of peak
  and sustained; sustained is the mean of the second half of the rest, and the clock and die
  temperature are averaged over the same span of time (from smi.csv);
- first: the first window's throughput; loss_from_first = 1 - sustained / first;
- clock loss = 1 - sustained clock / 1,980 MHz (the application clock);
- first cut: the first window runs at the full-clock rate and the second near the sustained
  rate, so the controller's first cut falls near the first window's end; it is placed where
  the second window's rate puts it between the two rates (never before the first window ends);
- clock swing: the clock's highest less its lowest sample over the sustained span (printed for
  comparison, not an expectation: the board's clock also moves with noise the twin has not);
- rise time constant: from 3 s into the load, the time to cover 63.2 % of the way to the
  plateau; fall time constant: from the end of the load, the time to cover 63.2 % of the drop
  of the next 3 s (linear interpolation between samples, as in the twin).

Usage: tools/calibration/h100_sustained.py [shared/calibration/h100-sxm]
Prints the `expect:` block to paste into the calibration file.
"""
import csv
import datetime
import os
import sys


def time_to_cover(times, values, start, target, start_value=None):
    i0 = next(i for i, t in enumerate(times) if t >= start - 1e-9)
    v0 = values[i0] if start_value is None else start_value
    goal = v0 + 0.632 * (target - v0)
    rising = target > v0
    for i in range(i0, len(values)):
        if (values[i] >= goal) if rising else (values[i] <= goal):
            if i == i0:
                return times[i] - start
            t1, v1, t2, v2 = times[i - 1], values[i - 1], times[i], values[i]
            t = t2 if v2 == v1 else t1 + (goal - v1) / (v2 - v1) * (t2 - t1)
            return t - start
    return None


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/calibration/h100-sxm")
    rows = list(csv.DictReader(open(os.path.join(folder, "sustained.csv"))))
    # Each row ends at t_s and covers window_s before it.
    windows = [(float(r["t_s"]) - float(r["window_s"]), float(r["t_s"]), float(r["TFLOPs"])) for r in rows]
    smi = list(csv.reader(open(os.path.join(folder, "smi.csv"))))[1:]
    t0 = datetime.datetime.strptime(smi[0][0].strip(), "%Y/%m/%d %H:%M:%S.%f")
    times, clocks, temps = [], [], []
    for r in smi:
        times.append((datetime.datetime.strptime(r[0].strip(), "%Y/%m/%d %H:%M:%S.%f") - t0).total_seconds())
        clocks.append(float(r[1]))
        temps.append(float(r[5]))

    first = windows[0][2]
    inner = windows[1:-1]
    peak = max(w[2] for w in inner)
    tail = inner[len(inner) - max(1, len(inner) // 2):]
    sustained = sum(w[2] for w in tail) / len(tail)
    span = (tail[0][0], tail[-1][1])
    in_span = [i for i, t in enumerate(times) if span[0] <= t <= span[1]]
    clock = sum(clocks[i] for i in in_span) / len(in_span)
    plateau = sum(temps[i] for i in in_span) / len(in_span)
    load_start, load_end = windows[0][0], windows[-1][1]
    rise = time_to_cover(times, temps, load_start + 3, plateau)
    end_index = next(i for i, t in enumerate(times) if t >= load_end)
    after = next(i for i, t in enumerate(times) if t >= times[end_index] + 3)
    drop = temps[end_index] - temps[after]
    fall = time_to_cover(times, temps, times[end_index], temps[end_index] - drop, start_value=temps[end_index])

    (w1_start, w1_end, _), (_, w2_end, second) = windows[0], windows[1]
    cut = w1_end + (w2_end - w1_end) * max(0.0, (second - sustained) / (first - sustained))
    swing = max(clocks[i] for i in in_span) - min(clocks[i] for i in in_span)
    print(f"# first cut {cut - w1_start:.3f} s into the load; clock swing {swing:.0f} MHz over the sustained span")
    print(f"# measured by tools/calibration/h100_sustained.py: load {load_start:.1f}-{load_end:.1f} s,"
          f" peak {peak:.1f} TFLOPS, {len(windows)} windows")
    print("expect:")
    for metric, value, unit, tolerance, note in [
        ("clock.gpu.sustained", clock, "MHz", "5 %", "steady SM clock"),
        ("gpu.gemm.throughput.sustained", sustained, "TFLOPS", "3 %", "sustained throughput"),
        ("gpu.gemm.throughput.loss_from_first", 1 - sustained / first, "", "0.03", "throughput lost from the first window"),
        ("clock.gpu.loss", 1 - clock / 1980, "", "0.05", "clock lost from 1,980 MHz"),
        ("temp.gpu_die.plateau", plateau, "C", "3 C", "temperature plateau"),
        ("temp.gpu_die.rise_tau", rise, "s", "25 %", "slow time scale: heat sink to air"),
        ("temp.gpu_die.fall_tau", fall, "s", "25 %", "fast time scale: die to heat sink"),
    ]:
        target = f"{value:.4g} {unit}".strip()
        print(f"  - metric: {metric}\n    target: {target}    # {note}\n    tolerance: {tolerance}")


if __name__ == "__main__":
    main()
