#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""params.py KO README: the parameter table in README matches
`modinfo -p KO` exactly (names, descriptions, defaults), in both
directions. Prints the differences; exits 1 if there are any."""
import re
import subprocess
import sys

ko, readme = sys.argv[1], sys.argv[2]
modinfo = {}
for line in subprocess.run(["modinfo", "-p", ko], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    name, text = line.split(":", 1)
    text = re.sub(r" \([a-z]+\)$", "", text)  # modinfo appends the type
    desc, default = text.rsplit(" Default: ", 1)
    modinfo[name] = (desc, default)

table = {}
in_table = False
for line in open(readme):
    if line.startswith("| parameter | meaning | default |"):
        in_table = True
        continue
    if in_table:
        m = re.match(r"\| `(\w+)` \| (.*) \| (.*) \|$", line.rstrip("\n"))
        if not m:
            if line.startswith("|---"):
                continue
            break
        table[m.group(1)] = (m.group(2), m.group(3))

problems = []
for name in sorted(set(modinfo) | set(table)):
    if name not in table:
        problems.append(f"{name}: in modinfo, missing from README")
    elif name not in modinfo:
        problems.append(f"{name}: in README, not a parameter of the module")
    elif table[name] != modinfo[name]:
        problems.append(f"{name}: README says {table[name]}, modinfo says {modinfo[name]}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
