# shellcheck shell=sh disable=SC2034,SC2154
# (Its variables are for the scripts that source it, which set $top.)
# SPDX-License-Identifier: GPL-2.0
#
# The project's shared facts, each written once. Sourced by the host's
# scripts (scripts/lib.sh), by the guest's tests (tests/lib.sh) and the
# bench guests, and read by the Makefile and doc-checks/: plain POSIX sh.
# The sourcing script sets $top, the project folder, first.

# The driver's C sources: formatted, linted, and quoted by the notes.
DRIVER_SOURCES="ramdisk.c ramdisk.h ramdisk_compat.h ramdisk_trace.h"
# What a module build needs besides them (Kbuild reads dkms.conf).
MODULE_FILES="$DRIVER_SOURCES Kbuild dkms.conf"
# The Debian kernel series every gate runs on.
SERIES="6.1 6.12"

# The tests that race the driver against itself: the kcsan kernel of
# make check-debug runs these alone, and with the stress cases' durations
# below (tests/210-stress.sh; make check keeps its shorter defaults).
CONCURRENCY_TESTS="080-fio-verify.sh 140-pages.sh 180-configfs-race.sh 200-polled-io.sh 210-stress.sh 230-faults.sh 240-cache.sh"
# make check-debug's kernels (vm/debug-kernel/VARIANT.config), each
# booted as series 6.12-VARIANT.
DEBUG_VARIANTS="kasan kcsan"
DEBUG_STRESS_SECONDS=10
DEBUG_STRESS_CYCLES=5

# fio's time per job (and its ramp, not counted) in instruction-counted
# guests (vm/guest.sh GUEST_CLOCK=icount), for make bench and the floor of
# make check: guest time there is guest instructions, so short runs repeat.
ICOUNT_RUNTIME=300ms
ICOUNT_RAMP=100ms
# The all-CPUs jobs run ten times longer: the counter makes each vCPU's
# instructions repeat, but the vCPUs take turns, and where the turns fall
# against fio's I/O changes from run to run. Over 300 ms that moved such a
# job's IOPS by several percent; over 3 s it averages out to under 1%.
ICOUNT_ALLCPUS_RUNTIME=3s

# Kernel log lines that mean the guest kernel is unwell: they fail the
# case during which they appear, and the whole run if they appear at all
# (kernel_log_findings).
BAD_KERNEL_LOG='WARNING:|BUG:|Oops|general protection|KFENCE|list_add corruption|list_del corruption|blocked for more than|Call Trace:|kernel BUG|UBSAN|slab error|Poison overwritten|Object padding|Redzone'

# kernel_log_findings [AFTER]: the lines of a kernel log (on stdin) that
# match BAD_KERNEL_LOG (with AFTER, a regex, only those after the first
# line it matches), but for KCSAN's data-race reports (the kcsan kernel of
# make check-debug) whose racing accesses are both outside ramdisk's
# code: those are races elsewhere in the kernel, which kcsan_elsewhere
# lists, not findings against the driver, even when a stack passes
# through it (the driver ends requests, and wbt_done() races there). A
# report's title, "BUG: KCSAN: data-race in A / B", names the functions
# of the two accesses; the report runs to the rule of "=" (20 or more)
# that closes it.
KCSAN_TITLE='^([[] *[0-9.]+[]] )?BUG: KCSAN: '
kernel_log_findings() {
	awk -v bad="$BAD_KERNEL_LOG" -v title="$KCSAN_TITLE" -v after="${1:-}" '
	after != "" { if ($0 ~ after) after = ""; next }
	$0 ~ title { report = 1; ours = /ramdisk/ }
	report {
		if (ours && $0 ~ bad) print
		if (/====================$/) report = 0
		next
	}
	$0 ~ bad'
}

# kcsan_elsewhere: the titles of the KCSAN reports in a kernel log (on
# stdin) whose accesses are outside ramdisk's code, each once with its
# count.
kcsan_elsewhere() {
	sed -En "s/$KCSAN_TITLE//p" | grep -v ramdisk | sort | uniq -c | sort -rn
}

# Where tools/export records each export before making it, so that
# unexport can finish one a killed run left half-made. /run is emptied at
# boot, as nvmet's configfs tree is.
EXPORT_RECORDS=/run/ramdisk/export

# build_dir KVER: where ramdisk.ko for that kernel is built, on the host
# and as the guest sees it; one folder per kernel, whose objects must
# not mix.
build_dir() {
	echo "$top/.cache/build/$1"
}

# memcpy_bw: the bench guests' copy ceiling (bench/memcpy-bw.c), built on
# the host and run in the guests.
memcpy_bw() {
	echo "$top/.cache/build/memcpy-bw"
}

# ab_build_dir KVER NAME: where make bench builds ramdisk.ko with
# bench/ab/NAME.patch applied, for its A/B rows.
ab_build_dir() {
	echo "$top/.cache/build/$1-ab/$2"
}

# module_version: the version in dkms.conf, the one place it is written
# (Kbuild reads it there too, for MODULE_VERSION).
module_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf"
}

# ramdisk_major: the major number ramdisk registered. brd registers the
# name "ramdisk" too, with major 1.
ramdisk_major() {
	awk '$2 == "ramdisk" && $1 != 1 {print $1}' /proc/devices
}
