#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data written reads back at the edges and in the middle; unwritten sectors
# read as zeros, never as stale memory.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((64 << 20))

case_fresh_zeros() {
	# Dirty some memory first so a store that was not zeroed would show it.
	head -c $((128 << 20)) /dev/urandom >/tmp/junk
	rm /tmp/junk
	load
	cmp -s <(head -c $SIZE /dev/zero) <(dd if=$DEV bs=1M iflag=direct status=none) ||
		fail "a fresh disk does not read as zeros"
}

edges() {
	local lbs=$1 size=$2 mid=$(( ($2 / 2 / $1) * $1 + $1 ))
	pattern first "$lbs" >/tmp/first
	pattern mid "$lbs" >/tmp/mid
	pattern last "$lbs" >/tmp/last
	write_at 0 /tmp/first
	write_at "$mid" /tmp/mid
	write_at $((size - lbs)) /tmp/last
	# Read back through a fresh open, from the page cache's view and raw.
	expect_data 0 /tmp/first
	expect_data "$mid" /tmp/mid
	expect_data $((size - lbs)) /tmp/last
	cmp -s <(dd if=$DEV bs="$lbs" skip=$((size / lbs - 1)) status=none) /tmp/last ||
		fail "buffered read of the last block differs"
	# The neighbours of what was written are still zero.
	expect_zero "$lbs" "$lbs"
	expect_zero $((mid - lbs)) "$lbs"
	expect_zero $((mid + lbs)) "$lbs"
	expect_zero $((size - 2 * lbs)) "$lbs"
}

case_edges_512() {
	load
	edges 512 $SIZE
}

case_edges_4096() {
	load logical_block_size=4096
	edges 4096 $SIZE
}

case_survives_reopen() {
	load
	pattern big $((8 << 20)) >/tmp/big
	dd if=/tmp/big of=$DEV bs=1M seek=3 status=none conv=fsync ||
		fail "buffered write failed"
	echo 3 >/proc/sys/vm/drop_caches
	blockdev --flushbufs $DEV
	expect_data $((3 << 20)) /tmp/big
}

case_unaligned_sizes() {
	# Odd request sizes and offsets (in sectors) exercise segment walking.
	load
	local off len
	for spec in 1:1 7:3 63:65 255:257 1023:2049 4095:4097; do
		off=$(( ${spec%:*} * 512 )) len=$(( ${spec#*:} * 512 ))
		pattern "u$spec" $len >/tmp/u
		write_at $off /tmp/u
		expect_data $off /tmp/u
	done
}

run_case_paths "a fresh disk reads as zeros end to end" case_fresh_zeros
run_case_paths "first, middle and last sector read back (512-byte blocks)" case_edges_512
run_case_paths "first, middle and last block read back (4096-byte blocks)" case_edges_4096
run_case_paths "buffered writes survive drop_caches and flushbufs" case_survives_reopen
run_case_paths "odd-sized requests at odd offsets read back" case_unaligned_sizes
