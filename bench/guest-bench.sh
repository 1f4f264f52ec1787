#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a bench guest (see scripts/bench.sh): loads each device of
# bench/devices.sh in turn at the same capacity, fills it with one pass of
# firstwrite-1m (timed: the first write over a fresh device), and runs its
# jobs of fio-jobs/bench.fio; ROUNDS times, the devices in a different
# order each round. Writes one fio JSON per run to $BENCH_OUT/raw/, the
# guest's CPU count to $BENCH_OUT/ncpu and the memcpy ceiling to
# $BENCH_OUT/memcpy.txt.
#
# BENCH_JOBS and BENCH_DEVICES narrow a run to some sections and devices.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
: "${BENCH_OUT:?}" "${ROUNDS:=3}" "${RUNTIME:=5}" "${RAMP:=1}" "${SIZE_MIB:=128}"
: "${ALLCPUS_RUNTIME:=$RUNTIME}"
raw=$BENCH_OUT/raw
mkdir -p "$raw"

. bench/devices.sh
echo "$ncpu" >"$BENCH_OUT/ncpu"

"$(memcpy_bw)" 2 >"$BENCH_OUT/memcpy.txt"
cat "$BENCH_OUT/memcpy.txt"

# One job per line.
jobs=$(tr ' ' '\n' <<<"${BENCH_JOBS:-$(sed -n 's/^\[\(.*\)\]$/\1/p' fio-jobs/bench.fio |
	grep -v -e '^global$' -e '^firstwrite-1m$')}")
# With one vCPU the all-CPUs jobs are the QD32 ones again.
[ "$ncpu" -gt 1 ] || jobs=$(grep -v -- -allcpus <<<"$jobs")
if [ -n "${BENCH_DEVICES:-}" ]; then
	read -ra devices <<<"$BENCH_DEVICES"
else
	devices=(ramdisk ramdisk+pages ramdisk+bio ramdisk+bio+pages ram0 nullb0
		ramdisk+trace
		ramdisk%nomerges ramdisk%noiostats ramdisk%nowbt)
	for p in bench/ab/*.patch; do
		[ -e "$p" ] && devices+=("ramdisk@$(basename "$p" .patch)")
	done
fi

# jobs_of DEVICE: the jobs it runs. The four main devices run the whole
# table, less polling where a device has no polled queues; the variants
# of ramdisk, the rows where their difference can show.
jobs_of() {
	case $1 in
	ramdisk | nullb0) cat ;;
	ramdisk+pages | ramdisk+bio+pages) grep -v -e -uring -e -polled ;;
	ram0 | ramdisk+bio) grep -v -e -polled ;;
	ramdisk+trace) grep -x -e randread-4k-qd32 -e randwrite-4k-qd32 ;;
	*) grep -x -e randread-4k-qd32 -e randwrite-4k-qd32 -e seqread-128k \
		-e seqwrite-128k ;;
	esac <<<"$jobs" || true
}

# run ROUND JOB DEVICE: one fio job, its JSON kept under raw/.
run() {
	local runtime=$RUNTIME
	[[ $2 != *-allcpus ]] || runtime=$ALLCPUS_RUNTIME
	FILENAME=/dev/$(node "$3") NCPU=$ncpu RUNTIME=$runtime RAMP=$RAMP fio \
		--section="$2" --output-format=json \
		--output="$raw/$1-$2-$3.json" fio-jobs/bench.fio
}

event=/sys/kernel/tracing/events/ramdisk/ramdisk_rq_done/enable
ndev=${#devices[@]}
for round in $(seq "$ROUNDS"); do
	for k in $(seq 0 $((ndev - 1))); do
		d=${devices[$(((k + round) % ndev))]}
		fresh "$d"
		# Fills the device: brd and null_blk answer reads of
		# never-written blocks without copying, which would flatter them.
		run "$round" firstwrite-1m "$d"
		[ "$d" != ramdisk+trace ] || echo 1 >$event
		for job in $(jobs_of "$d"); do
			run "$round" "$job" "$d"
		done
		[ "$d" != ramdisk+trace ] || echo 0 >$event
		echo "round $round: $d done"
	done
done
