#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: ramdisk against brd and null_blk, side by side in one guest
# boot per kernel, each device filled and then running its jobs, the
# rounds in a different order (bench/guest-bench.sh). Results (fio JSON
# of every run, bench.json, the tables and one chart per kernel) go to
# results/bench-<date>/; the tables and charts are then copied to
# docs/bench/, the main table into README.md and chapter 9, the polled
# and A/B tables into chapter 9, the comparison of the two backing stores
# into chapter 5, and the two-guest NVMe/TCP rows (scripts/net.sh) into
# README.md and chapter 12.
#
# BENCH_CLOCK=icount (the default) runs the guests on QEMU's instruction
# counter: guest time is guest instructions, so a figure is I/Os per
# instruction and repeats from run to run whatever the host is doing; the
# two kernels' guests then run side by side. BENCH_CLOCK=wall runs them
# one after the other with a TCG thread per vCPU, timed by the wall clock.
#
# BENCH_SERIES, ROUNDS (2 under icount, 3 on the wall clock), RUNTIME,
# ALLCPUS_RUNTIME (the all-CPUs jobs') and RAMP (guest time per job, fio's
# units: ICOUNT_RUNTIME, ICOUNT_ALLCPUS_RUNTIME and ICOUNT_RAMP of
# scripts/project.sh under icount, 5, 5 and 1 s on the wall clock),
# SIZE_MIB (128), BENCH_JOBS (sections of fio-jobs/bench.fio) and
# BENCH_DEVICES (bench/devices.sh) narrow or widen a run; a narrowed run
# leaves the docs alone. Each bench/ab/NAME.patch is built into a ramdisk
# of its own, the A/B row ramdisk@NAME. BENCH_NET=0 leaves out the
# two-guest rows; BENCH_NET=only runs them alone and publishes their
# table alone.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top"

"$top/scripts/setup.sh"
"$top/vm/kvm-probe.sh"
build_memcpy_bw

out=$results/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
net=${BENCH_NET:-1}
case $net in 0 | 1 | only) ;; *) echo "bench: BENCH_NET=$net: allowed 0, 1, only" >&2; exit 2 ;; esac
clock=${BENCH_CLOCK:-icount}
case $clock in
# Under icount a second round only confirms that the first repeats.
icount)
	runtime=${RUNTIME:-$ICOUNT_RUNTIME} ramp=${RAMP:-$ICOUNT_RAMP} rounds=${ROUNDS:-2}
	allcpus_runtime=${ALLCPUS_RUNTIME:-$ICOUNT_ALLCPUS_RUNTIME}
	;;
wall) runtime=${RUNTIME:-5} ramp=${RAMP:-1} rounds=${ROUNDS:-3} allcpus_runtime=${ALLCPUS_RUNTIME:-$runtime} ;;
*) echo "bench: BENCH_CLOCK=$clock: allowed icount, wall" >&2; exit 2 ;;
esac

# build_ab SERIES: ramdisk.ko with each bench/ab/*.patch applied.
build_ab() {
	local patch dir f
	for patch in "$top"/bench/ab/*.patch; do
		[ -e "$patch" ] || continue
		dir=$(ab_build_dir "$KVER" "$(basename "$patch" .patch)")
		rm -rf "$dir"
		mkdir -p "$dir"
		for f in $MODULE_FILES; do cp "$top/$f" "$dir/"; done
		patch -s -p1 -d "$dir" <"$patch"
		make -s -C "$KDIR" M="$dir" modules 2>&1 | kbuild_output >/dev/null
		[ -e "$dir/ramdisk.ko" ] || { echo "bench: $patch does not build" >&2; return 1; }
	done
}

# bench_guest SERIES: one bench guest, its results in $out/SERIES.
bench_guest() {
	local s=$1
	load_kernel "$s"
	echo "# bench on $KVER ($clock clock)"
	GUEST_CLOCK=$clock GUEST_MEMORY_CHECKS=off TCG_THREAD=multi "$top/vm/guest.sh" -q -m 2048 -t 4000 \
		"$s" "$out/$s" \
		"BENCH_OUT=$out/$s ROUNDS=$rounds RUNTIME=$runtime RAMP=$ramp" \
		"ALLCPUS_RUNTIME=$allcpus_runtime" \
		"SIZE_MIB=${SIZE_MIB:-128} BENCH_JOBS='${BENCH_JOBS:-}'" \
		"BENCH_DEVICES='${BENCH_DEVICES:-}'" bench/guest-bench.sh || return 1
	echo "$KVER" >"$out/$s/kernel"
	echo "$clock" >"$out/$s/clock"
}

pids=()
for s in ${BENCH_SERIES:-${SERIES[*]}}; do
	build_module "$s" >/dev/null
	load_kernel "$s"
	build_ab "$s"
	[ "$net" != only ] || continue
	# Under icount a guest's figures do not depend on what else runs.
	if [ "$clock" = icount ]; then
		bench_guest "$s" &
		pids+=($!)
	else
		bench_guest "$s"
	fi
done
for pid in "${pids[@]}"; do
	wait "$pid" || { echo "bench: a guest failed; see $out" >&2; exit 1; }
done
if [ "$net" != 0 ]; then
	for s in ${BENCH_SERIES:-${SERIES[*]}}; do
		load_kernel "$s"
		# Through NVMe/TCP from a second guest against the disk itself.
		echo "# two guests on $KVER: 4k and 1M remote and local (scripts/net.sh)"
		NET_BENCH=1 RUNTIME=${RUNTIME:-5} "$top/scripts/net.sh" "$s" "$out/$s-net"
		# Each side's one test file passed: two top-level "ok" lines.
		if [ "$(cat "$out/$s-net"/{target,initiator}/output.txt 2>/dev/null |
			grep -c '^ok ')" -ne 2 ]; then
			echo "bench: the two-guest run failed; see $out/$s-net" >&2
			exit 1
		fi
		echo "$KVER" >"$out/$s-net/kernel"
	done
fi

[ "$net" = only ] || python3 "$top/bench/bench-report.py" "$out"
[ "$net" = 0 ] || python3 "$top/bench/net-report.py" "$out"
# A run narrowed to one kernel or some jobs would leave the docs with part
# of a table: they take whole runs.
if [ -z "${BENCH_SERIES:-}${BENCH_JOBS:-}${BENCH_DEVICES:-}" ]; then
	mkdir -p docs/bench
	if [ "$net" != only ]; then
		cp "$out"/table.md "$out"/table-pages.md "$out"/table-paths.md \
			"$out"/table-polled.md "$out"/table-ab.md "$out"/chart-*.png \
			docs/bench/
		python3 "$top/bench/publish.py" "$out/table.md" bench README.md \
			chapter-notes/09-many-queues.md
		python3 "$top/bench/publish.py" "$out/table-polled.md" bench-polled \
			chapter-notes/09-many-queues.md
		python3 "$top/bench/publish.py" "$out/table-ab.md" bench-ab \
			chapter-notes/09-many-queues.md
		python3 "$top/bench/publish.py" "$out/table-pages.md" \
			bench-pages chapter-notes/05-backing-store.md
		python3 "$top/bench/publish.py" "$out/table-paths.md" \
			bench-paths chapter-notes/04-two-ways-to-take-io.md
	fi
	if [ "$net" != 0 ]; then
		cp "$out"/table-net.md docs/bench/
		python3 "$top/bench/publish.py" "$out/table-net.md" bench-net README.md \
			chapter-notes/12-beyond-one-machine.md
	fi
fi
echo "# results: $out"
