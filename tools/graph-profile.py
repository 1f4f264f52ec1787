#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-function profile from a function_graph trace (trace-cmd report).

graph-profile.py REPORT [ROWS]

First line: how many calls of the top-level function the trace holds,
their median and mean time, and the median number of traced calls each
made, itself included. Then for each function: calls per top-level call,
the median time of one call with and without (self) its traced children,
and self time per top-level call (calls x median self). Rows are sorted
by the last, the largest first; ROWS (25) of them are printed.

Medians, because an interrupt that lands in a function counts towards its
time (the tracer does not trace the handler but cannot stop its clock),
and a few such calls would dominate a mean. function_graph times each
traced call including the tracer's own entry and exit work, about a
microsecond a call under TCG, so a function with many traced children
looks slower than it is: compare two devices traced the same way, not a
profile against an untraced figure. The numbers of calls are exact.
"""
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(
    r"-(\d+)\s+\[\d+\]\s+[\d.]+:\s+funcgraph_(entry|exit):\s+"
    r"[!+#*@$ ]*([\d.]+ us)?\s*\|\s*(.*)$"
)


def parse(path):
    totals = defaultdict(list)  # function -> time of each call
    selfs = defaultdict(list)  # function -> time of each call, less children
    # Per task, not per CPU: a call that sleeps may end on another CPU.
    stacks = defaultdict(list)  # per task: [function, children's time]
    counts = defaultdict(int)  # per task: calls within the open top call
    tops, top_calls = [], []
    with open(path, errors="replace") as report:
        for line in report:
            m = LINE.search(line)
            if not m:
                continue
            task, kind, dur, text = m.groups()
            stack = stacks[task]
            text = text.strip()
            if kind == "entry" and text.endswith("{"):
                stack.append([text[:-1].strip().removesuffix("()"), 0.0])
                continue
            if kind == "entry":
                name, children = text.rstrip(";").removesuffix("()"), 0.0
            elif stack:
                name, children = stack.pop()
            else:
                continue  # its entry was before the trace began
            us = float(dur.split()[0]) if dur else 0.0
            totals[name].append(us)
            selfs[name].append(us - children)
            counts[task] += 1
            if stack:
                stack[-1][1] += us
            else:
                tops.append(us)
                top_calls.append(counts[task])
                counts[task] = 0
    return totals, selfs, tops, top_calls


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    totals, selfs, tops, top_calls = parse(path)
    if not tops:
        sys.exit(f"{path}: no complete top-level call in the trace")
    n = len(tops)
    print(f"{n} top-level calls: median {statistics.median(tops):.2f} us,"
          f" mean {sum(tops) / n:.2f} us,"
          f" {statistics.median(top_calls):.0f} traced calls each")
    per_top = {f: len(selfs[f]) / n * statistics.median(selfs[f])
               for f in selfs}
    print(f"{'function':<40} {'calls':>6} {'us/call':>8} {'self':>6} "
          f"{'self us':>8}")
    for name in sorted(per_top, key=per_top.get, reverse=True)[:rows]:
        print(f"{name[:40]:<40} {len(selfs[name]) / n:6.2f} "
              f"{statistics.median(totals[name]):8.2f} "
              f"{statistics.median(selfs[name]):6.2f} {per_top[name]:8.2f}")


if __name__ == "__main__":
    main()
