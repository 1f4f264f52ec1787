#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The initiator of the two-guest test: connects to the target's export
# over the private link, runs ext4 and fio's verify on it, and
# disconnects, which tells the target to check the bytes.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"

case_use() {
	local dev
	modprobe nvme-tcp
	# The target boots beside us and exports when it is up.
	for _ in $(seq 600); do
		nvme connect -t tcp -a "$TARGET_ADDR" -s 4420 -n "$NQN" >/dev/null 2>&1 &&
			break
		sleep 1
	done
	dev=$(nvme_disk "$NQN")
	expect_eq "size through the fabric" "$(blockdev --getsize64 "$dev")" $((DISK_MIB << 20))
	# Raw rows first: mkfs then overwrites what they wrote.
	[ -z "${NET_BENCH:-}" ] || bench_rows "$dev"
	mkfs.ext4 -q -F "$dev"
	mkdir -p /mnt/net
	mount "$dev" /mnt/net
	pattern "$FILE_SEED" "$FILE_BYTES" >/mnt/net/file
	(cd /mnt/net && fio --name=fabric --filename=fabric.fio --size=32M \
		--rw=randwrite --bsrange=4k-1M --direct=1 --ioengine=libaio \
		--iodepth=16 --verify=crc32c --verify_fatal=1 \
		--output-format=terse >/tmp/verify.out 2>&1) ||
		fail "fio verify over the fabric: $(tail -n 5 /tmp/verify.out)"
	umount /mnt/net
	nvme disconnect -n "$NQN" >/dev/null
}

run_case "connects over the private link; ext4 and fio crc32c verify on it" case_use
