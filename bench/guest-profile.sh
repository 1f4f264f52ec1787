#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a profile guest (see scripts/profile.sh): where the kernel
# spends one 4 KiB O_DIRECT read() or write() of a block device, for
# ramdisk on each path (blk-mq, and queue_mode=bio), brd and null_blk, each
# prefilled. Traces of dd's calls of
# vfs_read (vfs_write): in each of ROUNDS rounds, the devices in turn,
# COUNT calls traced alone (depth 1), whose median is the time; then 300
# calls per device traced with everything they call, for the number of
# calls and the self time of each function. Writes
# $PROFILE_OUT/<device>-<read|write>-<1-rROUND|all>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PROFILE_OUT:?}" "${SIZE_MIB:=64}" "${COUNT:=1000}" "${ROUNDS:=3}" "${GRAPH_COUNT:=300}"
mkdir -p "$PROFILE_OUT"
. bench/devices.sh

# What the whole-graph profiles trace below vfs_read and vfs_write: the
# block device's file operations, the block layer, the three drivers and
# what they call to allocate, copy and account (tools/trace profile -l).
# A function left out counts in its caller's self time; tracing fewer
# than every kernel function keeps the tracer's setup to seconds in an
# instruction-counted guest.
GRAPH_FILTER=('blkdev_*' '*blk*' '*bio*' 'submit_*' 'ramdisk_*' 'brd_*' 'null_*'
	'iov_iter_*' 'mempool_*' 'kmem_cache_*' '*rq_qos*' 'wbt_*' 'sbitmap_*'
	'__sbitmap_*' 'part_*' 'update_io_ticks' 'memcpy*' '*copy_*_iter')

# profile DEVICE read|write DEPTH(1|all) COUNT NAME
profile() {
	local io depth=() only=() pattern dev
	dev=/dev/$(node "$1")
	if [ "$2" = read ]; then
		io=(if="$dev" of=/dev/null iflag=direct)
	else
		io=(if=/dev/zero of="$dev" oflag=direct)
	fi
	# Every function's row in the whole-graph runs: profile-report.py
	# compares ramdisk's functions with brd's one by one.
	local rows=1000
	if [ "$3" = all ]; then
		for pattern in "${GRAPH_FILTER[@]}"; do only+=(-l "$pattern"); done
	else
		depth=(-d "$3") only=(-l "vfs_$2") rows=30
	fi
	TRACE_LINES=$rows tools/trace profile -g "vfs_$2" "${depth[@]}" "${only[@]}" -- \
		dd "${io[@]}" bs=4k count="$4" status=none \
		>"$PROFILE_OUT/$1-$2-$5.txt"
}

# ready DEVICE: loads DEVICE fresh and fills it, unless it is the last one
# made ready: the two ramdisk rows take turns on /dev/ramdisk.
readied=
ready() {
	[ "$1" != "$readied" ] || return 0
	fresh "$1"
	dd if=/dev/urandom of="/dev/$(node "$1")" bs=1M count="$SIZE_MIB" \
		oflag=direct status=none
	readied=$1
}

devices=(ramdisk ramdisk+bio ram0 nullb0)
ndev=${#devices[@]}
for round in $(seq "$ROUNDS"); do
	for k in $(seq 0 $((ndev - 1))); do
		d=${devices[$(((k + round) % ndev))]}
		ready "$d"
		for rw in read write; do
			profile "$d" "$rw" 1 "$COUNT" "1-r$round"
			echo "round $round, $d $rw: $(head -n 1 "$PROFILE_OUT/$d-$rw-1-r$round.txt")"
		done
	done
done
for d in "${devices[@]}"; do
	ready "$d"
	for rw in read write; do
		profile "$d" "$rw" all "$GRAPH_COUNT" all
	done
done
