#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio writes and verifies the raw device from every CPU at once (so every
# hardware queue carries I/O), block sizes from 512 bytes to 1 MiB.
. "$(dirname "$0")/lib.sh"

JOBS=$top/fio-jobs/verify-raw.fio

# run_section SECTION: runs one section of the job file against /dev/ramdisk.
run_section() {
	local out
	out=$(FILENAME=$DEV NCPU=$NCPU fio --section="$1" \
		--output-format=terse --terse-version=3 "$JOBS" 2>&1) ||
		fail "fio $1 failed: $(tail -n 5 <<<"$out")" || return 1
	# One terse v3 line per job; its field 5 is the job's error.
	awk -F';' '/^3;/ {jobs++; if ($5 != 0) bad=1}
		   END {exit bad || jobs != '"$NCPU"'}' <<<"$out" ||
		fail "fio $1 reported errors: $out"
}

EVENT=/sys/kernel/tracing/events/ramdisk/ramdisk_rq_done

# Counts completed requests per hardware queue with a histogram trigger on
# the driver's tracepoint while fio runs.
queues_used() {
	grep -c '^{ hw_queue: ' $EVENT/hist
}

case_crc32c() {
	load || return 1
	echo 'hist:keys=hw_queue' >$EVENT/trigger || return 1
	run_section crc32c
	local status=$? used
	used=$(queues_used)
	# The trigger must go before the module does: a probe left on the
	# event makes module unload warn.
	echo '!hist:keys=hw_queue' >$EVENT/trigger
	[ $status -eq 0 ] || return 1
	# With one job per CPU, each hardware queue must have done work.
	expect_eq "hardware queues that completed requests" "$used" "$NCPU"
}

case_md5() {
	load || return 1
	run_section md5
}

case_pattern_4k() {
	load logical_block_size=4096 || return 1
	run_section pattern
}

run_case_backings "fio crc32c verify, bs 512..1M, numjobs=CPUs, every queue used" case_crc32c
run_case_backings "fio md5 verify, bs 512..1M, numjobs=CPUs" case_md5
run_case_backings "fio pattern verify with 4096-byte blocks" case_pattern_4k
