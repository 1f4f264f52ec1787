#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kmemleak-report.py FILE: judges the kmemleak reports a debug guest
wrote (tests/run.sh kmemleak_scan, one section per test file).

A report is the driver's when its allocation backtrace names ramdisk, or
holds a bare address in module space: the frames of a module that was
unloaded before the scan print as bare addresses, and the tests load and
unload ramdisk in every case. Those reports go to stdout and make the exit
status 1. The rest (the core kernel's, or a loaded in-tree module's) are
summarised on stderr, one line per call site and test file.
"""
import re
import sys
from collections import Counter

# x86_64 modules live from 0xffffffffa0000000 up; kernel text below.
BARE_MODULE_ADDRESS = re.compile(r"^(0x)?ffffffff[a-f][0-9a-f]{7}$")
FRAME = re.compile(r"^\s+(\[<[0-9a-f]+>\]\s+)?(\S+)")
SKIPPED_FRAMES = re.compile(r"^(kmemleak_|__kmalloc|kmalloc|kmem_cache_alloc|"
                            r"__kmem_cache|slab_|__slab|kvmalloc|__vmalloc|"
                            r"vmalloc|__alloc_pages|alloc_pages|"
                            r"__kasan|kasan_|0x)")


def reports(lines):
    """Yields (test file, report lines) for each report."""
    test, block = "?", []
    for line in lines:
        if line.startswith("== after "):
            if block:
                yield test, block
            test, block = line[len("== after "):].strip(), []
        elif line.startswith("unreferenced object"):
            if block:
                yield test, block
            block = [line]
        elif block:
            block.append(line)
    if block:
        yield test, block


def frames(block):
    """The functions (or bare addresses) of the report's backtrace."""
    in_trace = False
    for line in block:
        if line.strip().startswith("backtrace"):
            in_trace = True
            continue
        match = FRAME.match(line) if in_trace else None
        if match:
            yield match.group(2).split("+")[0]


def is_ours(block):
    return (any(BARE_MODULE_ADDRESS.match(f) for f in frames(block))
            or any("ramdisk" in line for line in block))


def call_site(block):
    """The first frame of the backtrace past the allocator's own."""
    return next((f for f in frames(block) if not SKIPPED_FRAMES.match(f)), "?")


def main():
    with open(sys.argv[1], errors="replace") as f:
        lines = f.read().splitlines()
    ours, elsewhere = [], Counter()
    for test, block in reports(lines):
        if is_ours(block):
            ours.append(f"after {test}:\n" + "\n".join(block))
        else:
            elsewhere[(call_site(block), test)] += 1
    for (site, test), count in sorted(elsewhere.items()):
        print(f"kmemleak elsewhere: {count} object(s) from {site},"
              f" after {test}", file=sys.stderr)
    if ours:
        print("\n".join(ours))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
