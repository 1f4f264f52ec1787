#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a bench guest (see scripts/bench.sh): loads ramdisk, brd and
# null_blk at the same capacity, prefills them, and runs every job of
# fio-jobs/bench.fio against every device, interleaved, ROUNDS times.
# Writes one fio JSON per run to $BENCH_OUT/raw/ and the memcpy ceiling to
# $BENCH_OUT/memcpy.txt. Then measures what the tracepoint costs when on.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
: "${BENCH_OUT:?}" "${ROUNDS:=3}" "${RUNTIME:=3}" "${SIZE_MIB:=256}"
ncpu=$(nproc)
raw=$BENCH_OUT/raw
mkdir -p "$raw"

insmod ".cache/build/$(uname -r)/ramdisk.ko" size=${SIZE_MIB}M
modprobe brd rd_nr=1 rd_size=$((SIZE_MIB * 1024)) max_part=0
modprobe null_blk nr_devices=0
nb=/sys/kernel/config/nullb/nullb0
mkdir $nb
echo $SIZE_MIB >$nb/size
echo 1 >$nb/memory_backed
echo 2 >$nb/queue_mode
echo 0 >$nb/irqmode
echo "$ncpu" >$nb/submit_queues
echo 4096 >$nb/blocksize
echo 1 >$nb/power
for d in ramdisk ram0 nullb0; do
	for i in $(seq 50); do [ -b /dev/$d ] && break; sleep 0.1; done
	# Prefill: brd and null_blk answer reads of holes without copying.
	dd if=/dev/urandom of=/dev/$d bs=1M count=$SIZE_MIB oflag=direct status=none
	echo "$d: $(blockdev --getsize64 /dev/$d) bytes, scheduler $(cat /sys/block/$d/queue/scheduler)"
done

"$top/.cache/tools/memcpy-bw" 2 >"$BENCH_OUT/memcpy.txt"
cat "$BENCH_OUT/memcpy.txt"

jobs=${BENCH_JOBS:-$(sed -n 's/^\[\(.*\)\]$/\1/p' fio-jobs/bench.fio | grep -v '^global$')}
devices=(ramdisk ram0 nullb0)
for round in $(seq "$ROUNDS"); do
	for job in $jobs; do
		# Rotate the order each round so no device always runs first.
		for k in 0 1 2; do
			d=${devices[$(((k + round) % 3))]}
			FILENAME=/dev/$d NCPU=$ncpu RUNTIME=$RUNTIME fio \
				--section="$job" --output-format=json \
				--output="$raw/$round-$job-$d.json" fio-jobs/bench.fio
		done
		echo "round $round: $job done"
	done
done

# The cost of the driver's tracepoint: the same jobs on ramdisk with the
# ramdisk_rq_done event recording into the ring buffer, against the runs
# above, where it is off (a patched-out jump).
event=/sys/kernel/tracing/events/ramdisk/ramdisk_rq_done/enable
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
