#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Disks made and removed at runtime through configfs: every attribute at
# its bounds, every bad write refused with its errno and a log line, and
# removal refused while a disk is open or mounted.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

POSSIBLE=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))

case_two_disks() {
	local name
	insmod "$KO" nr_disks=0
	cfs_disk a size=32M backing=pages logical_block_size=4096 \
		nr_hw_queues=1 queue_depth=64 max_part=4
	cfs_disk b size=16M backing=linear logical_block_size=512 \
		nr_hw_queues="$POSSIBLE" queue_depth=1024 max_part=256
	expect_eq "a: disk_name" "$(cat $CFS/a/disk_name)" ramdisk-a
	expect_eq "a: power" "$(cat $CFS/a/power)" 1
	expect_eq "a: size" "$(cat $CFS/a/size)" $((32 << 20))
	expect_eq "a: backing" "$(cat $CFS/a/backing)" pages
	DEV=/dev/ramdisk-a
	expect_eq "a: sectors" "$(sysattr size)" $((32 << 11))
	expect_eq "a: logical_block_size" "$(sysattr queue/logical_block_size)" 4096
	expect_eq "a: hardware queues" "$(hw_queues)" 1
	expect_eq "a: nr_requests" "$(sysattr queue/nr_requests)" 64
	expect_eq "a: minors" "$(sysattr range)" 4
	expect_eq "a: allocated_bytes" "$(sysattr allocated_bytes)" 0
	DEV=/dev/ramdisk-b
	expect_eq "b: sectors" "$(sysattr size)" $((16 << 11))
	expect_eq "b: logical_block_size" "$(sysattr queue/logical_block_size)" 512
	expect_eq "b: hardware queues" "$(hw_queues)" "$POSSIBLE"
	expect_eq "b: nr_requests" "$(sysattr queue/nr_requests)" 1024
	expect_eq "b: minors" "$(sysattr range)" 256
	expect_eq "b: allocated_bytes" "$(sysattr allocated_bytes)" $((16 << 20))
	# A bio disk beside them, by null_blk's number for its bio mode.
	cfs_disk c size=8M backing=pages queue_mode=0
	expect_eq "c: queue_mode" "$(cat $CFS/c/queue_mode)" bio
	[ ! -e /sys/block/ramdisk-c/mq ] || fail "c: a bio disk has hardware queues"
	expect_eq "a: queue_mode" "$(cat $CFS/a/queue_mode)" mq
	for name in a b c; do
		DEV=/dev/ramdisk-$name small_io
	done
	expect_eq "a: allocated_bytes after a write" \
		"$(DEV=/dev/ramdisk-a sysattr allocated_bytes)" 4096
	expect_eq "c: allocated_bytes after a write" \
		"$(DEV=/dev/ramdisk-c sysattr allocated_bytes)" 4096
	cfs_remove a
	cfs_remove b
	cfs_remove c
}

