#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""net-report.py OUT: the table of the two-guest bench (scripts/net.sh with
NET_BENCH=1, run by make bench into OUT/<series>-net/): per kernel and job,
the initiator's figure through NVMe/TCP beside the target's own on
/dev/ramdisk. Writes OUT/table-net.md and prints it."""
import datetime
import glob
import os
import sys

out = sys.argv[1]


def rows(path):
    """{section: (IOPS, MiB/s)} from one side's net-bench.txt."""
    result = {}
    for line in open(path):
        section, iops, mibs = line.split()
        result[section] = (int(iops), int(mibs))
    return result


lines = [f"Measured {datetime.date.today()} by `make bench`: two guests, the target"
         " exporting /dev/ramdisk with `tools/export` and the initiator using it"
         " over NVMe/TCP, joined by a QEMU socket network. Each guest has 2"
         " vCPUs under TCG and the two share the host's 2 cores, so the target's"
         " work and the initiator's compete for them: the ratio is what the"
         " fabric costs on this machine, not what a network would carry. Remote"
         " is fio on the initiator's /dev/nvme0n1, local the same job on the"
         " target's /dev/ramdisk after the initiator disconnected; one run of"
         " each, fio-jobs/bench.fio's sections. The link is QEMU's socket"
         " backend: no offloads, so every I/O crosses it in 1500-byte frames,"
         " each one through both guests' emulated network cards; at 1M that,"
         " not the target, sets the rate.", ""]
for folder in sorted(glob.glob(os.path.join(out, "*-net"))):
    remote = rows(os.path.join(folder, "initiator", "net-bench.txt"))
    local = rows(os.path.join(folder, "target", "net-bench.txt"))
    kernel = open(os.path.join(folder, "kernel")).read().strip()
    lines += [f"**{kernel}**", "",
              "| job | remote | local | remote/local |", "|---|---|---|---|"]
    for section, (iops, mibs) in remote.items():
        unit, there, here = (("IOPS", iops, local[section][0]) if "4k" in section
                             else ("MiB/s", mibs, local[section][1]))
        lines.append(f"| {section} | {there} {unit} | {here} {unit} | {there / here:.2g} |")
    lines.append("")
table = "\n".join(lines).strip() + "\n"
open(os.path.join(out, "table-net.md"), "w").write(table)
print(table)
