#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""floor.py RUN_DIR FLOOR_FILE: the deterministic floor of make check.
RUN_DIR holds one instruction-counted bench guest's raw/*.json (ram0 and
the ramdisk devices of FLOOR_FILE, one round); FLOOR_FILE gives, per job
and ramdisk device (bench/devices.sh), the lowest ratio of its throughput
to brd's that may pass. Prints each ratio against its floor; exit status
1 if any is below its floor or missing."""
import importlib.util
import json
import os
import sys

spec = importlib.util.spec_from_file_location(
    "bench_report", os.path.join(os.path.dirname(__file__), "bench-report.py"))
bench_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_report)


def value(run_dir, job, dev):
    path = os.path.join(run_dir, "raw", f"1-{job}-{dev}.json")
    return bench_report.job_metric(job, json.load(open(path))["jobs"][0])[0]


def main(run_dir, floor_file):
    failed = False
    for line in open(floor_file):
        line = line.split("#")[0].split()
        if not line:
            continue
        job, dev, floor = line[0], line[1], float(line[2])
        try:
            ratio = value(run_dir, job, dev) / value(run_dir, job, "ram0")
        except (OSError, KeyError, ValueError, ZeroDivisionError) as err:
            print(f"{job} {dev}: no result ({err})")
            failed = True
            continue
        verdict = "ok" if ratio >= floor else "BELOW"
        failed |= ratio < floor
        print(f"{job}: {dev}/brd {ratio:.3f}, floor {floor:.3f}: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
