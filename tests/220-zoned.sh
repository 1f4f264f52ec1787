#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Zoned disks (zoned=1): the settings and their refusals; every zone state
# transition and every refusal, checked against blkzone's report after
# each step; zone append and the sector it reports; the open and active
# limits; fio's zonemode=zbd with verify; zones and data across power off
# and on; a thin 64 GiB zoned page store; btrfs and f2fs.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# Zones of 1 MiB (zone_size=1), in 512-byte sectors; Zn is zone n's start.
ZONE=2048
Z1=$ZONE Z2=$((2 * ZONE)) Z3=$((3 * ZONE)) Z4=$((4 * ZONE))
Z5=$((5 * ZONE)) Z6=$((6 * ZONE)) Z7=$((7 * ZONE))
ZONED=(zoned=1 size=16M zone_size=1 zone_nr_conv=1)
# Whether the block layer has zone write plugging (6.10+): it refuses a
# write off the write pointer before the driver sees it, emulates zone
# append, and orders a zone's writes under any scheduler. Before it (6.1)
# the driver is the one that refuses, and mq-deadline orders the writes.
PLUGGING=1
case $(uname -r) in 6.1.*) PLUGGING= ;; esac

# without_plugging LINE: LINE, the driver's log line for a refusal, on a
# kernel without zone write plugging; nothing where the block layer
# refuses first.
without_plugging() {
	[ -n "$PLUGGING" ] || echo "$1"
}

# write_pattern SEED SECTOR BYTES: writes a pattern there, kept in
# /tmp/SEED for expect_data.
write_pattern() {
	pattern "$1" "$3" >"/tmp/$1"
	write_at $(($2 * 512)) "/tmp/$1"
}

case_settings() {
	refuse_load "zoned=2" EINVAL "zoned=2 is out of range: allowed 0..1"
	refuse_load "zoned=1 zone_size=3" EINVAL \
		"zone_size=3 is invalid: allowed a power of two from 1 to 65536 (MiB)"
	refuse_load "zoned=1 queue_mode=bio" EINVAL "zoned=1 needs queue_mode=mq"
	refuse_load "zoned=1 size=64M zone_size=128" EINVAL \
		"zone_size=128 (MiB) is invalid: allowed at most size=67108864"
	refuse_load "zoned=1 zone_size=4 zone_capacity=8" EINVAL \
		"zone_capacity=8 is invalid: allowed 0..zone_size (4)"
	refuse_load "zoned=1 size=10M zone_size=4 zone_capacity=2" EINVAL \
		"size=10485760 is invalid with zone_capacity=2: allowed a multiple of zone_size (4 MiB)"
	refuse_load "${ZONED[*]} zone_nr_conv=16" EINVAL \
		"zone_nr_conv=16 is invalid: allowed 0..15 (the disk has 16 zones, one must be sequential)"
	refuse_load "${ZONED[*]} zone_max_open=3 zone_max_active=2" EINVAL \
		"zone_max_open=3 is invalid: allowed 0..zone_max_active (2)"
	refuse_load "${ZONED[*]} logical_block_size=4096 zone_append_max_sectors=4" EINVAL \
		"zone_append_max_sectors=4 is invalid: allowed a multiple of logical_block_size (8 sectors)"
	refuse_load "zone_append_max_sectors=9000" EINVAL \
		"zone_append_max_sectors=9000 is out of range: allowed 0..8192"
	# Not zoned unless asked.
	load
	expect_eq "zoned by default" "$(sysattr queue/zoned)" none
	unload
	# A size that is not a whole number of zones: a smaller last zone.
	load zoned=1 size=10M zone_size=4
	expect_eq "zones" "$(sysattr queue/nr_zones)" 3
	blkzone report -o 16384 "$DEV" | grep -q "len 0x001000, cap 0x001000" ||
		fail "last zone: $(blkzone report -o 16384 "$DEV")"
	# No discard: a zone gives its memory back by a reset.
	expect_eq "discard_max_bytes" "$(sysattr queue/discard_max_bytes)" 0
	! blkdiscard -o 0 -l 1048576 "$DEV" 2>/tmp/discard.err ||
		fail "blkdiscard of a zoned disk succeeded"
	grep -q "Operation not supported" /tmp/discard.err ||
		fail "blkdiscard said: $(cat /tmp/discard.err)"
	unload
	# configfs: each setting alone is taken, the mix is refused at power
	# on, and nothing is made.
	insmod "$KO" nr_disks=0
	mkdir "$CFS/b"
	echo bio >"$CFS/b/queue_mode"
	echo 1 >"$CFS/b/zoned"
	expect_refused EINVAL "zoned=1 needs queue_mode=mq" write "$CFS/b/power" 1
	expect_eq "power after refusal" "$(cat "$CFS/b/power")" 0
	expect_refused EINVAL "zone_readonly: ramdisk-b is not a powered zoned disk" \
		write "$CFS/b/zone_readonly" 0
	expect_refused EINVAL "zone_offline=x is not a sector number" \
		write "$CFS/b/zone_offline" x
}

