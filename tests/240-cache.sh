#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The volatile write cache and power loss: the settings and each refusal;
# what a flush, a FUA write, a discard and a full cache make durable, and
# what a power loss then drops; seeded losses against a model of the
# kernel's generator; zoned disks, whose zones keep a prefix of their
# writes and whose write pointers follow; ext4, xfs, btrfs and zoned
# btrfs cut off at several points, on replay and fsck; a power loss under
# fio at QD32 on every CPU.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

DEV=/dev/ramdisk-c
C=$CFS/c

# cache NAME: a counter of /sys/block/ramdisk-c/cache.
cache() {
	cat "/sys/block/ramdisk-c/cache/$1"
}

# io OP...: tests/cache-io.py's operations on the disk.
io() {
	python3 "$top/tests/cache-io.py" "$DEV" "$C" "$@"
}

case_settings() {
	refuse_load "cache_size=65537" EINVAL "cache_size=65537 is out of range: allowed 0..65536"
	refuse_load "fua=2" EINVAL "fua=2 is out of range: allowed 0..1"
	DEV=/dev/ramdisk load "cache_size=1"
	expect_eq "write_cache with a cache" "$(DEV=/dev/ramdisk sysattr queue/write_cache)" "write back"
	expect_eq "fua with a cache" "$(DEV=/dev/ramdisk sysattr queue/fua)" 1
	unload
	DEV=/dev/ramdisk load
	expect_eq "write_cache without" "$(DEV=/dev/ramdisk sysattr queue/write_cache)" "write through"
	unload
	load_none
	mkdir "$C"
	expect_refused EINVAL "cache_size=70000 is out of range: allowed 0..65536" \
		write "$C/cache_size" 70000
	expect_refused ENODEV "power_loss: ramdisk-c is not powered" write "$C/power_loss" 1
	echo 1 >"$C/cache_size"
	echo 0 >"$C/fua"
	echo 1 >"$C/power"
	wait_for_dev
	expect_eq "fua=0" "$(sysattr queue/fua)" 0
	expect_eq "write_cache with fua=0" "$(sysattr queue/write_cache)" "write back"
	expect_refused EBUSY "cache_size: ramdisk-c is powered; write 0 to power first" \
		write "$C/cache_size" 2
	for bad in 2 "seed=x" "keep=5" "seed=1 keep=101" "seed=1 colour=red"; do
		expect_refused EINVAL "power_loss=$bad is invalid: allowed 0, 1, or seed=S [keep=0..100]" \
			write "$C/power_loss" "$bad"
	done
	echo 1 >"$C/power_loss"
	expect_eq "power_loss" "$(cat "$C/power_loss")" 1
	expect_refused EALREADY "power_loss: ramdisk-c has lost power already; write 0 first" \
		write "$C/power_loss" "seed=3"
	echo 0 >"$C/power_loss"
	echo "seed=3 keep=20" >"$C/power_loss"
	expect_eq "power_loss" "$(cat "$C/power_loss")" "seed=3 keep=20"
	echo 0 >"$C/power_loss"
	expect_eq "power_loss" "$(cat "$C/power_loss")" 0
	cfs_remove c
	cfs_disk c
	expect_refused EINVAL "power_loss: ramdisk-c has no volatile write cache (cache_size=0)" \
		write "$C/power_loss" 1
}

# The rules, one at a time; blocks are 4 KiB, each check after a power
# loss. A write is volatile until a flush; FUA, discard and write-zeroes
# are durable at once.
case_rules() {
	load_none
	cfs_disk c size=8M cache_size=4
	# Written, flushed, written: the second is lost.
	io w:0:1 f w:1:2 c:0:1 c:1:2 p:1 c:0:1 c:1:0
	expect_eq "dropped_writes" "$(cache dropped_writes)" 1
	expect_eq "kept_writes" "$(cache kept_writes)" 0
	expect_eq "volatile_bytes after the loss" "$(cache volatile_bytes)" 0
	# While power is lost, writes end and store nothing.
	io w:2:3 c:2:0
	expect_eq "lost_writes" "$(cache lost_writes)" 1
	io p:0 w:2:3 c:2:3
	expect_eq "volatile_bytes" "$(cache volatile_bytes)" 4096
	# A FUA write survives without a flush; a volatile one beside it not.
	expect_eq "a FUA write" "$(probe fua 24 4096)" OK
	io w:4:5 p:1 c:2:0 b:3:a5 c:4:0 p:0
	expect_eq "fua_writes" "$(cache fua_writes)" 1
	# A flush makes what came before it durable, and nothing after.
	io w:5:6 w:6:7 f w:7:8 p:1 c:5:6 c:6:7 c:7:0 p:0
	# An overwrite is lost, down to what was flushed beneath it.
	io w:8:9 f w:8:10 p:1 c:8:9 p:0
	# A FUA write over a volatile one: the FUA data stays, whatever
	# newer volatile write of the block is lost.
	io w:9:11
	expect_eq "a FUA write" "$(probe fua 72 4096)" OK
	io w:9:13 c:9:13 p:1 b:9:a5 p:0
	# A discard and a write of zeroes are durable: the volatile data
	# beneath them does not come back.
	io w:10:14:2 f w:10:15:2 d:10:1 z:11:1 p:1 c:10:0:2 p:0
	# A clean power-off writes the cache back, as a drive does.
	io w:12:16
	echo 0 >"$C/power"
	echo 1 >"$C/power"
	wait_for_dev
	io c:12:16 p:1 c:12:16
	expect_eq "flushes" "$(cache flushes)" 0
}

