#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a profile guest (see scripts/profile.sh): where the kernel
# spends one 4 KiB O_DIRECT read() or write() of a block device, for
# ramdisk, brd and null_blk, each prefilled. Traces of dd's calls of
# vfs_read (vfs_write): in each of ROUNDS rounds, the devices in turn,
# COUNT calls traced alone (depth 1), whose median is the time; then 300
# calls per device traced with everything they call, for the number of
# calls and the self time of each function. Writes
# $PROFILE_OUT/<device>-<read|write>-<1-rROUND|all>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PROFILE_OUT:?}" "${SIZE_MIB:=64}" "${COUNT:=1000}" "${ROUNDS:=3}"
mkdir -p "$PROFILE_OUT"
. bench/devices.sh

# profile DEVICE read|write DEPTH(1|all) COUNT NAME
profile() {
	local io depth=()
	if [ "$2" = read ]; then
		io=(if="/dev/$1" of=/dev/null iflag=direct)
	else
		io=(if=/dev/zero of="/dev/$1" oflag=direct)
	fi
	[ "$3" = all ] || depth=(-d "$3")
	TRACE_LINES=30 tools/trace profile -g "vfs_$2" "${depth[@]}" -- \
		dd "${io[@]}" bs=4k count="$4" status=none \
		>"$PROFILE_OUT/$1-$2-$5.txt"
}

devices=(ramdisk ram0 nullb0)
ndev=${#devices[@]}
for d in "${devices[@]}"; do
	fresh "$d"
	dd if=/dev/urandom of="/dev/$d" bs=1M count="$SIZE_MIB" oflag=direct status=none
done
for round in $(seq "$ROUNDS"); do
	for k in $(seq 0 $((ndev - 1))); do
		d=${devices[$(((k + round) % ndev))]}
		for rw in read write; do
			profile "$d" "$rw" 1 "$COUNT" "1-r$round"
			echo "round $round, $d $rw: $(head -n 1 "$PROFILE_OUT/$d-$rw-1-r$round.txt")"
		done
	done
done
for d in "${devices[@]}"; do
	for rw in read write; do
		profile "$d" "$rw" all 300 all
	done
done
