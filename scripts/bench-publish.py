#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-publish.py TABLE FILE...: puts the table of the latest make bench
between the <!-- bench:begin --> and <!-- bench:end --> markers of each
FILE, so that no figure in the docs is typed by hand."""
import re
import sys

table = open(sys.argv[1]).read().strip()
for path in sys.argv[2:]:
    text = open(path).read()
    new, count = re.subn(r"(<!-- bench:begin -->\n).*?(<!-- bench:end -->)",
                         lambda m: m.group(1) + table + "\n" + m.group(2),
                         text, flags=re.S)
    if count != 1:
        sys.exit(f"{path}: expected one bench:begin/bench:end pair, found {count}")
    open(path, "w").write(new)
