#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# backing=pages: a thin disk. Memory follows what is written (allocated on
# first write, freed on discard), a disk may be larger than RAM, and
# running out of memory fails writes with ENOSPC without harming the data
# already stored or the machine.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }
ram_kib=$(meminfo MemTotal)
# Four times the guest's RAM, in whole GiB.
BIG=$(((ram_kib * 4 / 1048576 + 1) << 30))

allocated() { sysattr allocated_bytes; }

expect_allocated() {
	expect_eq "allocated_bytes${2:+ ($2)}" "$(allocated)" "$1"
}

case_bigger_than_ram() {
	load backing=pages size=$BIG
	expect_eq "size in sectors" "$(sysattr size)" $((BIG / 512))
	expect_allocated 0 "fresh disk"
	pattern a 4096 >/tmp/a
	pattern b 4096 >/tmp/b
	pattern c 4096 >/tmp/c
	write_at 0 /tmp/a
	write_at $((BIG / 2)) /tmp/b
	write_at $((BIG - 4096)) /tmp/c
	expect_data 0 /tmp/a
	expect_data $((BIG / 2)) /tmp/b
	expect_data $((BIG - 4096)) /tmp/c
	# Three aligned 4 KiB writes: three pages, wherever they are.
	expect_allocated $((3 * 4096)) "three pages written"
	# Holes, including the neighbours of written pages, read as zeros
	# and reading them allocates nothing.
	expect_zero 4096 4096
	expect_zero $((BIG / 4)) $((1 << 20))
	expect_zero $((BIG - 8192)) 4096
	expect_allocated $((3 * 4096)) "after reading holes"
}

case_grows_and_shrinks() {
	load backing=pages
	pattern grow $((8 << 20)) >/tmp/g
	write_at $((1 << 20)) /tmp/g
	expect_allocated $((8 << 20)) "8 MiB written"
	blkdiscard -o $((1 << 20)) -l $((4 << 20)) $DEV
	expect_allocated $((4 << 20)) "4 MiB of it discarded"
	expect_zero $((1 << 20)) $((4 << 20))
	tail -c $((4 << 20)) /tmp/g >/tmp/g2
	expect_data $((5 << 20)) /tmp/g2
	# A range that covers no whole page zeroes in place and frees nothing.
	blkdiscard -o $(((5 << 20) + 512)) -l 2048 $DEV
	expect_allocated $((4 << 20)) "partial page discarded"
	expect_zero $(((5 << 20) + 512)) 2048
	cmp -s <(read_at $((5 << 20)) 512) <(tail -c $((4 << 20)) /tmp/g | head -c 512) ||
		fail "the bytes before a partial discard changed"
	cmp -s <(read_at $(((5 << 20) + 2560)) 1536) \
		<(tail -c $(((4 << 20) - 2560)) /tmp/g | head -c 1536) ||
		fail "the bytes after a partial discard changed"
	# Write-zeroes of whole pages frees them too; the two partial pages
	# at its ends stay.
	blkdiscard -z -o $(((6 << 20) - 512)) -l $(((1 << 20) + 1024)) $DEV
	expect_allocated $((3 << 20)) "1 MiB written with zeroes"
	expect_zero $(((6 << 20) - 512)) $(((1 << 20) + 1024))
	blkdiscard $DEV
	expect_allocated 0 "whole disk discarded"
	expect_zero 0 $((64 << 20))
}

