#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""notes.py: chapter-notes/ stay true to the code. Every function the notes
name as ramdisk_*() exists in the driver's sources, and every block tagged
`c excerpt` appears in them verbatim (tabs and all). README links every
chapter, in order, and the page store's reserve, "1/N of RAM" in the
prose, is the N of RAMDISK_PAGES_RESERVE_FRACTION. Prints what drifted;
exits 1 if anything did."""
import glob
import os
import re
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The driver's sources, as scripts/project.sh lists them.
names = subprocess.run(["sh", "-c", '. "$1/scripts/project.sh" && echo $DRIVER_SOURCES',
                        "sh", top], capture_output=True, text=True, check=True).stdout.split()
sources = "".join(open(os.path.join(top, f)).read() for f in names)
defined = set(re.findall(r"\b(ramdisk_\w+)\(", sources))
problems = []
chapters = sorted(glob.glob(os.path.join(top, "chapter-notes", "[0-9]*.md")))
for path in chapters:
    name = os.path.basename(path)
    text = open(path).read()
    for fn in sorted(set(re.findall(r"`(ramdisk_\w+)\(\)`", text))):
        if fn not in defined:
            problems.append(f"{name}: names {fn}(), which the driver does not have")
    for excerpt in re.findall(r"```c excerpt\n(.*?)```", text, re.S):
        if excerpt not in sources:
            problems.append(f"{name}: excerpt not found in the sources:\n{excerpt}")
readme = open(os.path.join(top, "README.md")).read()
links = re.findall(r"\(chapter-notes/([0-9][^)]*\.md)\)", readme)
if links != [os.path.basename(c) for c in chapters]:
    problems.append(f"README links {links}, chapters are "
                    f"{[os.path.basename(c) for c in chapters]}")
fraction = re.search(r"#define RAMDISK_PAGES_RESERVE_FRACTION (\d+)", sources).group(1)
for path in [os.path.join(top, "README.md")] + chapters:
    for stated in re.findall(r"\b1/(\d+) of (?:its )?RAM", open(path).read()):
        if stated != fraction:
            problems.append(f"{os.path.basename(path)}: says 1/{stated} of RAM, "
                            f"RAMDISK_PAGES_RESERVE_FRACTION is {fraction}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