# Every transition the report can show, and every refusal, with its errno
# and log line; what was written reads back, and nothing past a write
# pointer but zeroes.
case_states() {
	local dead=$Z6
	insmod "$KO" nr_disks=0
	cfs_disk z "${ZONED[@]}" backing="$BACKING"
	DEV=/dev/ramdisk-z
	expect_cond 0 nw
	expect_zone $Z1 "em 0"
	write_pattern a $Z1 4096
	expect_zone $Z1 "oi 8"
	expect_errno EIO "$(without_plugging "ramdisk-z: WRITE at sector $Z1 + 8: not at the write pointer")" dd_io write $Z1 4096
	expect_errno EIO "$(without_plugging "not at the write pointer")" dd_io write $((Z1 + 16)) 4096
	expect_zone $Z1 "oi 8"
	expect_errno OK "" zone_op close $Z1
	expect_zone $Z1 "cl 8"
	expect_errno OK "" zone_op close $Z1
	expect_errno OK "" zone_op open $Z1
	expect_zone $Z1 "oe 8"
	write_pattern b $((Z1 + 8)) 4096
	expect_zone $Z1 "oe 16"
	expect_errno OK "" zone_op close $Z1
	write_pattern c $((Z1 + 16)) 4096
	expect_zone $Z1 "oi 24"
	# An empty zone opened and closed is empty again; closing an empty
	# one is refused.
	expect_errno OK "" zone_op open $Z2
	expect_zone $Z2 "oe 0"
	expect_errno OK "" zone_op close $Z2
	expect_zone $Z2 "em 0"
	expect_errno EIO "ZONE_CLOSE at sector $Z2 + 0: the zone is empty" zone_op close $Z2
	# Finished: full, and refuses writes, open and close.
	expect_errno OK "" zone_op finish $Z1
	expect_zone $Z1 "fu $ZONE"
	expect_errno EIO "the zone is full" dd_io write $((Z1 + 24)) 4096
	expect_errno EIO "ZONE_OPEN at sector $Z1 + 0: the zone is full" zone_op open $Z1
	expect_errno EIO "ZONE_CLOSE at sector $Z1 + 0: the zone is full" zone_op close $Z1
	expect_errno OK "" zone_op finish $Z1
	expect_data $((Z1 * 512)) /tmp/a
	expect_data $(((Z1 + 8) * 512)) /tmp/b
	expect_data $(((Z1 + 16) * 512)) /tmp/c
	expect_zero $(((Z1 + 24) * 512)) 8192
	# Reset: empty, and the data gone.
	expect_errno OK "" zone_op reset $Z1
	expect_zone $Z1 "em 0"
	expect_zero $((Z1 * 512)) 12288
	write_pattern d $Z1 4096
	expect_data $((Z1 * 512)) /tmp/d
	# A conventional zone takes writes anywhere, and no zone operation.
	write_pattern e 100 4096
	expect_data 51200 /tmp/e
	expect_errno EIO "$(without_plugging "ZONE_RESET at sector 0 + 0: a conventional zone")" zone_op reset 0
	# Read-only: readable, not writable, not resettable; set again, empty.
	write_pattern f $Z3 4096
	echo $((Z3 + 9)) >"$CFS/z/zone_readonly"
	expect_cond $Z3 ro
	expect_errno EIO "the zone is read-only" dd_io write $((Z3 + 8)) 4096
	expect_data $((Z3 * 512)) /tmp/f
	expect_errno EIO "ZONE_RESET at sector $Z3 + 0: the zone is read-only" zone_op reset $Z3
	echo $Z3 >"$CFS/z/zone_readonly"
	expect_zone $Z3 "em 0"
	expect_zero $((Z3 * 512)) 4096
	# Offline: neither read nor written.
	echo $dead >"$CFS/z/zone_offline"
	expect_cond $dead of
	expect_eq "a read of an offline zone" "$(dd_io read $dead 4096)" EIO
	expect_errno EIO "the zone is offline" dd_io write $dead 4096
	expect_refused EINVAL "ramdisk-z: sector 100 is in conventional zone 0, which has no condition to set" \
		write "$CFS/z/zone_offline" 100
	expect_refused EINVAL "ramdisk-z: sector 32768 is beyond capacity 32768" \
		write "$CFS/z/zone_readonly" 32768
	# Reset of every zone at once (REQ_OP_ZONE_RESET_ALL): the offline
	# zone stays offline.
	write_pattern g $Z2 4096
	expect_eq "reset all" "$(zone_op reset 0 32768)" OK
	expect_zone $Z1 "em 0"
	expect_zone $Z2 "em 0"
	expect_cond $dead of
	expect_zero $((Z2 * 512)) 4096
	expect_data 51200 /tmp/e
}

