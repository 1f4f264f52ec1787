# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench and profile guests: loads the devices they compare
# at the same capacity, SIZE_MIB. Names are those of the result files:
# ramdisk (linear store), ramdisk+pages (backing=pages; the same
# /dev/ramdisk, reloaded), ram0 (brd), nullb0 (null_blk). One ramdisk is
# loaded at a time.
top=${top:-$PWD}
# shellcheck source=scripts/project.sh
. "$top/scripts/project.sh"
ko=$(build_dir "$(uname -r)")/ramdisk.ko
ncpu=$(nproc)
nb=/sys/kernel/config/nullb/nullb0
modprobe null_blk nr_devices=0

wait_node() {
	for _ in $(seq 50); do [ -b "/dev/$1" ] && return 0; sleep 0.1; done
	echo "/dev/$1 did not appear" >&2
	return 1
}

node() { echo "${1%+pages}"; }
ramdisk_mode=none

# fresh DEVICE: (re)loads it empty.
fresh() {
	case $1 in
	ramdisk | ramdisk+pages)
		[ "$ramdisk_mode" = none ] || rmmod ramdisk
		ramdisk_mode=linear
		[ "$1" = ramdisk+pages ] && ramdisk_mode=pages
		insmod "$ko" size="${SIZE_MIB}"M backing=$ramdisk_mode
		;;
	ram0)
		grep -q '^brd ' /proc/modules && rmmod brd
		modprobe brd rd_nr=1 rd_size=$((SIZE_MIB * 1024)) max_part=0
		;;
	nullb0)
		if [ -d $nb ]; then
			echo 0 >$nb/power
			rmdir $nb
		fi
		mkdir $nb
		echo "$SIZE_MIB" >$nb/size
		echo 1 >$nb/memory_backed
		echo 2 >$nb/queue_mode
		echo 0 >$nb/irqmode
		echo "$ncpu" >$nb/submit_queues
		echo 4096 >$nb/blocksize
		echo 1 >$nb/power
		;;
	esac
	wait_node "$(node "$1")"
}
