#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Polled I/O: poll_queues adds hardware queues of type poll, io_uring's
# IOPOLL requests go to them and are ended by the driver's ->poll (counted
# with its tracepoints, not assumed), a disk without them refuses or
# ignores polling as its kernel does, and a parked request no one polls is
# ended by ->timeout.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

JOBS=$top/fio-jobs/verify-raw.fio
TR=/sys/kernel/tracing
EVENTS=$TR/events/ramdisk
PARK=$(build_dir "$(uname -r)")/rdprobe/iopoll-park

# hctx_types: the type of each hardware queue of $DEV, in order, from
# blk-mq's debugfs.
hctx_types() {
	local n
	for n in $(seq 0 $(($(hw_queues) - 1))); do
		cat "/sys/kernel/debug/block/${DEV#/dev/}/hctx$n/type"
	done | paste -sd' '
}

# traced EVENT... -- COMMAND...: runs COMMAND with those ramdisk events
# recording; the trace is left in /tmp/events. Fails if the ring buffer
# dropped events, which would make any count below wrong.
traced() {
	local events=() event status
	while [ "$1" != -- ]; do events+=("$1") && shift; done
	shift
	echo 16384 >$TR/buffer_size_kb
	echo >$TR/trace
	for event in "${events[@]}"; do echo 1 >"$EVENTS/$event/enable"; done
	"$@"
	status=$?
	for event in "${events[@]}"; do echo 0 >"$EVENTS/$event/enable"; done
	cp $TR/trace /tmp/events
	awk '/entries-in-buffer\/entries-written/ {split($3, n, "/"); exit n[1] != n[2]}' \
		/tmp/events || fail "the trace buffer dropped events"
	return $status
}

# count_events FIRST_POLLED: "requests on default queues, requests on
# polled queues, requests ->poll ended, of those not in a batch" from
# /tmp/events; queues from FIRST_POLLED on are the polled ones.
count_events() {
	awk -v first="$1" '
		/ ramdisk_rq_done: / {
			match($0, /hwq=[0-9]+/)
			if (substr($0, RSTART + 4, RLENGTH - 4) + 0 >= first) polled++
			else plain++
		}
		/ ramdisk_poll: / {
			match($0, /ended=[0-9]+/); n = substr($0, RSTART + 6, RLENGTH - 6)
			match($0, /batched=[0-9]+/); ended += n
			unbatched += n - substr($0, RSTART + 8, RLENGTH - 8)
		}
		END { printf "%d %d %d %d\n", plain, polled, ended, unbatched }' /tmp/events
}

case_queues() {
	load poll_queues=1
	expect_eq "io_poll" "$(sysattr queue/io_poll)" 1
	expect_eq "hardware queues" "$(hw_queues)" $((NCPU + 1))
	expect_eq "queue types" "$(hctx_types)" "$(yes default | head -n "$NCPU" | paste -sd' ') poll"
	dmesg_since | grep -q "ramdisk: ramdisk: 1 polled hardware queues" ||
		fail "no log line for the polled queue: $(dmesg_since | tail -n 2)"
	unload
	load
	expect_eq "io_poll without poll_queues" "$(sysattr queue/io_poll)" 0
	expect_eq "queue types without poll_queues" "$(hctx_types)" \
		"$(yes default | head -n "$NCPU" | paste -sd' ')"
	unload
	# A configfs disk sets its own.
	insmod "$KO" nr_disks=0
	cfs_disk p nr_hw_queues=1 poll_queues=2
	DEV=/dev/ramdisk-p
	expect_eq "configfs disk: poll_queues" "$(cat $CFS/p/poll_queues)" 2
	expect_eq "configfs disk: io_poll" "$(sysattr queue/io_poll)" 1
	expect_eq "configfs disk: queue types" "$(hctx_types)" "default poll poll"
}

