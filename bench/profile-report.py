#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile-report.py OUTDIR: the Markdown summary of a make profile run.

Reads OUTDIR/<series>/kernel and OUTDIR/<series>/profile/<device>-<rw>-
<1|all>.txt (tools/graph-profile.py output) and prints, per kernel, the
median time of one read() and write() (traced alone; the median of the
rounds' medians), the traced calls each made (traced with everything they
call), both against brd, and the functions where ramdisk's read spends
the most self time.
"""
import datetime
import pathlib
import re
import statistics
import sys

DEVICES = [("ramdisk", "ramdisk"), ("ram0", "brd"), ("nullb0", "null_blk")]
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


def clock_text(out):
    """How the guests' clock ran (scripts/profile.sh PROFILE_CLOCK)."""
    clocks = {p.read_text().strip() for p in out.glob("*/clock")}
    if clocks == {"icount"}:
        return ("instruction-counted: one guest microsecond is a thousand "
                "guest instructions")
    return "timed by the wall clock"


def main():
    out = pathlib.Path(sys.argv[1])
    print(f"One 4 KiB O_DIRECT `read()`/`write()` of the prefilled device "
          f"by dd, from `make profile` ({datetime.date.today()}; TCG guest, "
          f"{clock_text(out)}). "
          f"Times: medians, each call traced alone; they include the "
          f"tracer's own cost, so compare rows, not absolute figures; "
          f"/ brd is the ratio of times, above 1 slower than brd. Calls: "
          f"the median number of kernel functions one call ran, traced "
          f"all the way down.")
    for series_dir in sorted(p for p in out.iterdir() if p.is_dir()):
        prof = series_dir / "profile"
        kernel = (series_dir / "kernel").read_text().strip()
        print(f"\n**{kernel}**\n")
        print("| device | read us | write us | calls/read | calls/write "
              "| read / brd | write / brd |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        rows = {}
        for node, _ in DEVICES:
            rows[node] = {rw: (time(prof, f"{node}-{rw}-1-r*.txt"),
                               headline(prof / f"{node}-{rw}-all.txt")[1])
                          for rw in ("read", "write")}
        for node, name in DEVICES:
            r, w, brd = rows[node]["read"], rows[node]["write"], rows["ram0"]
            print(f"| {name} | {r[0]:.1f} | {w[0]:.1f} | {r[1]:.0f} | "
                  f"{w[1]:.0f} | {r[0] / brd['read'][0]:.2f}x | "
                  f"{w[0] / brd['write'][0]:.2f}x |")
        lines = (prof / "ramdisk-read-all.txt").read_text().splitlines()
        print("\nramdisk's read, functions by self time per read (us, "
              "everything traced):\n\n```\n" + "\n".join(lines[1:13]) +
              "\n```")


if __name__ == "__main__":
    main()
