#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a bench guest (see scripts/bench.sh): loads ramdisk (with
# each backing store), brd and null_blk at the same capacity, times the
# first write over each fresh device, and runs every job of
# fio-jobs/bench.fio against every device, interleaved, ROUNDS times.
# Writes one fio JSON per run to $BENCH_OUT/raw/ and the memcpy ceiling to
# $BENCH_OUT/memcpy.txt. Then measures what the tracepoint costs when on.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
: "${BENCH_OUT:?}" "${ROUNDS:=3}" "${RUNTIME:=5}" "${SIZE_MIB:=256}"
raw=$BENCH_OUT/raw
mkdir -p "$raw"

. bench/devices.sh

# run ROUND JOB DEVICE: one fio job, its JSON kept under raw/.
run() {
	FILENAME=/dev/$(node "$3") NCPU=$ncpu RUNTIME=$RUNTIME fio \
		--section="$2" --output-format=json \
		--output="$raw/$1-$2-$3.json" fio-jobs/bench.fio
}

# use DEVICE: makes sure it is loaded and full. Prefilled because brd and
# null_blk answer reads of never-written blocks without copying, which
# would flatter them; for ramdisk this means a reload when the other
# store is loaded.
use() {
	case $1 in
	ramdisk) [ "$ramdisk_mode" = linear ] && return 0 ;;
	ramdisk+pages) [ "$ramdisk_mode" = pages ] && return 0 ;;
	*) return 0 ;;
	esac
	fresh "$1"
	dd if=/dev/urandom of=/dev/ramdisk bs=1M count="$SIZE_MIB" oflag=direct status=none
}

"$top/.cache/build/memcpy-bw" 2 >"$BENCH_OUT/memcpy.txt"
cat "$BENCH_OUT/memcpy.txt"

jobs=${BENCH_JOBS:-$(sed -n 's/^\[\(.*\)\]$/\1/p' fio-jobs/bench.fio |
	grep -v -e '^global$' -e '^firstwrite-1m$')}
devices=(ramdisk ramdisk+pages ram0 nullb0)
ndev=${#devices[@]}
for round in $(seq "$ROUNDS"); do
	# Rotate the order each round so no device always runs first. Each
	# round starts from fresh devices; the first pass fills them.
	for k in $(seq 0 $((ndev - 1))); do
		d=${devices[$(((k + round) % ndev))]}
		fresh "$d"
		run "$round" firstwrite-1m "$d"
	done
	for d in "${devices[@]}"; do
		echo "$d: $(blockdev --getsize64 "/dev/$(node "$d")") bytes, scheduler $(cat "/sys/block/$(node "$d")/queue/scheduler")"
	done
	echo "round $round: firstwrite-1m done"
	for job in $jobs; do
		for k in $(seq 0 $((ndev - 1))); do
			d=${devices[$(((k + round) % ndev))]}
			use "$d"
			run "$round" "$job" "$d"
		done
		echo "round $round: $job done"
	done
done

# The cost of the driver's tracepoint: the same jobs on ramdisk with the
# ramdisk_rq_done event recording into the ring buffer, against the runs
# above, where it is off (a patched-out jump).
event=/sys/kernel/tracing/events/ramdisk/ramdisk_rq_done/enable
use ramdisk
for round in $(seq "$ROUNDS"); do
	for job in randread-4k-qd32 randwrite-4k-qd32; do
		echo 1 >$event
		FILENAME=/dev/ramdisk NCPU=$ncpu RUNTIME=$RUNTIME fio \
			--section="$job" --output-format=json \
			--output="$raw/$round-$job-ramdisk+trace.json" fio-jobs/bench.fio
		echo 0 >$event
		echo "round $round: $job with tracing done"
	done
done
