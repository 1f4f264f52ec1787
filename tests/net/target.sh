#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The target of the two-guest test: exports /dev/ramdisk on the private
# link, serves the initiator until it disconnects, then checks on the disk
# itself the bytes the initiator wrote through the fabric.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"

# connections: established TCP connections to the NVMe/TCP port.
connections() {
	ss -Htn state established '( sport = :4420 )' | wc -l
}

# wait_connections none|some SECONDS: waits up to SECONDS for there to be
# no connection, or some.
wait_connections() {
	local deadline=$((SECONDS + $2)) now
	while now=$(connections); do
		if [ "$1" = none ] && [ "$now" -eq 0 ]; then return 0; fi
		if [ "$1" = some ] && [ "$now" -gt 0 ]; then return 0; fi
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.5
	done
}

case_serve() {
	local out warning
	load size=${DISK_MIB}M
	out=$("$EXPORT" nvme /dev/ramdisk --addr "$TARGET_ADDR" 2>/tmp/warning)
	expect_eq "connect line" "$out" "nvme connect -t tcp -a $TARGET_ADDR -s 4420 -n $NQN"
	warning=$(cat /tmp/warning)
	expect_eq "warning" "$warning" "export: warning: $TARGET_ADDR is not loopback: any host that reaches it may read and write /dev/ramdisk, unauthenticated and unencrypted"
	echo "# exported; waiting for the initiator"
	wait_connections some 600 || fail "the initiator did not connect in 600 s"
	echo "# the initiator connected ($(connections) connections)"
	wait_connections none 1800 || fail "the initiator did not disconnect in 1800 s"
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	# What the initiator left: a clean ext4, its file, and fio's blocks.
	e2fsck -fn /dev/ramdisk >/tmp/fsck.out 2>&1 || fail "fsck: $(tail -n 5 /tmp/fsck.out)"
	mkdir -p /mnt/net
	# Read-write: fio opens its file so even to verify only. The
	# initiator is gone.
	mount /dev/ramdisk /mnt/net
	cmp /mnt/net/file <(pattern "$FILE_SEED" "$FILE_BYTES") ||
		fail "the initiator's file differs on the target"
	# The initiator's job again, reading only: its blocks and checksums.
	fio --name=fabric --filename=/mnt/net/fabric.fio --size=32M \
		--rw=randwrite --bsrange=4k-1M --verify=crc32c --verify_only \
		--verify_state_save=0 --verify_fatal=1 \
		--output-format=terse >/tmp/verify.out 2>&1 ||
		fail "fio verify_only of the initiator's blocks: $(tail -n 5 /tmp/verify.out)"
	umount /mnt/net
	[ -z "${NET_BENCH:-}" ] || bench_rows /dev/ramdisk
}

run_case "exports on the private link, serves the initiator, finds its bytes" case_serve
