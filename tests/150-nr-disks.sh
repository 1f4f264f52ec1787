#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nr_disks makes several disks at load, each with its own data, minors,
# partitions and store; a load that cannot make them all leaves nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

DISKS=(/dev/ramdisk /dev/ramdisk-1 /dev/ramdisk-2 /dev/ramdisk-3)
# Offsets each disk gets its own pattern at: the start, a place no page
# or block boundary aligns, and the last 64 KiB of a 16 MiB disk.
OFFSETS=(0 $(((5 << 20) + 3584)) $(((16 << 20) - 65536)))

# ramdisk_disks: how many disks named ramdisk* exist.
ramdisk_disks() {
	find /sys/block -mindepth 1 -maxdepth 1 -name 'ramdisk*' | wc -l
}

case_four_disks() {
	local i off disk
	load nr_disks=4 size=16M
	for i in 0 1 2 3; do
		disk=${DISKS[$i]}
		[ -b "$disk" ] || fail "$disk is not a block device"
		expect_eq "$disk dev" "$(cat "/sys/block/${disk#/dev/}/dev")" \
			"$(ramdisk_major):$((i * 256))"
	done
	[ ! -e /dev/ramdisk-4 ] || fail "a fifth disk exists"
	# Every disk gets its own bytes at the same offsets; any bleed from
	# one store into another shows as a wrong pattern.
	for i in 0 1 2 3; do
		for off in "${OFFSETS[@]}"; do
			pattern "disk$i-$off" 65536 >"/tmp/p$i-$off"
			DEV=${DISKS[$i]} write_at "$off" "/tmp/p$i-$off"
		done
	done
	for i in 0 1 2 3; do
		for off in "${OFFSETS[@]}"; do
			DEV=${DISKS[$i]} expect_data "$off" "/tmp/p$i-$off"
		done
		DEV=${DISKS[$i]} expect_zero $((1 << 20)) $((1 << 20))
	done
	for i in 0 1 2 3; do
		disk=${DISKS[$i]#/dev/}
		if [ "${BACKING:-linear}" = pages ]; then
			# Three 64 KiB writes, one of them across a page boundary.
			expect_eq "$disk allocated_bytes" \
				"$(cat "/sys/block/$disk/allocated_bytes")" $((3 * 65536 + 4096))
		else
			expect_eq "$disk allocated_bytes" \
				"$(cat "/sys/block/$disk/allocated_bytes")" $((16 << 20))
		fi
	done
}

# Partition names cannot be mistaken for disks: ramdisk1 is a partition of
# ramdisk, ramdisk-1p1 of ramdisk-1; each has its disk's minors.
case_partitions() {
	local disk part
	load nr_disks=2 size=16M
	for disk in /dev/ramdisk /dev/ramdisk-1; do
		printf 'label: dos\n,8M\n,\n' | sfdisk -q "$disk"
	done
	wait_for_dev /dev/ramdisk1
	wait_for_dev /dev/ramdisk2
	wait_for_dev /dev/ramdisk-1p1
	wait_for_dev /dev/ramdisk-1p2
	expect_eq "ramdisk-1p2 dev" "$(cat /sys/block/ramdisk-1/ramdisk-1p2/dev)" \
		"$(ramdisk_major):258"
	part=$(cat /sys/block/ramdisk-1/ramdisk-1p2/start)
	pattern part2 65536 >/tmp/part2
	DEV=/dev/ramdisk-1p2 write_at 4096 /tmp/part2
	DEV=/dev/ramdisk-1 expect_data $((part * 512 + 4096)) /tmp/part2
	DEV=/dev/ramdisk expect_zero $((part * 512 + 4096)) 65536
}

case_no_disks() {
	insmod "$KO" nr_disks=0
	[ -d "$CFS" ] || fail "no $CFS with nr_disks=0"
	expect_eq "disks with nr_disks=0" "$(ramdisk_disks)" 0
	unload
}

case_bounds() {
	load nr_disks=64 size=1M
	wait_for_dev /dev/ramdisk-63
	pattern last 4096 >/tmp/last
	DEV=/dev/ramdisk-63 write_at 0 /tmp/last
	DEV=/dev/ramdisk-63 expect_data 0 /tmp/last
	expect_eq "disks" "$(ramdisk_disks)" 64
	unload
	refuse_load nr_disks=65 EINVAL "nr_disks=65 is out of range: allowed 0..64"
}

# The linear store's memory check covers every disk of the load: four
# 2 GiB disks do not fit a 6 GiB guest, though one would.
case_memory_all_disks() {
	refuse_load "nr_disks=4 size=2G" ENOMEM "size=2147483648 is more than the"
	dmesg_since | grep -q "MiB of memory available to 4 disk(s)" ||
		fail "the log line does not count the disks: $(dmesg_since | tail -n 1)"
}

# A disk that cannot be made (its name is taken by another driver's disk,
# null_blk's, named through null_blk's configfs) fails the whole load,
# which leaves no disk, no module and no allocation behind. The baseline
# is taken with null_blk's disk up: null_blk leaves a hardware context of
# its own allocated after it is gone.
case_failed_load_leaves_nothing() {
	local before disk
	load size=8M
	unload
	modprobe null_blk nr_devices=0
	mkdir /sys/kernel/config/nullb/ramdisk-2
	echo 1 >/sys/kernel/config/nullb/ramdisk-2/power
	wait_for_dev /dev/ramdisk-2
	before=$(driver_allocations)
	refuse_load "nr_disks=4 size=8M" EEXIST "ramdisk-2: a block device of that name exists"
	for disk in ramdisk ramdisk-1 ramdisk-3; do
		[ ! -e "/sys/block/$disk" ] || fail "$disk left behind"
	done
	expect_allocations "$before"
	echo 0 >/sys/kernel/config/nullb/ramdisk-2/power
	rmdir /sys/kernel/config/nullb/ramdisk-2
	rmmod null_blk
}

run_case_paths "nr_disks=4: four disks, each with its own data" case_four_disks
run_case "partitions of ramdisk and ramdisk-1: ramdisk1, ramdisk-1p1" case_partitions
run_case "nr_disks=0 loads no disk, configfs only" case_no_disks
run_case "nr_disks=64 works, 65 is refused with a log line" case_bounds
run_case "the linear memory check covers all the disks of a load" case_memory_all_disks
run_case "a load that fails at its third disk leaves nothing behind" case_failed_load_leaves_nothing
