#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio writes and verifies the raw device from every CPU at once (one job
# pinned to each, so every hardware queue carries I/O), block sizes from
# 512 bytes to 1 MiB.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

JOBS=$top/fio-jobs/verify-raw.fio

# run_section SECTION: runs one section of the job file against $DEV, one
# job per CPU.
run_section() {
	run_fio_section "$JOBS" "$1" "$NCPU" CPUS="0-$((NCPU - 1))"
}

EVENT=/sys/kernel/tracing/events/ramdisk/ramdisk_rq_done

# Counts completed requests per hardware queue with a histogram trigger on
# the driver's tracepoint while fio runs.
queues_used() {
	grep -c '^{ hw_queue: ' $EVENT/hist
}

case_crc32c() {
	load
	# A bio disk has no hardware queues to count.
	if [ "${QUEUE_MODE:-}" = bio ]; then
		run_section crc32c
		return
	fi
	echo 'hist:keys=hw_queue' >$EVENT/trigger
	# The trigger must go before the module does: a probe left on the
	# event makes module unload warn.
	trap 'echo "!hist:keys=hw_queue" >"$EVENT/trigger"' EXIT
	run_section crc32c
	# One job pinned to each CPU: each hardware queue must have done work.
	expect_eq "hardware queues that completed requests" "$(queues_used)" "$NCPU"
}

case_sequential_mixed() {
	load
	run_section sequential
	run_section mixed
}

case_md5() {
	load
	run_section md5
}

case_pattern_4k() {
	load logical_block_size=4096
	run_section pattern
}

run_case_paths "fio crc32c verify, bs 512..1M, numjobs=CPUs, every queue used (mq)" case_crc32c
run_case_paths "fio crc32c verify, sequential and mixed with reads, numjobs=CPUs" case_sequential_mixed
run_case_backings "fio md5 verify, bs 512..1M, numjobs=CPUs" case_md5
run_case_backings "fio pattern verify with 4096-byte blocks" case_pattern_4k