# zone_capacity below zone_size: a zone is full at its capacity.
case_capacity() {
	load zoned=1 size=16M zone_size=2 zone_capacity=1
	blkzone report -c 1 "$DEV" | grep -q "len 0x001000, cap 0x000800" ||
		fail "report: $(blkzone report -c 1 "$DEV")"
	write_pattern a 0 $((1020 << 10))
	expect_errno EIO "ramdisk: WRITE at sector 2040 + 16: past the zone's capacity" dd_io write 2040 8192
	expect_zone 0 "oi 2040"
	write_pattern b 2040 4096
	expect_zone 0 "fu 2048"
	expect_data 0 /tmp/a
}

# probe_append SECTOR BYTES: a zone append through the block layer
# (tests/rdprobe); prints OK or the errno's name, and the sector the disk
# said it wrote at, from the log.
probe_append() {
	local result
	mark
	result=$(probe append "$1" "$2")
	echo "$result $(dmesg_since | sed -n 's/.*rdprobe: append .*written at \([0-9]*\)$/\1/p')"
}

# Zone append goes to the write pointer and says where: natively on both
# kernels, and on one whose block layer emulates it, with
# zone_append_max_sectors=0.
case_append() {
	load "${ZONED[@]}"
	expect_eq "first append" "$(probe_append $Z1 4096)" "OK $Z1"
	expect_eq "second append" "$(probe_append $Z1 4096)" "OK $((Z1 + 8))"
	expect_zone $Z1 "oi 16"
	cmp -s <(read_at $(((Z1 + 8) * 512)) 4096) <(head -c 4096 /dev/zero | tr '\0' '\245') ||
		fail "the second append's data is not at sector $((Z1 + 8))"
	# Refused by the block layer of 6.1 already, by the driver on 6.12.
	expect_eq "append to a conventional zone" "$(probe append 0 4096)" EIO
	expect_eq "finish" "$(zone_op finish $Z1)" OK
	expect_eq "append to a full zone" "$(probe append $Z1 4096)" EIO
	unload
	if [ -z "$PLUGGING" ]; then
		refuse_load "${ZONED[*]} zone_append_max_sectors=0" EINVAL \
			"zone_append_max_sectors=0 is invalid: this kernel's block layer does not emulate zone append"
		return
	fi
	mark
	load "${ZONED[@]}" zone_append_max_sectors=0
	dmesg_since | grep -qF "ramdisk: zoned, 16 zones of 1 MiB (1 conventional), zone append emulated" ||
		fail "no log line for emulated zone append"
	write_pattern a $Z2 4096
	expect_eq "emulated append" "$(probe_append $Z2 4096)" "OK $((Z2 + 8))"
	expect_zone $Z2 "oi 16"
}

# The open limit closes an implicitly open zone to make room, and refuses
# an explicit open when none can be closed; the active limit refuses a
# zone that would become active.
case_limits() {
	local z
	load "${ZONED[@]}" zone_max_open=2 zone_max_active=3
	expect_eq "max_open_zones" "$(sysattr queue/max_open_zones)" 2
	expect_eq "max_active_zones" "$(sysattr queue/max_active_zones)" 3
	for z in $Z1 $Z2 $Z3; do
		write_pattern "z$z" "$z" 4096
	done
	expect_zone $Z1 "cl 8"
	expect_zone $Z2 "oi 8"
	expect_zone $Z3 "oi 8"
	# Three active: a fourth zone may not become active, by a write or
	# an open.
	expect_errno EOVERFLOW "active zones exceeded error" dd_io write $Z4 4096
	expect_errno EOVERFLOW "active zones exceeded error" zone_op open $Z4
	expect_zone $Z4 "em 0"
	# Finishing two leaves one active: two explicit opens fill the open
	# limit with nothing implicit to close, so a third is refused.
	expect_errno OK "" zone_op finish $Z1
	expect_errno OK "" zone_op finish $Z2
	expect_errno OK "" zone_op open $Z3
	expect_errno OK "" zone_op open $Z4
	expect_errno ETOOMANYREFS "open zones exceeded error" zone_op open $Z5
	expect_errno ETOOMANYREFS "" dd_io write $Z5 4096
	expect_zone $Z5 "em 0"
	for z in $Z1 $Z2 $Z3; do
		expect_data $((z * 512)) "/tmp/z$z"
	done
	unload
	# Many zones written in turn through a small open limit: each new one
	# closes an older one, and every write lands.
	load "${ZONED[@]}" zone_max_open=2
	for z in 1 2 3 4 5 6 7 8 9 10; do
		write_pattern "m$z" $((z * ZONE)) 8192
	done
	for z in 1 2 3 4 5 6 7 8 9 10; do
		expect_data $((z * ZONE * 512)) "/tmp/m$z"
	done
	expect_eq "open zones" "$(blkzone report "$DEV" | grep -c '(oi)')" 2
	expect_eq "closed zones" "$(blkzone report "$DEV" | grep -c '(cl)')" 8
}

