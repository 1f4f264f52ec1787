#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Loading with no parameters gives the documented disk; unloading removes it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

case_defaults() {
	load
	[ -b "$DEV" ] || fail "$DEV is not a block device"
	expect_eq "size in sectors" "$(sysattr size)" $((64 * 1024 * 1024 / 512))
	expect_eq "blockdev --getsize64" "$(blockdev --getsize64 $DEV)" $((64 << 20))
	expect_eq logical_block_size "$(sysattr queue/logical_block_size)" 512
	expect_eq physical_block_size "$(sysattr queue/physical_block_size)" 4096
	expect_eq rotational "$(sysattr queue/rotational)" 0
	expect_eq add_random "$(sysattr queue/add_random)" 0
	# sysfs ends the list with a space.
	expect_eq scheduler "$(sysattr queue/scheduler)" "[none] mq-deadline "
	expect_eq "hardware queues" "$(hw_queues)" "$NCPU"
	expect_eq nr_requests "$(sysattr queue/nr_requests)" 128
	expect_eq write_cache "$(sysattr queue/write_cache)" "write through"
	[ "$(sysattr queue/discard_max_bytes)" -gt 0 ] ||
		fail "discard_max_bytes is 0"
	[ "$(sysattr queue/write_zeroes_max_bytes)" -gt 0 ] ||
		fail "write_zeroes_max_bytes is 0"
	[ "$(sysattr queue/max_sectors_kb)" -ge 1024 ] ||
		fail "max_sectors_kb $(sysattr queue/max_sectors_kb) splits 1 MiB I/O"
	expect_eq "minors (max_part)" "$(sysattr range)" 16
	dmesg_since | grep -q "ramdisk: ramdisk: 67108864 bytes, linear store, $NCPU hardware queues of depth 128, 512-byte blocks" ||
		fail "no load message in dmesg"
}

case_params_in_sysfs() {
	load
	local p=/sys/module/ramdisk/parameters
	expect_eq size "$(cat $p/size)" $((64 << 20))
	expect_eq nr_hw_queues "$(cat $p/nr_hw_queues)" "$NCPU"
	expect_eq queue_depth "$(cat $p/queue_depth)" 128
	expect_eq logical_block_size "$(cat $p/logical_block_size)" 512
	expect_eq max_part "$(cat $p/max_part)" 16
	for f in "$p"/*; do
		expect_eq "mode of $f" "$(stat -c %a "$f")" 444
	done
}

case_unload() {
	load
	unload
	[ ! -e "$DEV" ] || fail "$DEV still exists after rmmod"
	[ ! -e /sys/block/ramdisk ] || fail "/sys/block/ramdisk still exists after rmmod"
	! grep -q '^ramdisk ' /proc/modules || fail "module still listed"
}

case_modinfo() {
	local info
	info=$(modinfo -p "$KO") || fail "modinfo failed"
	for p in size nr_hw_queues queue_depth logical_block_size max_part; do
		grep -q "^$p:.*Default: " <<<"$info" ||
			fail "modinfo -p lacks a described default for $p"
	done
	grep -q '^size:.*Default: 64M$' <<<"$info" ||
		fail "size default is not 64M: $(grep ^size: <<<"$info")"
}

case_partitions() {
	load
	printf 'label: dos\n,16M\n,\n' | sfdisk -q "$DEV" ||
		fail "sfdisk failed"
	for _ in $(seq 20); do
		[ -b "${DEV}2" ] && break
		sleep 0.1
	done
	[ -b "${DEV}1" ] || fail "no partition node ${DEV}1"
	[ -b "${DEV}2" ] || fail "no partition node ${DEV}2"
	pattern part2 4096 >/tmp/p2
	dd if=/tmp/p2 of="${DEV}2" oflag=direct bs=4096 status=none
	# Partition 2 starts where sfdisk put it; the data must be there.
	# (A disk name ending in a letter gets partitions ramdisk1, ramdisk2.)
	start=$(cat /sys/block/ramdisk/ramdisk2/start)
	expect_data $((start * 512)) /tmp/p2
}

run_case "default load: size, queue limits, hardware queues, log line" case_defaults
run_case "parameters are read-only in sysfs and show effective values" case_params_in_sysfs
run_case "rmmod removes the disk and the module" case_unload
run_case "modinfo lists every parameter with its default" case_modinfo
run_case_modes "partitions (max_part) appear and hold data" case_partitions
