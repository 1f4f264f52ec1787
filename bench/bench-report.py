#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns a make bench run (results/bench-*/<series>/raw/*.json) into
bench.json (every run, plus medians), table.md (the main comparison),
table-pages.md (the two backing stores), table-paths.md (blk-mq against
bio), table-polled.md (polled I/O), table-ab.md (ramdisk's variants) and
chart-<series>.png."""
import glob
import json
import os
import statistics
import subprocess
import sys
import datetime

# The devices of the main table, in its column order.
MAIN_DEVICES = ["ramdisk", "ramdisk+pages", "ramdisk+bio", "ramdisk+bio+pages",
                "ram0", "nullb0"]


def job_metric(job_name, job):
    """(value, unit, p50 us, p99 us) of one fio job result."""
    sides = []
    if "read" in job_name or "randrw" in job_name:
        sides.append(job["read"])
    if "write" in job_name or "randrw" in job_name:
        sides.append(job["write"])
    sides = [s for s in sides if s["io_bytes"] > 0]
    lat = sides[0]["clat_ns"]["percentile"]
    p50, p99 = lat["50.000000"] / 1000, lat["99.000000"] / 1000
    if job_name.startswith(("seq", "firstwrite")):
        return sum(s["bw"] for s in sides) / 1024, "MiB/s", p50, p99
    return sum(s["iops"] for s in sides), "IOPS", p50, p99


def spread(values):
    med = statistics.median(values)
    return 100 * (max(values) - min(values)) / med if med else 0


def main(out):
    report = {"date": datetime.date.today().isoformat(), "kernels": {}}
    rows = []
    for series_dir in sorted(glob.glob(os.path.join(out, "*/raw"))):
        series = os.path.basename(os.path.dirname(series_dir))
        kdir = os.path.dirname(series_dir)
        kernel = open(os.path.join(kdir, "kernel")).read().strip()
        clock = open(os.path.join(kdir, "clock")).read().strip()
        ncpu = int(open(os.path.join(kdir, "ncpu")).read())
        memcpy = dict(line.split() for line in open(os.path.join(kdir, "memcpy.txt")))
        runs = {}
        for path in sorted(glob.glob(os.path.join(series_dir, "*.json"))):
            rnd, rest = os.path.basename(path)[:-5].split("-", 1)
            job, dev = rest.rsplit("-", 1)
            data = json.load(open(path))
            value, unit, p50, p99 = job_metric(job, data["jobs"][0])
            runs.setdefault(job, {}).setdefault(dev, []).append(
                {"round": int(rnd), "value": value, "unit": unit,
                 "p50_us": p50, "p99_us": p99})
        kern = {"kernel": kernel, "clock": clock, "ncpu": ncpu,
                "memcpy_mibs": {k: float(v) for k, v in memcpy.items()}, "jobs": {}}
        for job, devs in runs.items():
            summary = {}
            for dev in devs:
                vals = [r["value"] for r in devs.get(dev, [])]
                if not vals:
                    continue
                summary[dev] = {
                    "median": statistics.median(vals),
                    "spread_pct": spread(vals),
                    "p50_us": statistics.median(r["p50_us"] for r in devs[dev]),
                    "p99_us": statistics.median(r["p99_us"] for r in devs[dev]),
                    "unit": devs[dev][0]["unit"],
                    "runs": devs[dev],
                }
            kern["jobs"][job] = summary
            rows.append((series, kernel, job, summary, kern["memcpy_mibs"]))
        report["kernels"][series] = kern
    json.dump(report, open(os.path.join(out, "bench.json"), "w"), indent=1)
    write_table(out, report, rows)
    for series, kern in report["kernels"].items():
        write_chart(out, series, kern)


JOB_ORDER = ["firstwrite-1m", "randread-4k-qd1", "randwrite-4k-qd1", "randread-4k-qd32",
             "randwrite-4k-qd32", "randread-4k-qd32-uring", "randwrite-4k-qd32-uring",
             "randread-4k-qd32-allcpus",
             "randwrite-4k-qd32-allcpus", "randrw-70-30-4k-qd32",
             "seqread-128k", "seqwrite-128k", "seqread-1m", "seqwrite-1m"]


def ordered(jobs):
    return sorted(jobs, key=lambda j: JOB_ORDER.index(j) if j in JOB_ORDER else 99)


def complete(summary):
    """Whether a job ran on every device: in a run narrowed by BENCH_JOBS,
    the tracing runs may be all a job has."""
    return all(dev in summary for dev in MAIN_DEVICES)


def write_table(out, report, rows):
    lines = [measured(report), ""]
    for series, kern in report["kernels"].items():
        mc = kern["memcpy_mibs"]
        lines += [f"**{kern['kernel']}**, {vcpus(kern)} "
                  f"(guest memcpy: {mc['memcpy_4k_mibs']:.0f} MiB/s "
                  f"in 4 KiB blocks, {mc['memcpy_1m_mibs']:.0f} MiB/s in 1 MiB blocks)", "",
                  "| job | ramdisk | p50/p99 µs | pages | bio | bio pages | brd | null_blk "
                  "| ramdisk/brd | ramdisk/null_blk | pages/brd | bio/brd | bio pages/brd "
                  "| spread r/p/B/P/b/n |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for job in ordered(kern["jobs"]):
            s = kern["jobs"][job]
            if not complete(s):
                continue
            r, p, rb, pb, b, n = (s[d] for d in MAIN_DEVICES)
            unit = r["unit"]
            extra = ""
            if unit == "MiB/s":
                extra = f" ({r['median'] / mc['memcpy_1m_mibs']:.2f}× memcpy)"
            lines.append(
                f"| {job} | {r['median']:.0f} {unit}{extra} | {r['p50_us']:.0f}/{r['p99_us']:.0f} "
                f"| {p['median']:.0f} | {rb['median']:.0f} | {pb['median']:.0f} "
                f"| {b['median']:.0f} | {n['median']:.0f} "
                f"| {r['median'] / b['median']:.2f} | {r['median'] / n['median']:.2f} "
                f"| {p['median'] / b['median']:.2f} | {rb['median'] / b['median']:.2f} "
                f"| {pb['median'] / b['median']:.2f} "
                "| " + "/".join(f"{d['spread_pct']:.1f}" for d in (r, p, rb, pb, b, n)) + "% |")
        lines += ["", "ramdisk is the default linear store, on blk-mq "
                  "(`queue_mode=mq`); pages is ramdisk with `backing=pages`; "
                  "bio and bio pages are the same two stores with "
                  "`queue_mode=bio`, bios taken straight from submit_bio as "
                  "brd takes them. "
                  "firstwrite-1m is one pass over freshly loaded "
                  "devices: for pages, brd and null_blk it includes allocating "
                  "every page. ramdisk keeps I/O statistics (iostats=1) and brd "
                  "none; table-ab.md has ramdisk with iostats=0."]
        # firstwrite-1m only fills the traced device, with the event off.
        traced = [(job, s) for job, s in kern["jobs"].items()
                  if "ramdisk+trace" in s and "ramdisk" in s and job != "firstwrite-1m"]
        if traced:
            lines += ["", "With the `ramdisk:ramdisk_rq_done` event recording "
                      "(the rows above have it off):", ""]
            for job, s in traced:
                on, off = s["ramdisk+trace"]["median"], s["ramdisk"]["median"]
                lines.append(f"- {job}: {on:.0f} IOPS, {on / off:.2f}× the untraced run")
        lines.append("")
    open(os.path.join(out, "table.md"), "w").write("\n".join(lines))
    write_pages_table(out, report)
    write_paths_table(out, report)
    write_polled_table(out, report)
    write_ab_table(out, report)


def measured(report):
    """What the figures are, for the line above each table."""
    clocks = {k["clock"] for k in report["kernels"].values()}
    text = (f"Measured {report['date']} by `make bench` in QEMU guests under TCG, "
            f"one boot per kernel, every device in the same boot. Medians of "
            f"the rounds; spread is (max-min)/median across rounds. The guests "
            f"boot without the tests' slab checks and page poisoning, as "
            f"users' kernels do. ")
    if clocks == {"icount"}:
        return text + (
            "Guest time is QEMU's instruction counter (`-icount shift=0`): one "
            "nanosecond per guest instruction, so IOPS here are I/Os per "
            "billion guest instructions, and the same run gives the same "
            "figures on any host. What that cannot show: cache and memory "
            "effects (every instruction weighs the same), parallelism (vCPUs "
            "take turns, so an all-CPUs job gives total instructions per I/O), "
            "and the copy's real cost: `rep movsb` counts once per byte, and "
            "6.1's memcpy uses it on this CPU model (ERMS without FSRM) while "
            "6.12's does not. Compare ratios within a kernel, not across "
            "kernels.")
    return text + ("Timed by the wall clock: the absolute figures mean little, "
                   "and the spread shows how far to trust a ratio.")


def vcpus(kern):
    if kern["clock"] == "icount" and kern["ncpu"] == 1:
        return "1 vCPU (6.1 hangs bringing up a second one under icount)"
    return f"{kern['ncpu']} vCPUs"


POLLED_JOBS = ["randread-4k-qd32", "randwrite-4k-qd32"]


def write_polled_table(out, report):
    """Polled io_uring against interrupt-style io_uring and libaio, and
    against brd's best non-polled engine: brd has no polled queues."""
    lines = [measured(report), ""]
    for kern in report["kernels"].values():
        jobs = kern["jobs"]
        lines += [f"**{kern['kernel']}**, {vcpus(kern)}", "",
                  "| job | ramdisk libaio | ramdisk io_uring | ramdisk polled | brd libaio "
                  "| brd io_uring | null_blk polled | polled/brd best | "
                  "polled/io_uring | null_blk/ramdisk polled | spread |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for job in POLLED_JOBS:
            try:
                cells = [jobs[job]["ramdisk"], jobs[job + "-uring"]["ramdisk"],
                         jobs[job + "-polled"]["ramdisk"], jobs[job]["ram0"],
                         jobs[job + "-uring"]["ram0"], jobs[job + "-polled"]["nullb0"]]
            except KeyError:
                continue
            v = [c["median"] for c in cells]
            brd_best = max(v[3], v[4])
            lines.append(
                f"| {job} | " + " | ".join(f"{x:.0f}" for x in v) +
                f" | {v[2] / brd_best:.2f} | {v[2] / v[1]:.2f} | {v[5] / v[2]:.2f} | "
                + "/".join(f"{c['spread_pct']:.1f}" for c in cells) + "% |")
        lines.append("")
    lines += ["IOPS. Polled: fio's io_uring with `hipri=1` on a ring set up with "
              "IORING_SETUP_IOPOLL, on ramdisk and null_blk loaded with a polled "
              "queue per CPU. brd has no polled queues: 6.12 fails a polled "
              "bio to it (EOPNOTSUPP), 6.1 serves it unpolled, so its best "
              "non-polled row is the baseline.", ""]
    open(os.path.join(out, "table-polled.md"), "w").write("\n".join(lines))


AB_JOBS = ["randread-4k-qd32", "randwrite-4k-qd32", "seqread-128k", "seqwrite-128k"]
AB_ROWS = [("ramdisk%nomerges", "sysfs nomerges=2: no merging"),
           ("ramdisk%noiostats", "sysfs iostats=0: no I/O statistics"),
           ("ramdisk%nowbt", "sysfs wbt_lat_usec=0: no writeback throttling"),
           ("ramdisk@no_queue_rqs", "no ->queue_rqs"),
           ("ramdisk@queue_rqs_unbatched", "->queue_rqs without blk_mq_end_request_batch()"),
           ("ramdisk@no_merge_flag", "no BLK_MQ_F_SHOULD_MERGE")]


def write_ab_table(out, report):
    """Each variant of ramdisk against ramdisk as it is, same boot."""
    lines = [measured(report), ""]
    for kern in report["kernels"].values():
        jobs = kern["jobs"]
        if not all(j in jobs and "ramdisk" in jobs[j] for j in AB_JOBS):
            continue
        lines += [f"**{kern['kernel']}**, {vcpus(kern)}", "",
                  "| ramdisk | " + " | ".join(AB_JOBS) + " | spread |",
                  "|---|" + "---|" * (len(AB_JOBS) + 1)]
        base = [jobs[j]["ramdisk"] for j in AB_JOBS]
        lines.append("| as it is (IOPS or MiB/s) | " +
                     " | ".join(f"{b['median']:.0f}" for b in base) + " | " +
                     "/".join(f"{b['spread_pct']:.1f}" for b in base) + "% |")
        lines.append("| ratio to brd | " + " | ".join(
            f"{jobs[j]['ramdisk']['median'] / jobs[j]['ram0']['median']:.3f}"
            for j in AB_JOBS) + " | |")
        for dev, text in AB_ROWS:
            if not all(dev in jobs[j] for j in AB_JOBS):
                continue
            cells = [jobs[j][dev] for j in AB_JOBS]
            lines.append(f"| {text} | " + " | ".join(
                f"{c['median'] / b['median']:.3f}" for c, b in zip(cells, base)) + " | " +
                "/".join(f"{c['spread_pct']:.1f}" for c in cells) + "% |")
        lines.append("")
    lines += ["Each variant's row is its figure divided by ramdisk's as it is, "
              "in the same boot: above 1 the variant is cheaper. The `%` rows "
              "change one sysfs knob of the queue after loading; the `@` rows "
              "are ramdisk built with bench/ab/NAME.patch.", ""]
    open(os.path.join(out, "table-ab.md"), "w").write("\n".join(lines))


PAGES_JOBS = ["firstwrite-1m", "randread-4k-qd32", "randwrite-4k-qd32",
              "seqread-1m", "seqwrite-1m"]


def job_rows(kern, jobs, devices, row):
    """The table rows of one kernel: per job of jobs that ran on every
    device, row(job, unit, medians of devices)."""
    rows = []
    for job in jobs:
        s = kern["jobs"].get(job)
        if s and complete(s):
            rows.append(row(job, s[devices[0]]["unit"],
                            [s[d]["median"] for d in devices]))
    return rows


def write_pages_table(out, report):
    """The two backing stores side by side, for chapter 5."""
    lines = [measured(report), ""]
    for kern in report["kernels"].values():
        lines += [f"**{kern['kernel']}**", "",
                  "| job | linear | pages | brd | linear/brd | pages/brd | pages/linear |",
                  "|---|---|---|---|---|---|---|"]
        lines += job_rows(kern, PAGES_JOBS, ["ramdisk", "ramdisk+pages", "ram0"],
                          lambda job, unit, m: f"| {job} ({unit}) | {m[0]:.0f} | {m[1]:.0f} "
                          f"| {m[2]:.0f} | {m[0] / m[2]:.2f} | {m[1] / m[2]:.2f} "
                          f"| {m[1] / m[0]:.2f} |")
        lines.append("")
    open(os.path.join(out, "table-pages.md"), "w").write("\n".join(lines))


PATHS_JOBS = ["randread-4k-qd1", "randwrite-4k-qd1", "randread-4k-qd32",
              "randwrite-4k-qd32", "randrw-70-30-4k-qd32", "seqread-128k",
              "seqwrite-128k", "seqread-1m", "seqwrite-1m"]


def write_paths_table(out, report):
    """ramdisk's two ways to take I/O against brd, for chapter 4."""
    lines = [measured(report), ""]
    for kern in report["kernels"].values():
        lines += [f"**{kern['kernel']}**, {vcpus(kern)}", "",
                  "| job | mq | bio | brd | mq/brd | bio/brd | bio pages/brd | bio/mq |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += job_rows(kern, PATHS_JOBS,
                          ["ramdisk", "ramdisk+bio", "ramdisk+bio+pages", "ram0"],
                          lambda job, unit, m: f"| {job} ({unit}) | {m[0]:.0f} | {m[1]:.0f} "
                          f"| {m[3]:.0f} | {m[0] / m[3]:.2f} | {m[1] / m[3]:.2f} "
                          f"| {m[2] / m[3]:.2f} | {m[1] / m[0]:.2f} |")
        lines.append("")
    lines += ["mq is ramdisk as loaded by default, bio the same linear store "
              "with `queue_mode=bio`, bio pages `queue_mode=bio backing=pages` "
              "(brd's kind of store).", ""]
    open(os.path.join(out, "table-paths.md"), "w").write("\n".join(lines))


def write_chart(out, series, kern):
    data = os.path.join(out, f"chart-{series}.dat")
    with open(data, "w") as f:
        for job in ordered(kern["jobs"]):
            s = kern["jobs"][job]
            if not complete(s):
                continue
            b = s["ram0"]["median"]
            f.write(f"{job} " + " ".join(f"{s[d]['median'] / b:.3f}" for d in MAIN_DEVICES)
                    + "\n")
    png = os.path.join(out, f"chart-{series}.png")
    script = f"""
set terminal pngcairo size 1000,480 font ",10"
set output '{png}'
set title "{kern['kernel']}: throughput relative to brd (higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set yrange [0:*]
set grid ytics
set key top right
plot '{data}' using 2:xtic(1) title 'ramdisk', '' using 3 title 'ramdisk pages', \\
     '' using 4 title 'ramdisk bio', '' using 5 title 'ramdisk bio pages', \\
     '' using 6 title 'brd', '' using 7 title 'null\\_blk'
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


if __name__ == "__main__":
    main(sys.argv[1])