# fio's zoned mode: sequential writes at QD8 across every sequential zone,
# checked by crc32c, then random reads, under each scheduler the kernel
# allows: 6.1 orders a zone's writes with mq-deadline only; 6.12's zone
# write plugging does it under none too.
case_fio() {
	local sched scheds="none mq-deadline"
	[ -n "$PLUGGING" ] || scheds=mq-deadline
	load zoned=1 size=32M zone_size=1 zone_nr_conv=2 zone_max_open=4
	for sched in $scheds; do
		echo "$sched" >"/sys/block/ramdisk/queue/scheduler"
		expect_eq "zone reset" "$(zone_op reset 0 65536)" OK
		fio --name=zbd-write --filename="$DEV" --zonemode=zbd --direct=1 \
			--ioengine=libaio --iodepth=8 --rw=write --bs=64k \
			--offset=2M --verify=crc32c --do_verify=1 \
			--output-format=terse --terse-version=3 >/tmp/fio-zbd 2>&1 ||
			fail "fio write+verify under $sched: $(tail -n 5 /tmp/fio-zbd)"
		awk -F';' '/^3;/ {n++; if ($5 != 0) bad=1} END {exit bad || n != 1}' /tmp/fio-zbd ||
			fail "fio write+verify under $sched: $(cat /tmp/fio-zbd)"
		expect_eq "full zones under $sched" "$(blkzone report "$DEV" | grep -c '(fu)')" 30
		fio --name=zbd-read --filename="$DEV" --zonemode=zbd --direct=1 \
			--ioengine=libaio --iodepth=8 --rw=randread --bs=16k \
			--offset=2M --io_size=8M --output-format=terse \
			--terse-version=3 >/tmp/fio-zbd 2>&1 ||
			fail "fio randread under $sched: $(tail -n 5 /tmp/fio-zbd)"
	done
}

