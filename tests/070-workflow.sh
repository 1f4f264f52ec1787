#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The user's workflow, typed as a user would: insmod, mkfs.ext4, mount, df,
# fio with crc32 verify on a file, umount, fsck, remount, rmmod.
. "$(dirname "$0")/lib.sh"

MNT=/mnt/ramdisk

case_workflow() {
	modprobe ext4 || fail "modprobe ext4 failed" || return 1
	cd "$(dirname "$KO")" || return 1
	insmod ramdisk.ko || fail "insmod ramdisk.ko failed" || return 1
	wait_for_dev || return 1
	mkfs.ext4 -q /dev/ramdisk || fail "mkfs.ext4 failed" || return 1
	mkdir -p $MNT
	mount /dev/ramdisk $MNT || fail "mount failed" || return 1
	df -h $MNT | grep -q "^/dev/ramdisk " || fail "df does not show the disk" ||
		return 1
	local out
	out=$(cd $MNT && fio --name=randomwrite --ioengine=libaio --iodepth=16 \
		--rw=randwrite --size=30M --verify=crc32 \
		--filename=/mnt/ramdisk/randwritedata --output-format=terse \
		--terse-version=3 2>&1) || fail "fio failed: $out" || return 1
	# Terse v3 field 5 is the error code; a verify failure makes fio fail.
	[ "$(cut -d';' -f5 <<<"$out")" = 0 ] || fail "fio error: $out" ||
		return 1
	cp /etc/services $MNT/services
	head -c 5M /dev/urandom >$MNT/random
	(cd $MNT && sha256sum randwritedata services random) >/tmp/sums
	# rmmod while mounted is refused and harms nothing.
	rmmod ramdisk 2>/dev/null && fail "rmmod succeeded while mounted" &&
		return 1
	(cd $MNT && sha256sum -c --quiet /tmp/sums) ||
		fail "checksums changed after the refused rmmod" || return 1
	umount $MNT || fail "umount failed" || return 1
	e2fsck -fn /dev/ramdisk >/tmp/fsck 2>&1 ||
		fail "e2fsck found problems: $(tail -n 5 /tmp/fsck)" || return 1
	mount /dev/ramdisk $MNT || fail "remount failed" || return 1
	(cd $MNT && sha256sum -c --quiet /tmp/sums) ||
		fail "checksums changed across umount/mount" || return 1
	umount $MNT && rmmod ramdisk || fail "rmmod after umount failed"
}

run_case "insmod, mkfs.ext4, mount, fio crc32 verify, fsck, remount, rmmod" case_workflow
