# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench and profile guests: loads the devices they compare
# at the same capacity, SIZE_MIB. Names are those of the result files:
#   ramdisk          the linear store, with a polled queue per CPU
#   ramdisk+pages    backing=pages, the same /dev/ramdisk reloaded
#   ramdisk+bio      queue_mode=bio: the linear store, no tag set
#   ramdisk+bio+pages  queue_mode=bio, backing=pages
#   ramdisk+trace    ramdisk again, for runs with its tracepoint on
#   ramdisk%KNOB     ramdisk with one block-layer sysfs knob changed:
#                    nomerges (nomerges=2), noiostats (iostats=0), nowbt
#                    (wbt_lat_usec=0)
#   ramdisk@NAME     ramdisk built with bench/ab/NAME.patch applied
#                    (scripts/bench.sh builds it into ab_build_dir)
#   ram0             brd
#   nullb0           null_blk, memory-backed, with a polled queue per CPU
# One ramdisk is loaded at a time.
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

node() { echo "${1%%[+%@]*}"; }
ramdisk_loaded=

# load_ramdisk DEVICE: loads the ramdisk row DEVICE (see above).
load_ramdisk() {
	local file=$ko backing=linear queue=/sys/block/ramdisk/queue
	local mode=(poll_queues="$ncpu")
	[ -z "$ramdisk_loaded" ] || rmmod ramdisk
	case $1 in
	ramdisk+pages | ramdisk+bio+pages) backing=pages ;;
	ramdisk@*) file=$(ab_build_dir "$(uname -r)" "${1#ramdisk@}")/ramdisk.ko ;;
	esac
	# A bio disk has no queues to poll.
	[[ $1 != ramdisk+bio* ]] || mode=(queue_mode=bio)
	insmod "$file" size="${SIZE_MIB}"M backing=$backing "${mode[@]}"
	ramdisk_loaded=$1
	case $1 in
	ramdisk%nomerges) echo 2 >$queue/nomerges ;;
	ramdisk%noiostats) echo 0 >$queue/iostats ;;
	ramdisk%nowbt) echo 0 >$queue/wbt_lat_usec ;;
	ramdisk%*) echo "no knob ${1#ramdisk%}" >&2; return 1 ;;
	esac
}

# fresh DEVICE: (re)loads it empty.
fresh() {
	case $1 in
	ramdisk*) load_ramdisk "$1" ;;
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
		echo "$ncpu" >$nb/poll_queues
		echo 4096 >$nb/blocksize
		echo 1 >$nb/power
		;;
	esac
	wait_node "$(node "$1")"
}
