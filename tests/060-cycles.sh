#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 50 load/unload cycles of a 32 MiB disk, with I/O in each, leave no leak:
# every slab object and vmalloc area of the driver and of blk-mq is freed.
# The signals are exact, so one object lost in one cycle fails the case;
# the repetition is for leaks that need it (a minor reused, a cache
# refilled), which 50 cycles give many times over.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }

case_cycles() {
	local i before loaded avail0
	# Warm-up cycles, so that what a first load allocates for good
	# (sysfs, kobjects, per-CPU caches) is in the baseline.
	for i in $(seq 5); do
		load size=32M
		unload
	done
	before=$(driver_allocations)
	avail0=$(meminfo MemAvailable)
	# The signals see a loaded disk: its store (a vmalloc area, and one
	# for the store's page array) and its device, tag set and hardware
	# contexts (slab objects).
	load size=32M
	loaded=$(driver_allocations)
	[ "${loaded#* }" -gt "${before#* }" ] ||
		fail "vmalloc areas of ramdisk did not grow on load: $before, $loaded"
	[ "${loaded% *}" -gt "${before% *}" ] ||
		fail "slab objects of ramdisk and blk-mq did not grow on load: $before, $loaded"
	unload
	pattern cycle 4096 >/tmp/c
	for i in $(seq 50); do
		load size=32M
		write_at $((i * 4096)) /tmp/c
		expect_data $((i * 4096)) /tmp/c
		unload
	done
	echo "MemAvailable ${avail0} -> $(meminfo MemAvailable) kB (for information)" >&2
	expect_allocations "$before"
}

case_rmmod_while_open() {
	load
	exec 7<$DEV
	local out
	if out=$(rmmod ramdisk 2>&1); then fail "rmmod succeeded while open"; fi
	grep -q "in use" <<<"$out" || fail "rmmod said: $out"
	exec 7<&-
	unload
}

run_case "50 load/unload cycles with I/O leak nothing" case_cycles
run_case_modes "rmmod is refused while the disk is open" case_rmmod_while_open
