#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 100 load/unload cycles of a 32 MiB disk, with I/O in each, leave no leak: vmalloc use,
# slab use and available memory return to where they were.
. "$(dirname "$0")/lib.sh"

meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }

case_cycles() {
	local i vm0 vm1 slab0 slab1 avail0 avail1
	# Warm-up cycles, so that first-load allocations and the per-CPU free
	# page lists settle before the baseline.
	for i in $(seq 5); do load size=32M && unload || return 1; done
	sync; echo 3 >/proc/sys/vm/drop_caches
	vm0=$(meminfo VmallocUsed) slab0=$(meminfo SUnreclaim)
	avail0=$(meminfo MemAvailable)
	pattern cycle 4096 >/tmp/c
	for i in $(seq 100); do
		load size=32M || return 1
		write_at $((i * 4096)) /tmp/c || return 1
		expect_data $((i * 4096)) /tmp/c || return 1
		unload || return 1
	done
	sync; echo 3 >/proc/sys/vm/drop_caches
	vm1=$(meminfo VmallocUsed) slab1=$(meminfo SUnreclaim)
	avail1=$(meminfo MemAvailable)
	echo "VmallocUsed ${vm0}->${vm1} kB, SUnreclaim ${slab0}->${slab1} kB, MemAvailable ${avail0}->${avail1} kB" >&2
	# One leaked store is 32768 kB of vmalloc; a leaked device struct and
	# tag set at least 20 kB of slab per cycle (2000 kB in all). The rest
	# of the system moves MemAvailable by up to about 12000 kB (per-CPU
	# free page lists, page cache), so that bound is looser.
	[ $((vm1 - vm0)) -lt 1024 ] || fail "vmalloc grew by $((vm1 - vm0)) kB" ||
		return 1
	[ $((slab1 - slab0)) -lt 1024 ] ||
		fail "unreclaimable slab grew by $((slab1 - slab0)) kB" || return 1
	[ $((avail0 - avail1)) -lt 24576 ] ||
		fail "MemAvailable fell by $((avail0 - avail1)) kB"
}

case_rmmod_while_open() {
	load || return 1
	exec 7<$DEV
	local out
	out=$(rmmod ramdisk 2>&1) && fail "rmmod succeeded while open" && return 1
	grep -q "in use" <<<"$out" || fail "rmmod said: $out" || return 1
	exec 7<&-
	unload
}

run_case "100 load/unload cycles with I/O leak nothing" case_cycles
run_case "rmmod is refused while the disk is open" case_rmmod_while_open