# A configfs disk powered off and on keeps its zones and its data: open
# zones come back closed (or empty if unwritten), as a drive's do after a
# power cycle; full, read-only and offline ones stay so. Changed zones
# start over, empty.
case_power() {
	insmod "$KO" nr_disks=0
	cfs_disk p "${ZONED[@]}" backing="$BACKING"
	DEV=/dev/ramdisk-p
	write_pattern a $Z1 4096
	expect_eq "open" "$(zone_op open $Z2)" OK
	write_pattern b $Z3 4096
	expect_eq "close" "$(zone_op close $Z3)" OK
	write_pattern c $Z4 4096
	expect_eq "finish" "$(zone_op finish $Z4)" OK
	echo $Z5 >"$CFS/p/zone_readonly"
	echo $Z6 >"$CFS/p/zone_offline"
	expect_eq "open" "$(zone_op open $Z7)" OK
	write_pattern d $Z7 4096
	write_pattern e 8 4096
	echo 0 >"$CFS/p/power"
	echo 1 >"$CFS/p/power"
	wait_for_dev
	expect_zone $Z1 "cl 8"
	expect_zone $Z2 "em 0"
	expect_zone $Z3 "cl 8"
	expect_zone $Z4 "fu $ZONE"
	expect_cond $Z5 ro
	expect_cond $Z6 of
	expect_zone $Z7 "cl 8"
	for z in a:$Z1 b:$Z3 c:$Z4 d:$Z7 e:8; do
		expect_data $((${z#*:} * 512)) "/tmp/${z%:*}"
	done
	write_pattern f $((Z1 + 8)) 4096
	expect_zone $Z1 "oi 16"
	# Zones of another size: the kept store is dropped.
	echo 0 >"$CFS/p/power"
	echo 2 >"$CFS/p/zone_size"
	mark
	echo 1 >"$CFS/p/power"
	wait_for_dev
	dmesg_since | grep -qF "ramdisk: ramdisk-p: size, backing or zones changed while off: the kept data is dropped" ||
		fail "no log line for the dropped store"
	expect_zone $Z2 "em 0"
	expect_zero $((Z1 * 512)) 4096
	cfs_remove p
	# Without zones, the data stays the same way.
	cfs_disk q size=8M backing="$BACKING"
	DEV=/dev/ramdisk-q write_pattern g 0 8192
	echo 0 >"$CFS/q/power"
	echo 1 >"$CFS/q/power"
	wait_for_dev /dev/ramdisk-q
	DEV=/dev/ramdisk-q expect_data 0 /tmp/g
}

# A 64 GiB zoned page store on a guest of a few GiB: it holds what is
# written, and resets give it back.
case_big() {
	load zoned=1 size=64G zone_size=64 backing=pages
	expect_eq "zones" "$(blkzone report "$DEV" | wc -l)" 1024
	write_pattern a 131072 $((1 << 20))
	write_pattern b $((1000 * 131072)) $((1 << 20))
	write_pattern c $((1023 * 131072)) $((1 << 20))
	expect_eq "allocated_bytes" "$(sysattr allocated_bytes)" $((3 << 20))
	expect_data $((1000 * 131072 * 512)) /tmp/b
	expect_eq "reset" "$(zone_op reset 131072 131072)" OK
	expect_eq "allocated_bytes after one reset" "$(sysattr allocated_bytes)" $((2 << 20))
	expect_eq "reset all" "$(zone_op reset 0 $((64 << 21)))" OK
	expect_eq "allocated_bytes after reset all" "$(sysattr allocated_bytes)" 0
}

# tree_checksum DIR: one checksum over every file's path and content.
tree_checksum() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

# make_tree DIR: 3 folders of 40 files, cut from one pattern.
make_tree() {
	local d
	for d in a b c; do
		mkdir -p "$1/$d"
		pattern "tree$d" $((40 * 7001)) | (cd "$1/$d" && split -b 7001)
	done
}

# fs_round_trip FS: on $DEV, a file system made already: write a tree, unmount, fsck, mount again, compare.
fs_round_trip() {
	local fs=$1 sum
	mkdir -p /mnt/z
	mount -t "$fs" "$DEV" /mnt/z
	make_tree /mnt/z/tree
	sum=$(tree_checksum /mnt/z/tree)
	umount /mnt/z
	case $fs in
	btrfs) btrfs check --readonly "$DEV" >/tmp/fsck.out 2>&1 ;;
	f2fs) fsck.f2fs "$DEV" >/tmp/fsck.out 2>&1 ;;
	esac || fail "fsck of $fs: $(tail -n 5 /tmp/fsck.out)"
	mount -t "$fs" "$DEV" /mnt/z
	expect_eq "$fs tree after remount" "$(tree_checksum /mnt/z/tree)" "$sum"
	umount /mnt/z
}

# btrfs finds the zones itself; f2fs keeps its metadata in conventional
# zones (-m).
case_filesystems() {
	load zoned=1 size=1G zone_size=16 backing=pages
	mkfs.btrfs -q -f "$DEV" >/tmp/mkfs.out 2>&1 ||
		fail "mkfs.btrfs: $(tail -n 5 /tmp/mkfs.out)"
	fs_round_trip btrfs
	unload
	load zoned=1 size=1G zone_size=16 zone_nr_conv=8 backing=pages
	mkfs.f2fs -q -f -m "$DEV" >/tmp/mkfs.out 2>&1 ||
		fail "mkfs.f2fs -m: $(tail -n 5 /tmp/mkfs.out)"
	fs_round_trip f2fs
}

run_case "settings: named refusals, a smaller last zone, no discard, power-on checks" case_settings
run_case_backings "every zone transition and refusal, against the report" case_states
run_case_backings "zone_capacity below zone_size" case_capacity
run_case_backings "zone append goes to the write pointer and reports it" case_append
run_case_backings "open and active limits: implicit close, refusals" case_limits
run_case_backings "fio zonemode=zbd: QD8 writes with crc32c verify, random reads" case_fio
run_case_backings "power off and on keeps zones and data" case_power
run_case "a 64 GiB zoned page store holds what is written; resets free it" case_big
run_case "btrfs and f2fs -m on zoned disks: fsck clean, tree intact" case_filesystems
