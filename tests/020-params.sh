#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every parameter works at its bounds, and every invalid value is refused
# with the right errno and one log line naming the parameter and the range.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

POSSIBLE=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))

# accept "PARAMS" SYSFS-FILE EXPECTED: loads with PARAMS, checks one queue
# attribute, does I/O.
accept() {
	# shellcheck disable=SC2086
	load $1
	expect_eq "$2 with $1" "$(sysattr "$2")" "$3"
	small_io
	unload
}

case_bounds() {
	accept "size=512" size 1
	accept "size=4096 logical_block_size=4096" queue/logical_block_size 4096
	accept "logical_block_size=1024 size=1M" queue/logical_block_size 1024
	accept "size=16M" size $((16 << 11))
	accept "size=1048576K" size $((1 << 21))
	accept "size=1G" size $((1 << 21))
	accept "queue_depth=1" queue/nr_requests 1
	accept "queue_depth=4096" queue/nr_requests 4096
	accept "nr_hw_queues=1" queue/nr_requests 128
	accept "max_part=1" range 1
	accept "max_part=256" range 256
	accept "backing=linear" allocated_bytes $((64 << 20))
	accept "backing=pages size=1G" allocated_bytes 0
	load nr_hw_queues="$POSSIBLE"
	# blk-mq maps at most one hardware queue per possible CPU.
	expect_eq "hardware queues" "$(hw_queues)" "$POSSIBLE"
	small_io
}

case_invalid() {
	refuse_load size=0 EINVAL "size=0 is invalid: allowed a non-zero multiple of logical_block_size (512)"
	refuse_load size=1000 EINVAL "size=1000 is invalid: allowed a non-zero multiple"
	refuse_load "size=6144 logical_block_size=4096" EINVAL "size=6144 is invalid: allowed a non-zero multiple of logical_block_size (4096)"
	refuse_load size=lots EINVAL "size=lots is not a byte count (suffixes K, M, G allowed)"
	refuse_load size=12Q EINVAL "size=12Q is not a byte count"
	refuse_load logical_block_size=256 EINVAL "logical_block_size=256 is invalid: allowed a power of two from 512 to 4096"
	refuse_load logical_block_size=3000 EINVAL "logical_block_size=3000 is invalid"
	refuse_load logical_block_size=8192 EINVAL "logical_block_size=8192 is invalid"
	refuse_load queue_depth=0 EINVAL "queue_depth=0 is out of range: allowed 1..4096"
	refuse_load queue_depth=4097 EINVAL "queue_depth=4097 is out of range: allowed 1..4096"
	refuse_load nr_hw_queues=$((POSSIBLE + 1)) EINVAL "nr_hw_queues=$((POSSIBLE + 1)) is out of range: allowed 0..$POSSIBLE"
	refuse_load poll_queues=$((POSSIBLE + 1)) EINVAL "poll_queues=$((POSSIBLE + 1)) is out of range: allowed 0..$POSSIBLE"
	refuse_load max_part=0 EINVAL "max_part=0 is out of range: allowed 1..256"
	refuse_load max_part=257 EINVAL "max_part=257 is out of range: allowed 1..256"
	refuse_load backing=disk EINVAL "backing=disk is invalid: allowed linear or pages"
	refuse_load backing= EINVAL "backing= is invalid: allowed linear or pages"
	refuse_load queue_mode=1 EINVAL "queue_mode=1 is invalid: allowed mq (or 2) and bio (or 0)"
	refuse_load queue_mode=rq EINVAL "queue_mode=rq is invalid: allowed mq (or 2) and bio (or 0)"
	# A bio disk has no tag set: its settings are refused, not ignored.
	refuse_load "queue_mode=bio nr_hw_queues=1" EINVAL "nr_hw_queues=1 has no meaning with queue_mode=bio: allowed 0"
	refuse_load "queue_mode=bio queue_depth=64" EINVAL "queue_depth=64 has no meaning with queue_mode=bio: allowed 128"
	refuse_load "queue_mode=bio poll_queues=1" EINVAL "poll_queues=1 has no meaning with queue_mode=bio: allowed 0"
}

# expect_queue_mode PARAMS bio|mq: a load with PARAMS makes a disk of that
# kind, which says so in its log line and does I/O.
expect_queue_mode() {
	local line
	mark
	# shellcheck disable=SC2086
	load $1
	line=$(dmesg_since | grep -F "ramdisk: ramdisk: 67108864 bytes, linear store")
	if [ "$2" = bio ]; then
		# No tag set: no hardware queues, and nothing to poll.
		[ ! -e /sys/block/ramdisk/mq ] || fail "$1: /sys/block/ramdisk/mq exists"
		grep -qF "bio-based (queue_mode=bio)" <<<"$line" ||
			fail "$1: log line is '$line'"
	else
		expect_eq "hardware queues with $1" "$(hw_queues)" "$NCPU"
		grep -qF "$NCPU hardware queues of depth 128" <<<"$line" ||
			fail "$1: log line is '$line'"
	fi
	expect_eq "io_poll with $1" "$(sysattr queue/io_poll)" 0
	small_io
	unload
}

case_queue_mode() {
	expect_queue_mode "" mq
	expect_queue_mode queue_mode=mq mq
	expect_queue_mode queue_mode=bio bio
	# null_blk's numbers, so that its users' scripts port.
	expect_queue_mode queue_mode=2 mq
	expect_queue_mode queue_mode=0 bio
	# The tag set's settings at their defaults are no change, so allowed.
	expect_queue_mode "queue_mode=bio nr_hw_queues=0 queue_depth=128 poll_queues=0" bio
}

case_too_big() {
	local avail
	refuse_load size=64G ENOMEM "size=68719476736 is more than the"
	# The machine is fine afterwards: a normal load still works.
	avail=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
	[ "$avail" -gt $((256 << 10)) ] || fail "MemAvailable fell to $avail kB"
	load
	small_io
}

case_garbage_types() {
	refuse_load queue_depth=-1 EINVAL "\`-1' invalid for parameter \`queue_depth'"
	refuse_load max_part=many EINVAL "\`many' invalid for parameter \`max_part'"
}

run_case "every parameter at its bounds loads and does I/O" case_bounds
run_case "invalid values: EINVAL and a log line naming parameter and range" case_invalid
run_case "a size memory cannot hold: ENOMEM, machine unharmed" case_too_big
run_case "queue_mode: mq and bio by name or null_blk's number" case_queue_mode
run_case "non-numeric values for numeric parameters are refused" case_garbage_types