# The page store: a lost write gives its pages back; the cache's copies
# count in allocated_bytes, and held_bytes says how much of it is theirs.
case_pages() {
	load_none
	cfs_disk c size=8M cache_size=4 backing=pages
	io w:0:1:4 f
	expect_eq "allocated_bytes" "$(sysattr allocated_bytes)" 16384
	io w:0:2:2 w:8:3:4
	expect_eq "held_bytes" "$(cache held_bytes)" 24576
	expect_eq "allocated_bytes with copies" "$(sysattr allocated_bytes)" $((32768 + 24576))
	io p:1 c:0:1:4 c:8:0:4
	expect_eq "allocated_bytes after the loss" "$(sysattr allocated_bytes)" 16384
	expect_eq "held_bytes after the loss" "$(cache held_bytes)" 0
	# A discard of volatile data gives the pages back at once; the
	# copies go at the loss, and nothing comes back beneath the discard.
	io p:0 w:16:4:4 d:16:4
	expect_eq "allocated_bytes after the discard" "$(sysattr allocated_bytes)" $((16384 + 16384))
	io p:1 c:16:0:4
	expect_eq "allocated_bytes at last" "$(sysattr allocated_bytes)" 16384
}

# A full cache writes its oldest write back first: with 1 MiB, the fifth
# write of 256 KiB makes the first durable, and only it.
case_write_back() {
	load_none
	cfs_disk c size=8M cache_size=1
	io w:0:1:64 w:64:2:64 w:128:3:64 w:192:4:64
	expect_eq "written_back while it fits" "$(cache written_back)" 0
	io w:256:5:64
	expect_eq "written_back" "$(cache written_back)" 1
	expect_eq "volatile_bytes" "$(cache volatile_bytes)" 1048576
	io p:1 c:0:1:64 c:64:0:64 c:128:0:64 c:192:0:64 c:256:0:64 p:0
	# A write longer than the cache is written through, after what the
	# cache holds. (Requests up to 4 MiB, so that 2 MiB is one.)
	echo 4096 >/sys/block/ramdisk-c/queue/max_sectors_kb
	io w:0:6:64 w:512:7:512 p:1 c:0:6:64 c:512:7:512
	expect_eq "written_back" "$(cache written_back)" 2
}

