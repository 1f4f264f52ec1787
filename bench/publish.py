#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""publish.py TABLE MARKER FILE...: puts a table of the latest make
bench between the <!-- MARKER:begin --> and <!-- MARKER:end --> markers of
each FILE, so that no figure in the docs is typed by hand."""
import re
import sys

table = open(sys.argv[1]).read().strip()
marker = re.escape(sys.argv[2])
for path in sys.argv[3:]:
    text = open(path).read()
    new, count = re.subn(rf"(<!-- {marker}:begin -->\n).*?(<!-- {marker}:end -->)",
                         lambda m: m.group(1) + table + "\n" + m.group(2),
                         text, flags=re.S)
    if count != 1:
        sys.exit(f"{path}: expected one {sys.argv[2]}:begin/end pair, found {count}")
    open(path, "w").write(new)
