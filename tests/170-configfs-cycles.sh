#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 60 configfs create/remove cycles with I/O leak nothing: the driver's
# and blk-mq's slab objects, its vmalloc areas and the page store's pages
# all come back, and each disk's allocated_bytes says what it holds. One
# cycle in five is a zoned disk powered off and on, whose store and zones
# wait for it meanwhile. Every disk has faults set, and a write cache.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# The signals are exact: one object lost in one cycle fails the case.
CYCLES=60
IO=$((256 << 10))

# Every disk has a bad sector (past the data), an injection rule that
# does not hit, and delayed completions: their table, rule and timers
# must come and go with it. So must its write cache, which the write
# fills and its fsync (or a zoned disk's power-off) empties.
SETTINGS=(badblocks=+8184-8191 "inject=every=1000000" completion_nsec=1000
	cache_size=1)

# cycle NAME BACKING OFFSET [zoned]: one disk made, written, checked and
# removed; a zoned one (1 MiB zones, OFFSET a zone's start) is powered off
# and on before the check.
cycle() {
	local name=$1 backing=$2 off=$3 want
	if [ "${4:-}" = zoned ]; then
		cfs_disk "$name" size=4M backing="$backing" "${SETTINGS[@]}" \
			zoned=1 zone_size=1
	else
		cfs_disk "$name" size=4M backing="$backing" "${SETTINGS[@]}"
	fi
	DEV=/dev/ramdisk-$name write_at "$off" /tmp/cycle
	if [ "${4:-}" = zoned ]; then
		echo 0 >"$CFS/$name/power"
		echo 1 >"$CFS/$name/power"
		wait_for_dev "/dev/ramdisk-$name"
	fi
	DEV=/dev/ramdisk-$name expect_data "$off" /tmp/cycle
	want=$((4 << 20))
	[ "$backing" = linear ] || want=$IO
	expect_eq "$name allocated_bytes" \
		"$(cat "/sys/block/ramdisk-$name/allocated_bytes")" "$want"
	cfs_remove "$name"
}

case_cycles() {
	local i backing before free_before lost
	pattern cycle $IO >/tmp/cycle
	insmod "$KO" nr_disks=0
	# Warm-up, so that what a first disk allocates for good (sysfs,
	# kobjects, per-CPU caches) is in the baseline.
	cycle warm linear 0
	cycle warm pages 0
	cycle warm linear 0 zoned
	before=$(driver_allocations)
	free_before=$(free_pages)
	# The signals see a disk: its device, tag set and hardware contexts
	# (slab objects), and a linear store's two vmalloc areas.
	cfs_disk seen size=4M
	[ "$(driver_allocations)" != "$before" ] ||
		fail "driver_allocations did not change with a disk: $before"
	cfs_remove seen
	for i in $(seq $CYCLES); do
		backing=pages
		[ $((i % 2)) -eq 1 ] || backing=linear
		if [ $((i % 5)) -eq 0 ]; then
			cycle "c$i" $backing $((i / 5 % 4 << 20)) zoned
		else
			cycle "c$i" $backing $(((i % 8) * IO))
		fi
	done
	expect_allocations "$before"
	# 30 page-backed disks held 64 pages each: a leak of their pages
	# would be 7.5 MiB; the guest's own noise is far less than half.
	lost=$((free_before - $(free_pages)))
	[ "$lost" -lt $((CYCLES * IO / 4096 / 4)) ] ||
		fail "free pages fell by $lost over $CYCLES cycles"
	unload
}

run_case "$CYCLES configfs create/remove cycles with I/O leak nothing" case_cycles
