#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The user's workflow, typed as a user would: insmod, mkfs.ext4, mount, df,
# fio with crc32 verify on a file, umount, fsck, remount, rmmod.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

MNT=/mnt/ramdisk

case_workflow() {
	modprobe ext4 || fail "modprobe ext4 failed"
	cd "$(dirname "$KO")"
	insmod ramdisk.ko ${QUEUE_MODE:+queue_mode=$QUEUE_MODE} ||
		fail "insmod ramdisk.ko failed"
	wait_for_dev
	mkfs.ext4 -q /dev/ramdisk || fail "mkfs.ext4 failed"
	mkdir -p $MNT
	mount /dev/ramdisk $MNT || fail "mount failed"
	df -h $MNT | grep -q "^/dev/ramdisk " || fail "df does not show the disk"
	local out
	out=$(cd $MNT && fio --name=randomwrite --ioengine=libaio --iodepth=16 \
		--rw=randwrite --size=30M --verify=crc32 \
		--filename=/mnt/ramdisk/randwritedata --output-format=terse \
		--terse-version=3 2>&1) || fail "fio failed: $out"
	# Terse v3 field 5 is the error code; a verify failure makes fio fail.
	[ "$(cut -d';' -f5 <<<"$out")" = 0 ] || fail "fio error: $out"
	cp /etc/services $MNT/services
	head -c 5M /dev/urandom >$MNT/random
	(cd $MNT && sha256sum randwritedata services random) >/tmp/sums
	# rmmod while mounted is refused and harms nothing.
	if rmmod ramdisk 2>/dev/null; then fail "rmmod succeeded while mounted"; fi
	(cd $MNT && sha256sum -c --quiet /tmp/sums) ||
		fail "checksums changed after the refused rmmod"
	umount $MNT || fail "umount failed"
	e2fsck -fn /dev/ramdisk >/tmp/fsck 2>&1 ||
		fail "e2fsck found problems: $(tail -n 5 /tmp/fsck)"
	mount /dev/ramdisk $MNT || fail "remount failed"
	(cd $MNT && sha256sum -c --quiet /tmp/sums) ||
		fail "checksums changed across umount/mount"
	umount $MNT
	rmmod ramdisk || fail "rmmod after umount failed"
}

run_case_modes "insmod, mkfs.ext4, mount, fio crc32 verify, fsck, remount, rmmod" case_workflow
