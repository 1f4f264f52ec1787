#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configfs steps in turn, then 30 seconds of two shells racing mkdir,
# power and rmdir on the same configfs names, a third opening those
# disks, while fio verifies two disks that stay up: no WARN or BUG, no
# half-made disk, no leak, and every fio run verifies.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SECONDS_TO_RACE=30
NAMES=(r0 r1 r2 r3)
BACKINGS=(linear pages)

# racer SEED: for the time of the race and at least 20 rounds, takes a
# random name through mkdir, settings, power on, power off and rmdir; the
# other racer does the same, so any step may find the name in any state,
# and every refusal (EEXIST, ENOENT, EBUSY, ...) is expected. But a disk
# this shell holds open must refuse power 0 and rmdir. Each success is
# counted in /tmp/race-ops, so the race is known to have happened. Not
# under errexit: refusals are the point.
racer() {
	local end=$((SECONDS + SECONDS_TO_RACE)) rounds=0 n name
	set +e
	RANDOM=$1
	while [ $SECONDS -lt $end ] || [ $rounds -lt 20 ]; do
		rounds=$((rounds + 1))
		n=${NAMES[RANDOM % ${#NAMES[@]}]}
		name=$CFS/$n
		mkdir "$name" && echo mkdir >>/tmp/race-ops
		echo 4M >"$name/size"
		echo "${BACKINGS[RANDOM % 2]}" >"$name/backing"
		echo 1 >"$name/power" && echo on >>/tmp/race-ops
		if [ $((RANDOM % 2)) = 0 ]; then
			hold "$n" 8<"/dev/ramdisk-$n"
		else
			# Up for a moment, for the opener to find.
			sleep "0.$((RANDOM % 10))"
		fi
		echo 0 >"$name/power" && echo off >>/tmp/race-ops
		rmdir "$name" && echo rmdir >>/tmp/race-ops
	done 2>/dev/null
}

# hold NAME: with ramdisk-NAME open on fd 8, power 0 and rmdir must fail.
# Unless the node opened was already another disk's: a removed disk's
# minors go to the next disk made.
hold() {
	[ "$(stat -L -c %Hr:%Lr /dev/fd/8)" = "$(cat "/sys/block/ramdisk-$1/dev")" ] ||
		return 0
	echo held >>/tmp/race-ops
	if echo 0 >"$CFS/$1/power"; then
		echo "power 0 of ramdisk-$1 succeeded while it was open" >>/tmp/race-failures
	fi
	if rmdir "$CFS/$1"; then
		echo "rmdir of ramdisk-$1 succeeded while it was open" >>/tmp/race-failures
	fi
}

# opener: reads whichever racing disks exist until the racers are done,
# counting the reads that found their disk in /tmp/race-opens.
opener() {
	local disk
	set +e
	while [ ! -e /tmp/race-done ]; do
		for disk in /dev/ramdisk-r?; do
			dd if="$disk" of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null &&
				echo >>/tmp/race-opens
		done
		sleep 0.05
	done
}

# verifier DISK: fio crc32c verify runs on DISK until the racers are
# done; each failure is written to /tmp/race-failures.
verifier() {
	while [ ! -e /tmp/race-done ]; do
		DEV=$1 run_fio_section "$top/fio-jobs/verify-raw.fio" crc32c \
			"$NCPU" CPUS="0-$((NCPU - 1))" 2>>/tmp/race-failures ||
			echo "fio on $1 failed" >>/tmp/race-failures
		echo run >>/tmp/race-runs
	done
}

case_race() {
	local before name op racer1
	rm -f /tmp/race-failures /tmp/race-runs /tmp/race-ops /tmp/race-opens \
		/tmp/race-done
	touch /tmp/race-ops /tmp/race-opens
	insmod "$KO" nr_disks=0
	# Warm-up, so that what a first disk allocates for good is in the
	# baseline.
	cfs_disk warm
	cfs_remove warm
	before=$(driver_allocations)
	cfs_disk s0 size=64M backing=linear
	cfs_disk s1 size=64M backing=pages
	verifier /dev/ramdisk-s0 &
	verifier /dev/ramdisk-s1 &
	opener &
	racer 1 &
	racer1=$!
	racer 2
	wait $racer1
	touch /tmp/race-done
	wait
	echo "rdtest: race: $(sort /tmp/race-ops | uniq -c | tr -s ' \n' ' ')," \
		"$(wc -l </tmp/race-opens) reads of racing disks," \
		"$(wc -l </tmp/race-runs) fio runs" >/dev/kmsg
	[ ! -s /tmp/race-failures ] || fail "$(cat /tmp/race-failures)"
	[ "$(wc -l </tmp/race-runs)" -ge 2 ] || fail "fio did not run"
	# Each step succeeded several times: the race happened.
	for op in mkdir on held off rmdir; do
		[ "$(grep -c "^$op\$" /tmp/race-ops)" -ge 3 ] ||
			fail "$op succeeded $(grep -c "^$op\$" /tmp/race-ops) times"
	done
	# What the race left is whole: a powered folder has its disk, an
	# unpowered one none.
	for name in "${NAMES[@]}"; do
		[ -d "$CFS/$name" ] || continue
		if [ "$(cat "$CFS/$name/power")" = 1 ]; then
			[ -e "/sys/block/ramdisk-$name" ] || fail "$name powered, no disk"
		else
			[ ! -e "/sys/block/ramdisk-$name" ] || fail "$name unpowered, disk exists"
		fi
		echo 0 >"$CFS/$name/power"
		rmdir "$CFS/$name"
	done
	cfs_remove s0
	cfs_remove s1
	expect_allocations "$before"
	unload
}

# toggler: 40 rounds of power 1 then power 0 on disk "t". Not under
# errexit: the other toggler's disk may be open (EBUSY) at any moment.
toggler() {
	set +e
	for _ in $(seq 40); do
		echo 1 >"$CFS/t/power" && echo on >>/tmp/toggle-ops
		echo 0 >"$CFS/t/power" && echo off >>/tmp/toggle-ops
	done 2>/dev/null
}

# Two shells toggling power on the same disk: each power-on and power-off
# is whole (ramdisk_lock serialises them), so the disk is made and removed
# one at a time, never twice over, and nothing leaks.
case_toggle() {
	local before
	rm -f /tmp/toggle-ops
	insmod "$KO" nr_disks=0
	cfs_disk warm
	cfs_remove warm
	before=$(driver_allocations)
	mkdir "$CFS/t"
	echo 4M >"$CFS/t/size"
	toggler &
	toggler
	wait
	echo 0 >"$CFS/t/power"
	rmdir "$CFS/t"
	[ "$(grep -c '^on$' /tmp/toggle-ops)" -ge 40 ] ||
		fail "power-ons: $(grep -c '^on$' /tmp/toggle-ops)"
	expect_allocations "$before"
	unload
}

# The locks of an open, a power off and an rmdir, one after the other:
# lockdep (the kasan kernel of make check-debug) reports a lock-order
# cycle when the steps merely happen once each, no race needed; the
# driver once closed one by depending on the item in its open (see
# ramdisk_open()). Each disk reads back what was written.
case_open_power_rmdir() {
	local round DEV
	insmod "$KO" nr_disks=0
	for round in 1 2; do
		cfs_disk "o$round" size=4M
		DEV=/dev/ramdisk-o$round
		pattern "o$round" 4096 >/tmp/blk
		write_at 0 /tmp/blk
		expect_eq "$DEV's first block" "$(read_at 0 4096 | md5sum)" \
			"$(md5sum </tmp/blk)"
		cfs_remove "o$round"
	done
	unload
}

run_case "configfs open, power off and rmdir in turn: no lock-order cycle" case_open_power_rmdir
run_case "two shells toggling power on one disk" case_toggle
run_case "${SECONDS_TO_RACE}s of racing mkdir/power/rmdir with fio verifying" case_race