# Seeded losses: each outcome is the model's, the same seed repeats and
# another differs; keep=0 and keep=100 are the extremes.
case_seeded() {
	local first second other kept dropped choices
	load_none
	cfs_disk c size=8M cache_size=4
	first=$(io model 1 50 40)
	expect_eq "the counters" "$(cache kept_writes) $(cache dropped_writes)" "${first% *}"
	echo 0 >"$C/power_loss"
	second=$(io model 1 50 40)
	echo 0 >"$C/power_loss"
	other=$(io model 2 50 40)
	echo 0 >"$C/power_loss"
	expect_eq "the same seed" "$second" "$first"
	[ "${other##* }" != "${first##* }" ] || fail "seeds 1 and 2 kept the same writes: $first"
	[[ ${first##* } == *K* && ${first##* } == *D* ]] ||
		fail "keep=50 kept all or nothing: $first"
	read -r kept dropped choices <<<"$(io model 3 100 40)"
	[ "$dropped" -eq 0 ] || fail "keep=100 dropped $dropped writes: $choices"
	echo 0 >"$C/power_loss"
	read -r kept dropped choices <<<"$(io model 3 0 40)"
	[ "$kept" -eq 0 ] || fail "keep=0 kept $kept writes: $choices"
}

# Zones of 1 MiB, in 512-byte sectors, as zone_op counts them; Zn is zone
# n's start. In 4 KiB blocks, as tests/cache-io.py counts, zone n starts
# at block 256 n.
ZONE=2048
Z1=$ZONE Z2=$((2 * ZONE)) Z3=$((3 * ZONE)) Z4=$((4 * ZONE))

# power_back: the power comes back. A zoned disk's by power 0 and 1: the
# block layer may keep write pointers of its own, and a drive whose power
# came back is a new device to it.
power_back() {
	if [ "$(cat "$C/zoned")" = 1 ]; then
		echo 0 >"$C/power"
		echo 1 >"$C/power"
		wait_for_dev "$DEV"
	else
		echo 0 >"$C/power_loss"
	fi
}

# The cache above the zone model: a zone keeps a prefix of its writes,
# and its write pointer goes back to the first it lost; a FUA write, a
# reset and a finish make the zone's older writes durable.
case_zoned() {
	kernel_has CONFIG_BLK_DEV_ZONED || skip "this kernel has no CONFIG_BLK_DEV_ZONED"
	load_none
	cfs_disk c zoned=1 size=16M zone_size=1 zone_nr_conv=1 cache_size=4
	# A flush keeps zone 1's first two writes, and a conventional write.
	io w:0:1 w:256:2 w:257:3 f w:258:4 w:259:5 w:1:6
	expect_zone $Z1 "oi 32"
	# A FUA write in zone 2 keeps the zone's older writes, not its newer.
	io w:512:7 w:513:8
	expect_eq "a FUA write" "$(probe fua $((Z2 + 16)) 4096)" OK
	io w:515:9 w:768:10
	expect_eq "an append" "$(probe append $Z4 4096)" OK
	io p:1
	expect_zone $Z1 "cl 16"
	expect_zone $Z2 "cl 24"
	expect_zone $Z3 "em 0"
	expect_zone $Z4 "em 0"
	io c:0:1 c:1:0 c:256:2 c:257:3 c:258:0:2 c:512:7 c:513:8 b:514:a5 \
		c:515:0 c:768:0 c:1024:0
	expect_eq "dropped_writes" "$(cache dropped_writes)" 6
	# Writes into the lost power end, but a sequential zone's fail: no
	# write pointer moves.
	mark
	expect_eq "an append into the lost power" "$(probe append $Z1 4096)" EIO
	dmesg_since | grep -qF "ramdisk-c: ZONE_APPEND at sector $Z1 + 8: the power is lost" ||
		fail "no log line for the append into the lost power"
	io w:2:11 c:2:0 c:258:0
	expect_zone $Z1 "cl 16"
	expect_eq "lost_writes" "$(cache lost_writes)" 2
	expect_refused EINVAL "power_loss=0 is invalid for zoned ramdisk-c: the block layer may keep write pointers of its own" \
		write "$C/power_loss" 0
	power_back
	# Back on, zone 1 is written at its write pointer as it is now.
	io w:258:12 f c:258:12
	expect_zone $Z1 "oi 24"
	# A reset is durable: the zone's older writes do not come back.
	io w:259:13
	expect_eq "reset" "$(zone_op reset $Z1)" OK
	io w:256:14 p:1 c:256:0:4
	expect_zone $Z1 "em 0"
	power_back
	# A finish is durable, with the zone's older writes.
	io w:768:15
	expect_eq "finish" "$(zone_op finish $Z3)" OK
	io w:1024:16 p:1 c:768:15
	expect_zone $Z3 "fu $ZONE"
	expect_zone $Z4 "em 0"
}

# Seeded losses on a zoned disk: every zone keeps a prefix of its writes,
# as the model says, and reports its write pointer there.
case_zoned_seeded() {
	local first second other
	kernel_has CONFIG_BLK_DEV_ZONED || skip "this kernel has no CONFIG_BLK_DEV_ZONED"
	load_none
	cfs_disk c zoned=1 size=16M zone_size=1 zone_nr_conv=1 cache_size=4
	first=$(io zmodel 1 50 40)
	expect_eq "the counters" "$(cache kept_writes) $(cache dropped_writes)" "${first% *}"
	power_back
	second=$(io zmodel 1 50 40)
	power_back
	other=$(io zmodel 2 70 40)
	expect_eq "the same seed" "$second" "$first"
	[ "${other##* }" != "${first##* }" ] || fail "seeds 1 and 2 kept the same writes: $first"
	[[ ${first##* } == *K* && ${first##* } == *D* ]] ||
		fail "keep=50 kept all or nothing: $first"
}

# crash FS CHECK OPTIONS DONE CUT: on FS mounted at /mnt/c (with mount
# OPTIONS), with DONE files
# fsynced in /mnt/c/d, CUT more are fsynced and the power is cut, and a
# few more written into the lost power; then unmount, power back, mount
# (the journal or log replays), unmount, CHECK must find nothing, and
# every file fsynced before the cut reads back whole.
crash() {
	local fs=$1 check=$2 options=$3 done=$4 cut=$5
	io files /mnt/c/d "$done" $((cut + 6)) "$cut"
	[ "$(cat "$C/power_loss")" = 1 ] || fail "$fs: the power was not cut"
	[ "$(cache dropped_writes)" -gt 0 ] || fail "$fs: the cut dropped nothing"
	umount /mnt/c
	power_back
	mount -t "$fs" -o "$options" "$DEV" /mnt/c
	umount /mnt/c
	$check "$DEV" >/tmp/check.out 2>&1 ||
		fail "$fs, cut after $((done + cut)) files: $check: $(tail -n 5 /tmp/check.out)"
	mount -t "$fs" -o "$options" "$DEV" /mnt/c
	io verify /mnt/c/d $((done + cut)) 2>/tmp/verify.out ||
		fail "$fs, cut after $((done + cut)) files: $(cat /tmp/verify.out)"
}

# fs_crashes FS MKFS CHECK OPTIONS CUT CUT SETTING...: FS made once on a
# disk of the SETTINGs, mounted with OPTIONS, cut twice: after the first
# CUT fsynced files, then after the second CUT more. The filesystem's
# periodic commits are put off (OPTIONS, or xfs's sysctl), since each is
# a flush: one that came between the unsynced write and the cut would
# leave the cut nothing to drop.
fs_crashes() {
	local config=CONFIG_${1^^}_FS
	kernel_has "$config" || skip "this kernel has no $config"
	load_none
	cfs_disk c cache_size=64 "${@:7}"
	$2 "$DEV" >/dev/null 2>&1 || fail "$2 failed"
	mkdir -p /mnt/c
	mount -t "$1" -o "$4" "$DEV" /mnt/c
	mkdir /mnt/c/d
	# The folder is durable before the first cut, whenever it comes.
	sync -f /mnt/c/d
	crash "$1" "$3" "$4" 0 "$5"
	crash "$1" "$3" "$4" "$5" "$6"
	umount /mnt/c
}

case_ext4() {
	fs_crashes ext4 "mkfs.ext4 -q -F" "e2fsck -fn" commit=3600 0 17 size=400M
}

# xfs forces its log every xfssyncd_centisecs (30 s); 2 hours here.
case_xfs() {
	local sync=/proc/sys/fs/xfs/xfssyncd_centisecs was
	kernel_has CONFIG_XFS_FS || skip "this kernel has no CONFIG_XFS_FS"
	modprobe xfs
	was=$(cat "$sync")
	echo 720000 >"$sync"
	fs_crashes xfs "mkfs.xfs -f" "xfs_repair -n" defaults 5 16 size=400M
	echo "$was" >"$sync"
}

case_btrfs() {
	fs_crashes btrfs "mkfs.btrfs -q -f" "btrfs check" commit=300 9 14 size=400M
}

# btrfs finds the zones itself; its data goes by zone append. Without a
# tree log, each fsync commits the transaction. With one, 6.1's zoned
# btrfs warns in btrfs_remove_block_group (block-group.c:1111) when its
# cleaner deletes the log's emptied block group: do_zone_finish() moves
# alloc_offset to the zone's end but not meta_write_pointer (6.12 moves
# both). Without any power loss, it warned in 7 of 8 runs with a cache,
# 1 of 5 without, and 5 of 8 on null_blk; with notreelog, in none of 12
# with cuts and without.
case_btrfs_zoned() {
	kernel_has CONFIG_BLK_DEV_ZONED || skip "this kernel has no CONFIG_BLK_DEV_ZONED"
	fs_crashes btrfs "mkfs.btrfs -q -f" "btrfs check" commit=300,notreelog 7 12 \
		zoned=1 size=1G zone_size=16
}

# Exported over NVMe/TCP on 127.0.0.1: the namespace has a volatile cache
# too (nvmet always says so, and passes flushes to a disk with one), so a
# remote fsync makes the data durable here, and a write without one is
# lost with the power.
case_nvme() {
	local line nqn dev thp
	thp=$(thp_madvise)
	load_none
	cfs_disk c size=64M cache_size=8
	line=$("$EXPORT" nvme "$DEV")
	modprobe nvme-tcp
	$line >/dev/null
	nqn=${line##* }
	dev=$(nvme_disk "$nqn")
	expect_eq "the namespace's write_cache" \
		"$(DEV=$dev sysattr queue/write_cache)" "write back"
	pattern a 65536 >/tmp/a
	pattern b 65536 >/tmp/b
	dd if=/tmp/a of="$dev" bs=64k oflag=direct conv=fsync status=none
	dd if=/tmp/b of="$dev" bs=64k seek=1 oflag=direct status=none
	[ "$(cache flushes)" -gt 0 ] || fail "no flush came through the fabric"
	expect_eq "volatile_bytes" "$(cache volatile_bytes)" 65536
	echo 1 >"$C/power_loss"
	expect_data 0 /tmp/a
	expect_zero 65536 65536
	nvme disconnect -n "$nqn" >/dev/null
	"$EXPORT" unexport "$DEV" >/dev/null
	echo "$thp" >"$THP"
}

# Power lost and restored under fio at QD32 on every CPU: fio ends (its
# writes into the lost power end well), the flushed first 4 MiB are
# intact, and nothing is left allocated.
case_race() {
	local baseline round fio_pid
	baseline=$(driver_allocations)
	load_none
	cfs_disk c size=32M cache_size=8
	pattern base 4194304 >/tmp/base
	write_at 0 /tmp/base
	for round in 1 2; do
		fio --name=race --filename="$DEV" --direct=1 --rw=randwrite \
			--bs=4k --offset=4M --ioengine=libaio --iodepth=32 \
			--numjobs="$NCPU" --time_based --runtime=300 \
			>/tmp/fio.out 2>&1 &
		fio_pid=$!
		until [ "$(cache volatile_bytes)" -gt 0 ]; do sleep 0.1; done
		echo "seed=$round" >"$C/power_loss"
		until [ "$(cache lost_writes)" -gt 0 ]; do sleep 0.1; done
		echo 0 >"$C/power_loss"
		until [ "$(cache volatile_bytes)" -gt 0 ]; do sleep 0.1; done
		echo 1 >"$C/power_loss"
		# fio ends on SIGINT (with status 128+) once its I/O ended.
		kill -INT "$fio_pid"
		wait "$fio_pid" || true
		if ! grep -q "err= 0" /tmp/fio.out || grep -q "err= [1-9]" /tmp/fio.out; then
			fail "fio in round $round: $(grep err= /tmp/fio.out)"
		fi
		echo 0 >"$C/power_loss"
		expect_data 0 /tmp/base
	done
	cfs_remove c
	unload
	expect_allocations "$baseline"
}

run_case "settings: named refusals, queue flags, power_loss as written" case_settings
run_case_paths "flush, FUA, overwrite, discard, zeroes, power-off: what a loss keeps" case_rules
run_case "page store: a lost write's pages come back, a discard's at once; copies in allocated_bytes" case_pages
run_case "a full cache writes back oldest first; a longer write goes through" case_write_back
run_case_modes "seeded losses match the model of the generator, repeat, differ" case_seeded
run_case_backings "zoned: a zone keeps a prefix; write pointers follow; FUA, reset, finish durable" case_zoned
run_case "zoned: seeded losses keep a prefix of each zone, as the model says" case_zoned_seeded
run_case_backings "ext4 cut after 0 fsynced files, then 17 more: replay, fsck clean, those files whole" case_ext4
run_case_backings "xfs cut after 5 fsynced files, then 16 more: replay, fsck clean, those files whole" case_xfs
run_case_backings "btrfs cut after 9 fsynced files, then 14 more: replay, fsck clean, those files whole" case_btrfs
BACKING=pages run_case "zoned btrfs (notreelog) cut after 7 fsynced files, then 12 more: fsck clean, those files whole [backing=pages]" case_btrfs_zoned
run_case "exported over NVMe/TCP: the remote fsync is a flush here" case_nvme
run_case "power lost and restored under fio at QD32 on every CPU" case_race
