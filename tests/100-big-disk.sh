#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A disk larger than kvmalloc's INT_MAX limit: 4 GiB, when the guest has
# the memory for it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((4 << 30))

case_4g() {
	load size=4G
	expect_eq "size in sectors" "$(sysattr size)" $((SIZE / 512))
	pattern a 4096 >/tmp/a
	pattern b 4096 >/tmp/b
	pattern c 4096 >/tmp/c
	# Both sides of the 2 GiB and 4 GiB boundaries of 32-bit offsets.
	write_at 0 /tmp/a
	write_at $(((2 << 30) - 2048)) /tmp/b
	write_at $((SIZE - 4096)) /tmp/c
	expect_data 0 /tmp/a
	expect_data $(((2 << 30) - 2048)) /tmp/b
	expect_data $((SIZE - 4096)) /tmp/c
	expect_zero $((3 << 30)) 4096
	blkdiscard -o $((SIZE - (1 << 20))) -l $((1 << 20)) $DEV
	expect_zero $((SIZE - 4096)) 4096
}

requires() {
	local avail_mib
	avail_mib=$(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
	[ "$avail_mib" -gt 4600 ] ||
		{ echo "the guest has $avail_mib MiB available, a 4 GiB disk needs 4600"; return 1; }
}

run_case "a 4 GiB disk (vmalloc store past INT_MAX) holds data at its ends" case_4g
