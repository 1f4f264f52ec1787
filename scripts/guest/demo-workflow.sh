#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo guest: the workflow of README.md, narrated.
set -e
cd "$(dirname "$0")/../.."
ko_dir=.cache/build/$(uname -r)
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "kernel $(uname -r), $(nproc) CPUs"
cd "$ko_dir"
run insmod ramdisk.ko
dmesg | grep 'ramdisk:' | sed 's/^/  dmesg: /'
run lsblk /dev/ramdisk
run cat /sys/block/ramdisk/queue/scheduler /sys/block/ramdisk/queue/max_sectors_kb

step "a filesystem on it"
modprobe ext4
run mkfs.ext4 -q /dev/ramdisk
mkdir -p /mnt/ramdisk
run mount /dev/ramdisk /mnt/ramdisk
run df -h /mnt/ramdisk

step "fio random writes with crc32 verify"
run fio --name=randomwrite --ioengine=libaio --iodepth=16 --rw=randwrite \
	--size=30M --verify=crc32 --filename=/mnt/ramdisk/randwritedata \
	>/tmp/fio.txt
grep -E 'write: IOPS|verify|err=' /tmp/fio.txt | sed 's/^/  /'

step "rmmod while mounted is refused"
rmmod ramdisk || true
run umount /mnt/ramdisk
run e2fsck -fn /dev/ramdisk

step "function_graph of ramdisk_queue_rq (trace-cmd, trimmed)"
cd /tmp
trace-cmd record -q -p function_graph -g ramdisk_queue_rq -o /tmp/rd.dat \
	dd if=/dev/ramdisk of=/dev/null bs=4k count=4 iflag=direct status=none \
	>/dev/null 2>&1
trace-cmd report -i /tmp/rd.dat 2>/dev/null | grep -v '^ *cpus=' |
	grep -vE 'irq|timer|tick|hrtimer|rcu|sched|ktime|jiffies|account|update_' |
	head -n 16

step "the driver's tracepoint, one event per request"
trace-cmd record -q -e ramdisk:ramdisk_rq_done -o /tmp/ev.dat \
	dd if=/dev/zero of=/dev/ramdisk bs=64k count=2 seek=1 oflag=direct status=none \
	>/dev/null 2>&1
trace-cmd report -i /tmp/ev.dat 2>/dev/null | grep ramdisk_rq_done | head -n 4

step "unload"
run rmmod ramdisk
echo "done"