case_straddling_writes() {
	load backing=pages
	local off len
	# Sector offsets and lengths whose requests start inside one page and
	# end inside the next (or several pages on).
	for spec in 7:8 15:2 1023:3 4093:9 8191:17; do
		off=$((${spec%:*} * 512)) len=$((${spec#*:} * 512))
		pattern "s$spec" $len >/tmp/s
		write_at $off /tmp/s
		expect_data $off /tmp/s
	done
	# 7:8 and 15:2 touch pages 0..2, 1023:3 pages 127..128, 4093:9
	# pages 511..512, 8191:17 pages 1023..1025.
	expect_allocated $((10 * 4096)) "ten pages touched"
	# What the writes did not cover of those pages reads as zeros.
	expect_zero 0 3584
	expect_zero 8704 3584
	expect_zero $((127 * 4096)) 3584
	expect_zero $((1023 * 4096)) 3584
}

case_interleaved_fio() {
	load backing=pages
	run_fio_section "$top/fio-jobs/verify-raw.fio" interleaved "$NCPU" \
		CPUS="0-$((NCPU - 1))" SKIP=$(((NCPU - 1) * 512))
	# Between them the jobs wrote every sector of the first 8 MiB: a page
	# lost or doubled in an insert race shows here.
	expect_allocated $((8 << 20)) "8 MiB shared by $NCPU jobs"
}

case_out_of_memory() {
	load backing=pages size=$BIG
	pattern keep $((1 << 20)) >/tmp/keep
	write_at 0 /tmp/keep
	mark
	local err
	if err=$(dd if=/dev/zero of=$DEV bs=1M seek=1 oflag=direct 2>&1 >/dev/null); then
		fail "writing $BIG bytes into $ram_kib kB of RAM succeeded"
	fi
	grep -q "No space left on device" <<<"$err" ||
		fail "expected ENOSPC, dd said: $err"
	dmesg_since | grep -q "ramdisk: sector [0-9]*: no memory for a new page" ||
		fail "no log line for the failed allocation"
	# The reserve kept memory for the rest of the machine (1/32 of RAM,
	# less what other allocations took meanwhile).
	local avail
	avail=$(meminfo MemAvailable)
	echo "allocated $(allocated) bytes, MemAvailable $avail kB" >&2
	[ "$avail" -gt $((ram_kib / 64)) ] ||
		fail "MemAvailable fell to $avail kB"
	[ "$(allocated)" -gt $((ram_kib * 1024 / 2)) ] ||
		fail "gave up early, at $(allocated) bytes"
	expect_data 0 /tmp/keep
	# What was stored before the failure can still be read and freed.
	blkdiscard $DEV
	expect_allocated 0 "after discarding everything"
	unload
}

case_cycles() {
	local i mib=256 before avail0
	# cycle N: a disk written full; half of it given back by discard
	# (freed after an RCU grace period), the rest at unload. Each time
	# the pages must come back to the machine.
	cycle() {
		local free
		load backing=pages size=$((mib << 20))
		dd if=/dev/zero of=$DEV bs=1M count=$mib oflag=direct status=none
		expect_allocated $((mib << 20)) "cycle $1, written"
		free=$(free_pages)
		blkdiscard -l $((mib / 2 << 20)) $DEV
		expect_allocated $((mib / 2 << 20)) "cycle $1, half discarded"
		expect_pages_back "$free" $((mib / 2 << 8)) \
			"cycle $1, $((mib / 2)) MiB discarded"
		free=$(free_pages)
		unload
		expect_pages_back "$free" $((mib / 2 << 8)) \
			"cycle $1, unloaded with $((mib / 2)) MiB stored"
	}
	# Warm-up cycles, so that what first loads allocate for good is in
	# the baseline.
	for i in $(seq 3); do cycle "$i"; done
	before=$(driver_allocations)
	avail0=$(meminfo MemAvailable)
	for i in $(seq 4 13); do cycle "$i"; done
	echo "MemAvailable ${avail0} -> $(meminfo MemAvailable) kB (for information)" >&2
	expect_allocations "$before"
}

run_case "a sparse disk of 4x RAM loads; data at both ends and the middle" case_bigger_than_ram
run_case "allocated_bytes grows with writes, shrinks with discard" case_grows_and_shrinks
run_case "writes straddling pages read back; the rest of the pages is zero" case_straddling_writes
run_case "fio crc32c verify, numjobs=CPUs writing into the same pages" case_interleaved_fio
run_case "13 load/write/discard/unload cycles give every page back, leak nothing" case_cycles
run_case "writing until memory runs out: ENOSPC, data kept, machine usable" case_out_of_memory