# One polled queue per CPU, one job per CPU: each job's requests go to its
# CPU's polled queue.
case_io_uring_verify() {
	load poll_queues="$NCPU"
	traced ramdisk_rq_done ramdisk_poll -- \
		run_fio_section "$JOBS" polled "$NCPU" CPUS="0-$((NCPU - 1))"
	read -r plain polled ended unbatched < <(count_events "$NCPU")
	[ "$polled" -gt 0 ] || fail "no request reached a polled queue"
	expect_eq "requests on the default queues" "$plain" 0
	expect_eq "requests ->poll ended, of $polled polled" "$ended" "$polled"
	expect_eq "requests ->poll ended outside io_uring's batch" "$unbatched" 0
}

case_sync_hipri_not_polled() {
	load poll_queues=1
	traced ramdisk_rq_done ramdisk_poll -- \
		run_fio_section "$JOBS" hipri-sync "$NCPU" CPUS="0-$((NCPU - 1))"
	read -r plain polled ended _ < <(count_events "$NCPU")
	[ "$plain" -gt 0 ] || fail "no request reached the default queues"
	expect_eq "requests on the polled queue" "$polled" 0
	expect_eq "requests ->poll ended" "$ended" 0
}

# 6.12 fails a polled bio on a queue that cannot poll (EOPNOTSUPP); 6.1
# clears REQ_POLLED and serves it like any other.
# polled_read_outcome DEVICE: "served" or "EOPNOTSUPP" for fio's polled
# io_uring reads of DEVICE, or what else fio said.
polled_read_outcome() {
	local out
	out=$(fio --name=nopoll --filename="$1" --direct=1 --ioengine=io_uring \
		--hipri=1 --rw=randread --bs=4k --size=1M --output-format=terse \
		--terse-version=3 2>&1) || true
	if grep -q "Operation not supported" <<<"$out"; then
		echo EOPNOTSUPP
	elif awk -F';' '/^3;/ {ok = $5 == 0} END {exit !ok}' <<<"$out"; then
		echo served
	else
		echo "$out"
	fi
}

# A disk without poll queues, an mq one or a bio one (queue_mode=bio,
# which cannot poll), treats a polled read as brd, bio-based, does.
case_no_poll_queues() {
	local want=EOPNOTSUPP
	load
	case $(uname -r) in 6.1.*) want=served ;; esac
	expect_eq "polled reads of $DEV" "$(polled_read_outcome $DEV)" $want
	trap 'modprobe -r brd' EXIT
	modprobe brd rd_nr=1 rd_size=4096
	expect_eq "polled reads of brd's /dev/ram0" "$(polled_read_outcome /dev/ram0)" $want
}

# An IOPOLL ring that submits a read and waits 5 s before it reaps: the
# request sits parked on the polled queue, its 1 s timer expires, and
# ->timeout ends it. The read then returns the block's bytes.
case_timeout_ends_parked() {
	load poll_queues=1
	local got want
	echo 1000 >"/sys/block/${DEV#/dev/}/queue/io_timeout"
	pattern parked 4096 >/tmp/blk
	write_at $((1 << 20)) /tmp/blk
	want=$(head -c 16 /tmp/blk | od -An -tx1 | tr -d ' \n')
	got=$(traced ramdisk_rq_timeout ramdisk_poll -- "$PARK" $DEV $((1 << 20)) 5)
	expect_eq "the parked read" "$got" "res=4096 data=$want"
	grep -Eq "ramdisk_rq_timeout: [0-9]+,0 hwq=$NCPU sector=2048 parked=1\$" /tmp/events ||
		fail "no timeout of the parked read: $(grep ramdisk_ /tmp/events)"
	grep -Eq "ramdisk_poll: hwq=$NCPU ended=1 batched=0\$" /tmp/events ||
		fail "->timeout did not end it through ->poll: $(grep ramdisk_ /tmp/events)"
}

run_case "poll_queues: polled hardware queues, io_poll, configfs" case_queues
run_case_backings "io_uring IOPOLL crc32c verify: every request ended by ->poll in a batch" case_io_uring_verify
run_case "RWF_HIPRI on synchronous I/O: verify passes, served unpolled" case_sync_hipri_not_polled
run_case_modes "polled I/O on a disk without poll queues: EOPNOTSUPP on 6.12, unpolled on 6.1, as on brd" case_no_poll_queues
run_case "a parked request no one polls is ended by ->timeout" case_timeout_ends_parked