# The attribute table in README.md lists exactly what `features` lists,
# and a disk's folder has exactly those attributes.
case_features() {
	local readme listed
	insmod "$KO" nr_disks=0
	mkdir "$CFS/f"
	listed=$(tr ',' '\n' <"$CFS/features" | sort)
	# shellcheck disable=SC2016 # the backquotes are README's
	readme=$(sed -n '/^| attribute | meaning |/,/^$/p' "$top/README.md" |
		sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' | sort)
	expect_eq "README attributes vs features" "$readme" "$listed"
	expect_eq "folder vs features" "$(find "$CFS/f" -mindepth 1 -printf '%f\n' | sort)" "$listed"
	rmdir "$CFS/f"
}

# accept NAME ATTR=VALUE SYSFS-FILE EXPECTED: the disk made with that
# setting shows it in sysfs and does I/O.
accept() {
	local name=$1
	cfs_disk "$name" "$2"
	expect_eq "$2" "$(DEV=/dev/ramdisk-$name sysattr "$3")" "$4"
	DEV=/dev/ramdisk-$name small_io
	cfs_remove "$name"
}

case_bounds() {
	insmod "$KO" nr_disks=0
	accept s1 size=512 size 1
	accept s2 size=1G size $((1 << 21))
	accept s3 size=1048576K size $((1 << 21))
	accept l1 logical_block_size=512 queue/logical_block_size 512
	accept l2 logical_block_size=4096 queue/logical_block_size 4096
	accept q1 queue_depth=1 queue/nr_requests 1
	accept q2 queue_depth=4096 queue/nr_requests 4096
	accept m1 max_part=1 range 1
	accept m2 max_part=256 range 256
	accept b1 backing=linear allocated_bytes $((64 << 20))
	accept b2 backing=pages allocated_bytes 0
	cfs_disk h0 nr_hw_queues=0
	expect_eq "nr_hw_queues=0" "$(DEV=/dev/ramdisk-h0 hw_queues)" "$NCPU"
	cfs_remove h0
	cfs_disk h1 nr_hw_queues="$POSSIBLE"
	expect_eq "nr_hw_queues=$POSSIBLE" "$(DEV=/dev/ramdisk-h1 hw_queues)" "$POSSIBLE"
	cfs_remove h1
	# NAME: 23 characters fill disk_name; any mix of a-z, 0-9 and _.
	cfs_disk abcdefghijklmnopqrstuvw
	cfs_remove abcdefghijklmnopqrstuvw
	cfs_disk 0_9z
	cfs_remove 0_9z
}

# refuse ATTR VALUE LOG-LINE: writing VALUE to ATTR of disk "v" gives
# EINVAL and LOG-LINE, and the attribute keeps its value.
refuse() {
	local before
	before=$(cat "$CFS/v/$1")
	expect_refused EINVAL "$3" write "$CFS/v/$1" "$2"
	expect_eq "$1 after refusing $2" "$(cat "$CFS/v/$1")" "$before"
}

case_invalid() {
	insmod "$KO" nr_disks=0
	mkdir "$CFS/v"
	refuse size 0 "size=0 is invalid: allowed a non-zero multiple of logical_block_size (512)"
	refuse size 1000 "size=1000 is invalid: allowed a non-zero multiple of logical_block_size (512)"
	refuse size lots "size=lots is not a byte count (suffixes K, M, G allowed)"
	refuse logical_block_size 256 "logical_block_size=256 is invalid: allowed a power of two from 512 to 4096"
	refuse logical_block_size 3000 "logical_block_size=3000 is invalid"
	refuse logical_block_size 8192 "logical_block_size=8192 is invalid"
	refuse logical_block_size x "logical_block_size=x is not a number"
	refuse queue_depth 0 "queue_depth=0 is out of range: allowed 1..4096"
	refuse queue_depth 4097 "queue_depth=4097 is out of range: allowed 1..4096"
	refuse queue_depth -1 "queue_depth=-1 is not a number"
	refuse nr_hw_queues $((POSSIBLE + 1)) "nr_hw_queues=$((POSSIBLE + 1)) is out of range: allowed 0..$POSSIBLE"
	refuse poll_queues $((POSSIBLE + 1)) "poll_queues=$((POSSIBLE + 1)) is out of range: allowed 0..$POSSIBLE"
	refuse max_part 0 "max_part=0 is out of range: allowed 1..256"
	refuse max_part 257 "max_part=257 is out of range: allowed 1..256"
	refuse backing disk "backing=disk is invalid: allowed linear or pages"
	refuse queue_mode 1 "queue_mode=1 is invalid: allowed mq (or 2) and bio (or 0)"
	refuse power 2 "power=2 is invalid: allowed 0 or 1"
	# A bio disk has no tag set: its settings keep the module's values
	# (nr_hw_queues is one per CPU, filled in at load), whichever of the
	# two is written second is refused.
	echo 1 >"$CFS/v/nr_hw_queues"
	refuse queue_mode bio "nr_hw_queues=1 has no meaning with queue_mode=bio: allowed $NCPU"
	echo 0 >"$CFS/v/nr_hw_queues"
	refuse queue_mode bio "nr_hw_queues=0 has no meaning with queue_mode=bio: allowed $NCPU"
	echo "$NCPU" >"$CFS/v/nr_hw_queues"
	echo 1 >"$CFS/v/poll_queues"
	refuse queue_mode bio "poll_queues=1 has no meaning with queue_mode=bio: allowed 0"
	echo 0 >"$CFS/v/poll_queues"
	echo bio >"$CFS/v/queue_mode"
	refuse queue_depth 64 "queue_depth=64 has no meaning with queue_mode=bio: allowed 128"
	refuse nr_hw_queues 1 "nr_hw_queues=1 has no meaning with queue_mode=bio: allowed $NCPU"
	refuse poll_queues 1 "poll_queues=1 has no meaning with queue_mode=bio: allowed 0"
	echo mq >"$CFS/v/queue_mode"
	# A size must stay a multiple of the block size: whichever is
	# written second is refused.
	echo 6144 >"$CFS/v/size"
	refuse logical_block_size 4096 "size=6144 is invalid: allowed a non-zero multiple of logical_block_size (4096)"
	echo 8192 >"$CFS/v/size"
	echo 4096 >"$CFS/v/logical_block_size"
	refuse size 6144 "size=6144 is invalid: allowed a non-zero multiple of logical_block_size (4096)"
	# Read-only attributes.
	expect_refused EACCES "" write "$CFS/v/disk_name" x
	expect_refused EACCES "" write "$CFS/features" x
	rmdir "$CFS/v"
	local name
	for name in A 123 a-b a.b abcdefghijklmnopqrstuvwx; do
		expect_refused EINVAL "configfs name '$name' is invalid: allowed 1 to 23 characters of a-z, 0-9 and _, not all digits" \
			mkdir "$CFS/$name"
	done
	# A linear store that cannot fit: ENOMEM at power-on, nothing made.
	mkdir "$CFS/big"
	echo 64G >"$CFS/big/size"
	expect_refused ENOMEM "size=68719476736 is more than the" write "$CFS/big/power" 1
	expect_eq "power after ENOMEM" "$(cat "$CFS/big/power")" 0
	[ ! -e /dev/ramdisk-big ] || fail "/dev/ramdisk-big exists"
	rmdir "$CFS/big"
}

case_powered() {
	insmod "$KO" nr_disks=0
	cfs_disk p size=8M
	# Settings are fixed while the disk exists.
	expect_refused EBUSY "size: ramdisk-p is powered; write 0 to power first" write "$CFS/p/size" 16M
	expect_refused EBUSY "queue_depth: ramdisk-p is powered" write "$CFS/p/queue_depth" 16
	expect_eq "size while powered" "$(cat "$CFS/p/size")" $((8 << 20))
	# The value it already has: no change, no error.
	pattern same 4096 >/tmp/same
	DEV=/dev/ramdisk-p write_at 0 /tmp/same
	expect_eq "power 1 again" "$(errno_of write "$CFS/p/power" 1)" OK
	DEV=/dev/ramdisk-p expect_data 0 /tmp/same
	echo 0 >"$CFS/p/power"
	expect_eq "power 0 again" "$(errno_of write "$CFS/p/power" 0)" OK
	# Powered off, settings change again; power on gives a fresh disk.
	echo 16M >"$CFS/p/size"
	echo 1 >"$CFS/p/power"
	wait_for_dev /dev/ramdisk-p
	expect_eq "sectors after resize" "$(DEV=/dev/ramdisk-p sysattr size)" $((16 << 11))
	DEV=/dev/ramdisk-p expect_zero 0 4096
	# rmdir of a powered, unused disk removes it.
	rmdir "$CFS/p"
	[ ! -e /dev/ramdisk-p ] || fail "/dev/ramdisk-p still exists after rmdir"
}

# A mounted disk and an open partition refuse power 0 and rmdir; their
# data is intact afterwards.
case_busy() {
	insmod "$KO" nr_disks=0
	cfs_disk m size=64M
	mkfs.ext4 -q /dev/ramdisk-m
	mkdir -p /mnt/m
	mount /dev/ramdisk-m /mnt/m
	pattern mounted 1048576 >/mnt/m/data
	sync
	expect_refused EBUSY "ramdisk-m: open or mounted (1 openers), not removed" \
		write "$CFS/m/power" 0
	expect_refused EBUSY "" rmdir "$CFS/m"
	expect_eq "power while mounted" "$(cat "$CFS/m/power")" 1
	umount /mnt/m
	fsck.ext4 -n -f /dev/ramdisk-m >/dev/null 2>&1 || fail "fsck after refusals"
	mount /dev/ramdisk-m /mnt/m
	cmp -s <(pattern mounted 1048576) /mnt/m/data || fail "data changed"
	umount /mnt/m

	cfs_disk part size=16M
	printf 'label: dos\n,\n' | sfdisk -q /dev/ramdisk-part
	wait_for_dev /dev/ramdisk-part1
	exec 7</dev/ramdisk-part1
	expect_refused EBUSY "ramdisk-part: open or mounted" write "$CFS/part/power" 0
	expect_refused EBUSY "" rmdir "$CFS/part"
	exec 7<&-
	cfs_remove part
	cfs_remove m
}

# Names whose disks would collide with another block device: EEXIST at
# power-on and a log line saying with which.
case_collisions() {
	insmod "$KO" nr_disks=2 size=8M
	# ramdisk-1's partitions are ramdisk-1p1, ...
	mkdir "$CFS/1p1"
	expect_refused EEXIST "ramdisk-1p1: the name of a partition of ramdisk-1" \
		write "$CFS/1p1/power" 1
	rmdir "$CFS/1p1"
	cfs_disk c1
	mkdir "$CFS/c"
	expect_refused EEXIST "ramdisk-c: its partitions would take the name of ramdisk-c1" \
		write "$CFS/c/power" 1
	rmdir "$CFS/c"
	cfs_remove c1
	# Another driver's disk: null_blk names its disks after its folders.
	modprobe null_blk nr_devices=0
	mkdir /sys/kernel/config/nullb/ramdisk-z
	echo 1 >/sys/kernel/config/nullb/ramdisk-z/power
	mkdir "$CFS/z"
	expect_refused EEXIST "ramdisk-z: a block device of that name exists" \
		write "$CFS/z/power" 1
	rmdir "$CFS/z"
	echo 0 >/sys/kernel/config/nullb/ramdisk-z/power
	rmdir /sys/kernel/config/nullb/ramdisk-z
	rmmod null_blk
}

# configfs holds the module while any of its folders exists.
case_rmmod_refused() {
	local out
	insmod "$KO" nr_disks=0
	mkdir "$CFS/r"
	if out=$(rmmod ramdisk 2>&1); then fail "rmmod succeeded with $CFS/r"; fi
	grep -q "in use" <<<"$out" || fail "rmmod said: $out"
	echo 1 >"$CFS/r/power"
	if out=$(rmmod ramdisk 2>&1); then fail "rmmod succeeded with ramdisk-r powered"; fi
	cfs_remove r
	unload
}

# The recipe README gives fstests users: a TEST and a SCRATCH disk, both
# with a file system, both mounted, each verified by fio.
case_fstests_pair() {
	local mnt
	insmod "$KO" nr_disks=0
	cfs_disk test size=256M backing=pages
	cfs_disk scratch size=256M backing=pages
	for mnt in test scratch; do
		mkfs.ext4 -q "/dev/ramdisk-$mnt"
		mkdir -p "/mnt/$mnt"
		mount "/dev/ramdisk-$mnt" "/mnt/$mnt"
	done
	for mnt in test scratch; do
		DEV=/mnt/$mnt/fio.dat run_fio_section \
			"$top/fio-jobs/verify-raw.fio" crc32c "$NCPU" CPUS="0-$((NCPU - 1))"
	done
	for mnt in test scratch; do
		umount "/mnt/$mnt"
		fsck.ext4 -n -f "/dev/ramdisk-$mnt" >/dev/null 2>&1 ||
			fail "fsck of ramdisk-$mnt"
		cfs_remove "$mnt"
	done
}

run_case "two disks with different settings match their attributes" case_two_disks
run_case "features lists every attribute, as README's table does" case_features
run_case "every attribute at its bounds makes a working disk" case_bounds
run_case "invalid values: EINVAL and a log line, nothing changes" case_invalid
run_case "settings are EBUSY while powered; power is idempotent" case_powered
run_case_modes "power 0 and rmdir are EBUSY while mounted or open, data intact" case_busy
run_case "names colliding with a block device: EEXIST and a log line" case_collisions
run_case "rmmod is refused while a configfs disk exists" case_rmmod_refused
run_case "fstests TEST/SCRATCH pair: ext4 on both, fio verify on each" case_fstests_pair
