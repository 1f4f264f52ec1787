#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""latency-report.py REPORT MAJOR OUTDIR: pairs block_bio_queue with the
block_rq_complete of the same disk and sector in a trace-cmd report, and
writes the per-request latency by operation: OUTDIR/latency.txt (count,
percentiles) and OUTDIR/latency.png (histogram on a log scale)."""
import collections
import math
import os
import re
import subprocess
import sys

report, major, out = sys.argv[1], sys.argv[2], sys.argv[3]
EVENT = re.compile(r"\s(\d+\.\d+):\s+(block_bio_queue|block_rq_complete):\s+"
                   r"(\d+),(\d+)\s+(\S+)\s+(?:\(\S*\)\s+)?(\d+)\s+\+\s+(\d+)")
OPS = {"R": "read", "W": "write", "D": "discard", "F": "flush"}

queued = {}
lat = collections.defaultdict(list)
for line in open(report):
    m = EVENT.search(line)
    if not m or m.group(3) != major:
        continue
    ts, event, minor, rwbs, sector = (float(m.group(1)), m.group(2),
                                      m.group(4), m.group(5), m.group(6))
    key = (minor, sector)
    if event == "block_bio_queue":
        queued[key] = ts
    elif key in queued:
        op = OPS.get(rwbs.lstrip("F")[:1], rwbs) if rwbs != "F" else "flush"
        lat[op].append((ts - queued.pop(key)) * 1e6)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(math.ceil(p / 100 * len(values))) - 1)]


lines = ["per-request latency, bio queued to request completed (us)",
         f"{'op':8} {'count':>7} {'p50':>9} {'p90':>9} {'p99':>9} {'max':>9}"]
for op, values in sorted(lat.items()):
    lines.append(f"{op:8} {len(values):7d} {pct(values, 50):9.1f} {pct(values, 90):9.1f} "
                 f"{pct(values, 99):9.1f} {max(values):9.1f}")
if not lat:
    lines.append("no requests of this disk were traced")
open(os.path.join(out, "latency.txt"), "w").write("\n".join(lines) + "\n")

# Histogram: log2 buckets of microseconds, one column per operation.
ops = sorted(lat)
if ops:
    top = max(int(math.log2(max(max(v) for v in lat.values()) + 1)) + 1, 1)
    dat = os.path.join(out, "latency.dat")
    with open(dat, "w") as f:
        for b in range(top + 1):
            counts = [sum(1 for v in lat[op] if 2 ** (b - 1) <= v < 2 ** b or (b == 0 and v < 1))
                      for op in ops]
            f.write(f"{2 ** b} " + " ".join(map(str, counts)) + "\n")
    plots = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints title '{op}'"
                      for i, op in enumerate(ops))
    script = f"""
set terminal pngcairo size 800,400 font ",10"
set output '{os.path.join(out, "latency.png")}'
set title "ramdisk: per-request latency, bio queued to request completed"
set logscale x 2
set xlabel "latency upper bound (us)"
set ylabel "requests"
set grid
{"plot " + plots}
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
