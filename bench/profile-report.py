#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile-report.py OUTDIR [paths]: the Markdown summary of a make profile
run; with paths, the short table of chapter 4 (blk-mq, bio and brd).

Reads OUTDIR/<series>/kernel and OUTDIR/<series>/profile/<device>-<rw>-
<1|all>.txt (tools/graph-profile.py output) and prints, per kernel, the
median time of one read() and write() (traced alone; the median of the
rounds' medians), the traced calls each made (traced with everything they
call), both against brd, and for reads and writes the functions whose
self time differs most between ramdisk and brd, with their calls.
"""
import datetime
import pathlib
import re
import statistics
import sys

DEVICES = [("ramdisk", "ramdisk"), ("ramdisk+bio", "ramdisk (bio)"), ("ram0", "brd"),
           ("nullb0", "null_blk")]
# The rows whose functions are listed against brd's.
AGAINST_BRD = DEVICES[:2]
HEAD = re.compile(r"median ([\d.]+) us, mean [\d.]+ us, (\d+) traced calls")


def headline(path):
    m = HEAD.search(path.read_text().splitlines()[0])
    if not m:
        sys.exit(f"{path}: no profile headline")
    return float(m.group(1)), float(m.group(2))


def time(prof, pattern):
    rounds = sorted(prof.glob(pattern))
    if not rounds:
        sys.exit(f"{prof}: no {pattern}")
    return statistics.median(headline(path)[0] for path in rounds)


def functions(path):
    """function -> (calls, self us) per top-level call (graph-profile.py)."""
    rows = {}
    for line in path.read_text().splitlines()[2:]:
        name, calls, _, _, self_us = line.split()
        rows[name] = (float(calls), float(self_us))
    return rows


def against_brd(prof, node, name, rw, shown=15):
    """A ramdisk row's functions against brd's, the largest differences
    first."""
    ours = functions(prof / f"{node}-{rw}-all.txt")
    brds = functions(prof / f"ram0-{rw}-all.txt")
    diff = {name: ours.get(name, (0, 0))[1] - brds.get(name, (0, 0))[1]
            for name in ours.keys() | brds.keys()}
    lines = [f"| function | {name} calls | brd calls | {name} self us "
             "| brd self us | difference |", "|---|---:|---:|---:|---:|---:|"]
    for func in sorted(diff, key=lambda n: abs(diff[n]), reverse=True)[:shown]:
        (oc, os_), (bc, bs) = ours.get(func, (0, 0)), brds.get(func, (0, 0))
        lines.append(f"| {func} | {oc:.2f} | {bc:.2f} | {os_:.2f} | {bs:.2f} "
                     f"| {diff[func]:+.2f} |")
    only_ours = sum(1 for n in ours if n not in brds)
    lines.append(f"\nIn all, {len(ours)} traced functions against brd's "
                 f"{len(brds)}, {only_ours} of them not in brd's {rw}; self "
                 f"time {sum(v[1] for v in ours.values()):.1f} us against "
                 f"{sum(v[1] for v in brds.values()):.1f}. Traced all the "
                 f"way down, a {rw} takes {tracer_cost(prof, node, rw)} "
                 f"(brd {tracer_cost(prof, 'ram0', rw)}) more per traced "
                 f"call than traced alone: the tracer's own cost, which "
                 f"the self times share out among the functions, so they "
                 f"rank the functions rather than measure them.")
    return "\n".join(lines)


def tracer_cost(prof, node, rw):
    """What tracing every function adds per traced call, as text."""
    alone = time(prof, f"{node}-{rw}-1-r*.txt")
    whole, calls = headline(prof / f"{node}-{rw}-all.txt")
    return f"{(whole - alone) / (calls - 1):.2f} us"


def clock_text(out):
    """How the guests' clock ran (scripts/profile.sh PROFILE_CLOCK)."""
    clocks = {p.read_text().strip() for p in out.glob("*/clock")}
    if clocks == {"icount"}:
        return ("instruction-counted: one guest microsecond is a thousand "
                "guest instructions")
    return "timed by the wall clock"


def device_table(prof, devices):
    """Per device, a read's and a write's time (traced alone) and traced
    calls (traced all the way down), and the times against brd's."""
    print("| device | read us | write us | calls/read | calls/write "
          "| read / brd | write / brd |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for node, _ in devices + [("ram0", "brd")]:
        rows[node] = {rw: (time(prof, f"{node}-{rw}-1-r*.txt"),
                           headline(prof / f"{node}-{rw}-all.txt")[1])
                      for rw in ("read", "write")}
    for node, name in devices:
        r, w, brd = rows[node]["read"], rows[node]["write"], rows["ram0"]
        print(f"| {name} | {r[0]:.1f} | {w[0]:.1f} | {r[1]:.0f} | "
              f"{w[1]:.0f} | {r[0] / brd['read'][0]:.2f}x | "
              f"{w[0] / brd['write'][0]:.2f}x |")


def kernels(out):
    """(profile folder, kernel release) per kernel of the run."""
    for series_dir in sorted(p for p in out.iterdir() if p.is_dir()):
        yield series_dir / "profile", (series_dir / "kernel").read_text().strip()


def main():
    out = pathlib.Path(sys.argv[1])
    if sys.argv[2:] == ["paths"]:
        # Chapter 4's table: ramdisk's two ways to take I/O and brd.
        print(f"One 4 KiB O_DIRECT `read()`/`write()` of the prefilled device "
              f"by dd, from `make profile` ({datetime.date.today()}; "
              f"{clock_text(out)}). Times: medians, each call traced alone, "
              f"tracer included; calls: the kernel functions one call ran, "
              f"traced all the way down.")
        for prof, kernel in kernels(out):
            print(f"\n**{kernel}**\n")
            device_table(prof, AGAINST_BRD + [("ram0", "brd")])
        return
    print(f"One 4 KiB O_DIRECT `read()`/`write()` of the prefilled device "
          f"by dd, from `make profile` ({datetime.date.today()}; TCG guest, "
          f"{clock_text(out)}). "
          f"Times: medians, each call traced alone; they include the "
          f"tracer's own cost, so compare rows, not absolute figures; "
          f"/ brd is the ratio of times, above 1 slower than brd. Calls: "
          f"the median number of kernel functions one call ran, traced "
          f"all the way down.")
    for prof, kernel in kernels(out):
        print(f"\n**{kernel}**\n")
        device_table(prof, DEVICES)
        for node, name in AGAINST_BRD:
            for rw in ("read", "write"):
                print(f"\nWhat {name}'s {rw} runs beyond brd's: the functions "
                      f"whose self time per {rw} differs most (us, everything "
                      f"traced; calls per {rw}):\n")
                print(against_brd(prof, node, name, rw))


if __name__ == "__main__":
    main()
