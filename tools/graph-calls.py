#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""graph-calls.py ROOT[,ROOT...] CALLS < REPORT: the first CALLS whole calls
of ROOT (any of them) in a function_graph trace (trace-cmd report), each
with everything it called, and nothing else.

A trace started with set_graph_function still holds lines that are not the
function's: an interrupt, or the softirq work run on its way out, lands in
the traced task and is recorded at depth 0 or nested inside the call.
Trimming the report by lines would show whichever of them came first.
This keeps, per task, only the lines from ROOT's entry to its matching
exit, and drops the subtrees of interrupt entry points nested in it.
"""
import re
import sys

LINE = re.compile(r"-(\d+)\s+\[\d+\].*?funcgraph_(entry|exit):.*?\|(\s*)(\S.*)$")
# Where interrupt and softirq work enters a traced task.
INTERRUPT = re.compile(r"^(asm_|sysvec_|__sysvec_|irq_enter|irq_exit|__irq_exit|"
                       r"handle_softirqs|__do_softirq|do_softirq|common_interrupt)")


def name_of(text):
    """The function of an entry line: "ramdisk_queue_rq [ramdisk]() {"."""
    return text.split("(", 1)[0].split(" ", 1)[0]


def main():
    roots, wanted = set(sys.argv[1].split(",")), int(sys.argv[2])
    depth = {}  # task -> open entries of the kept call, or absent
    skip = {}  # task -> open entries of a dropped interrupt subtree
    done = 0
    for line in sys.stdin:
        m = LINE.search(line)
        if not m:
            continue
        task, _, _, text = m.groups()
        opens, closes = text.endswith("{"), text.startswith("}")
        if task not in depth:
            if opens and name_of(text) in roots:
                depth[task] = 1
                print(line, end="")
            continue
        if skip.get(task):
            skip[task] += opens - closes
            continue
        if not closes and INTERRUPT.match(name_of(text)):
            skip[task] = 1 if opens else 0
            continue
        print(line, end="")
        depth[task] += opens - closes
        if depth[task] == 0:
            del depth[task]
            done += 1
            if done == wanted:
                break
    if not done:
        sys.exit(f"graph-calls.py: no complete call of {sys.argv[1]} in the trace")


if __name__ == "__main__":
    main()
