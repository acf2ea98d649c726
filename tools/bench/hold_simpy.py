"""The hold model in SimPy, the pure-Python baseline for SparkTwin's event queue.

Same model as `sparktwin bench hold` and hold.cpp: N pending events; each step pops the
earliest and schedules one at its time plus an exponential increment (1 us mean, integer
picoseconds) from SplitMix64. SimPy orders events by (time, priority, insertion id), the
same total order as the others, so all three print the same checksum.

With `table`, steps cycle through 65,536 increments drawn before the timer starts, so the
timing is the queue's alone (as `sparktwin bench hold --increments table`).

Usage: python3 hold_simpy.py N M [seed] [drawn|table]
"""
import math
import sys
import time

import simpy

MASK = (1 << 64) - 1
MEAN_PS = 1e6
TABLE_SIZE = 1 << 16


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def exponential(self, mean):
        return -math.log(1.0 - (self.next() >> 11) * 2.0**-53) * mean


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: hold_simpy.py pending events [seed] [drawn|table]")
    pending, events = int(sys.argv[1]), int(sys.argv[2])
    rng = SplitMix64(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    source = sys.argv[4] if len(sys.argv) > 4 else "drawn"
    if source not in ("drawn", "table"):
        sys.exit(f"increments must be drawn or table, found {source}")
    from_table = source == "table"
    env = simpy.Environment()
    popped = [0]
    table, step = [], [0]

    def increment():
        if not from_table:
            return int(rng.exponential(MEAN_PS))
        value = table[step[0] & (TABLE_SIZE - 1)]
        step[0] += 1
        return value

    def holder(first_delay):
        yield env.timeout(first_delay)
        while True:
            popped[0] += env.now
            yield env.timeout(increment())

    for _ in range(pending):
        env.process(holder(int(rng.exponential(MEAN_PS))))
    for _ in range(pending):  # each process's start event
        env.step()
    if from_table:
        table.extend(int(rng.exponential(MEAN_PS)) for _ in range(TABLE_SIZE))
    start = time.perf_counter()
    for _ in range(events):
        env.step()
    seconds = time.perf_counter() - start
    print(f"pending={pending} events={events} increments={'table' if from_table else 'drawn'} seconds={seconds:.4f} checksum={popped[0] & MASK}")
    print(f"events_per_s={events / seconds:.0f}")


if __name__ == "__main__":
    main()
