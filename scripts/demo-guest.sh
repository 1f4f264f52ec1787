#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo guest: the workflow of README.md, narrated.
set -e
cd "$(dirname "$0")/.."
top=$PWD
. scripts/project.sh
ko_dir=$(build_dir "$(uname -r)")
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

cd "$top"
step "function_graph of ramdisk_queue_rq(s) (tools/trace graph, trimmed)"
TRACE_CALLS=1 tools/trace graph -- dd if=/dev/ramdisk of=/dev/null bs=4k \
	count=4 iflag=direct status=none

step "the driver's tracepoint, one event per request (tools/trace events)"
TRACE_LINES=4 tools/trace events -- dd if=/dev/zero of=/dev/ramdisk bs=64k \
	count=4 seek=1 oflag=direct status=none

step "per-request latency of a short fio run (tools/trace latency)"
tools/trace latency -o /tmp/lat -- fio --name=lat --filename=/dev/ramdisk \
	--direct=1 --rw=randrw --bs=4k --size=4M --ioengine=psync --output=/dev/null

step "unload"
cd "$ko_dir"
run rmmod ramdisk
echo "done"
