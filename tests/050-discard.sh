#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Discard and write-zeroes leave zeros in exactly the range asked for;
# flushes and FUA writes succeed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((64 << 20))

fill() {
	pattern fill $SIZE >/tmp/fill
	dd if=/tmp/fill of=$DEV bs=1M oflag=direct status=none ||
		fail "filling the disk failed"
}

case_discard_range() {
	load
	fill
	blkdiscard -o $((1 << 20)) -l $((3 << 20)) $DEV ||
		fail "blkdiscard failed"
	expect_zero $((1 << 20)) $((3 << 20))
	# Just outside the range, the data is untouched.
	cmp -s <(read_at 0 $((1 << 20))) <(head -c $((1 << 20)) /tmp/fill) ||
		fail "data before the discarded range changed"
	cmp -s <(read_at $((4 << 20)) 4096) \
		<(tail -c +$(((4 << 20) + 1)) /tmp/fill | head -c 4096) ||
		fail "data after the discarded range changed"
}

case_discard_whole() {
	load
	fill
	blkdiscard $DEV || fail "blkdiscard failed"
	expect_zero 0 $SIZE
}

case_write_zeroes() {
	load
	fill
	# Odd, sector-aligned range: 3 sectors into the disk, 1 MiB + 5 sectors.
	blkdiscard -z -o 1536 -l $(((1 << 20) + 2560)) $DEV ||
		fail "blkdiscard -z failed"
	expect_zero 1536 $(((1 << 20) + 2560))
	cmp -s <(read_at 0 1536) <(head -c 1536 /tmp/fill) ||
		fail "data before the zeroed range changed"
}

case_flush_fua() {
	load
	pattern sync 4096 >/tmp/s
	dd if=/tmp/s of=$DEV bs=4096 oflag=direct,sync status=none ||
		fail "O_SYNC write failed"
	dd if=/tmp/s of=$DEV bs=4096 seek=1 conv=fsync status=none ||
		fail "fsync failed"
	blockdev --flushbufs $DEV || fail "BLKFLSBUF failed"
	sync $DEV || fail "sync failed"
	expect_data 0 /tmp/s
	expect_data 4096 /tmp/s
}

run_case_paths "blkdiscard of a range zeroes it and nothing else" case_discard_range
run_case_paths "blkdiscard of the whole disk zeroes it" case_discard_whole
run_case_paths "blkdiscard -z (write zeroes) zeroes an odd range" case_write_zeroes
run_case_paths "O_SYNC, fsync and flushbufs succeed and keep data" case_flush_fua
