#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh [-m MiB] [-t seconds] [-q] [-n SOCKET -a ADDR] SERIES OUTDIR COMMAND...
#
# Boots Debian's SERIES kernel (6.1 or 6.12) in a throwaway QEMU guest that
# sees the host's root read-only, runs COMMAND with bash in the project
# folder, and powers off. Everything the guest leaves is in OUTDIR:
# console.log (serial), output.txt (the command's output), dmesg.txt,
# tainted, exit-status. -q keeps the command's output off the terminal.
# -n gives the guest a network card on a QEMU socket network, SOCKET
# being listen=127.0.0.1:PORT or connect=127.0.0.1:PORT (two guests, one
# of each, make a private link that never leaves the host's loopback),
# and -a its address inside the guest, e.g. 169.254.0.1/16.
#
# Exit status: the command's, or 124 when the guest hit its deadline, or
# 125 when the guest died before the command finished. The kernel log is
# judged by the caller (scripts/check.sh).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

mem=2048
timeout=600
quiet=
net=() net_addr=
while getopts m:t:qn:a: opt; do
	case $opt in
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	q) quiet=1 ;;
	n) net=(-netdev "socket,id=link,$OPTARG") ;;
	a) net_addr=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || { sed -n '4,19p' "$0" >&2; exit 2; }
[ ${#net[@]} -eq 0 ] || [ -n "$net_addr" ] || { echo "guest.sh: -n needs -a" >&2; exit 2; }
# The address's last byte tells the two ends' cards apart.
if [ -n "$net_addr" ]; then
	last_byte=$(awk -F'[./]' '{print $4}' <<<"$net_addr")
	net+=(-device "virtio-net-pci,netdev=link,mac=52:54:00:00:00:$(printf %02x "$last_byte")")
fi
series=$1 out=$2
shift 2
load_kernel "$series" || exit 2
[ -e "$VMLINUZ" ] || { echo "no $VMLINUZ: run scripts/setup.sh" >&2; exit 2; }
initrd=$("$top/vm/initramfs.sh" "$series") || exit 2

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
rm -f "$out"/{console.log,output.txt,dmesg.txt,tainted,exit-status,watchdog}
printf '%s\n' "$*" >"$out/cmd.sh"
: >"$out/output.txt"

# What the guest's init needs to know, as sh assignments in the results
# share rather than on the kernel command line, which cannot carry a path
# with a space. Physical paths: a symlink on the host may point into a
# folder the guest covers with a fresh tmpfs (/tmp, /run); vm/init binds
# such paths back.
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	echo "top=$(quote "$(cd "$top" && pwd -P)")"
	echo "results=$(quote "$out")"
	echo "shared_cache=$(quote "$(cd "$shared_cache" && pwd -P)")"
	echo "modroot=$(quote "$(cd "$MODROOT" && pwd -P)")"
	echo "watchdog=$((timeout - 15))"
	echo "net_addr=$(quote "$net_addr")"
} >"$out/boot.env"

# KVM where it really works (a nested /dev/kvm can exist and still hang):
# vm/kvm-probe.sh tries it once per machine. GUEST_ACCEL overrides.
#
# Under TCG, one host thread runs all vCPUs unless TCG_THREAD=multi: with a
# thread per vCPU (QEMU 7.2), a 6.1 guest sometimes hangs for good while
# ftrace patches kernel text (text_poke_bp waits on an IPI the other vCPU
# never takes). Tests need ftrace more than parallel vCPUs; benchmarks,
# which never switch tracers, use multi.
accel=${GUEST_ACCEL:-$(cat "$shared_cache/accel" 2>/dev/null || echo tcg)}
cpus=${GUEST_CPUS:-2}
case $accel in
kvm) accel=(-accel kvm -cpu host) ;;
*) accel=(-accel "tcg,thread=${TCG_THREAD:-single}" -cpu max) ;;
esac
# GUEST_CLOCK=icount: QEMU's instruction counter drives the guest's clock,
# one nanosecond per guest instruction, idle time skipped. What the guest
# times is then instructions, the same whatever the host's load or speed
# (make bench, and the floor make check holds ramdisk to). One TCG thread
# only, and Debian's 6.1 hangs bringing up a second vCPU in this mode, so
# its guests get one.
case ${GUEST_CLOCK:-wall} in
wall) ;;
icount)
	accel=(-accel "tcg,thread=single" -cpu max -icount "shift=0,sleep=off")
	[ "$series" != 6.1 ] || cpus=1
	;;
*) echo "guest.sh: GUEST_CLOCK=$GUEST_CLOCK: allowed wall, icount" >&2; exit 2 ;;
esac

# Tests boot with the slab allocator's checks and page poisoning, so heap
# damage shows up in the case that did it. Benchmarks must not
# (GUEST_MEMORY_CHECKS=off): slub_debug's U flag records a stack trace on
# every slab allocation and free, tens of thousands of instructions each,
# and libaio allocates and frees an object per I/O, so a 4 KiB libaio job
# would measure slab debugging more than the device.
case ${GUEST_MEMORY_CHECKS:-on} in
on) memory_checks="slub_debug=FZPU page_poison=1" ;;
off) memory_checks= ;;
*) echo "guest.sh: GUEST_MEMORY_CHECKS=$GUEST_MEMORY_CHECKS: allowed on, off" >&2; exit 2 ;;
esac

# QEMU's option parser takes a doubled comma as a comma.
qpath() { echo "${1//,/,,}"; }

timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${accel[@]}" \
	-smp "$cpus" -m "$mem" -nodefaults -display none -no-reboot \
	-chardev "file,id=console,path=$(qpath "$out/console.log")" \
	-serial chardev:console \
	-kernel "$VMLINUZ" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic $memory_checks ${KERNEL_ARGS:-}" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$(qpath "$out"),mount_tag=results,security_model=none,multidevs=remap" \
	"${net[@]}" \
	</dev/null &
qemu=$!
if [ -z "$quiet" ]; then
	tail -n +1 --pid=$qemu -f "$out/output.txt" 2>/dev/null
fi
wait $qemu
qemu_status=$?

if [ -e "$out/exit-status" ]; then
	exit "$(cat "$out/exit-status")"
elif [ $qemu_status -eq 124 ] || [ -e "$out/watchdog" ]; then
	echo "guest: $series timed out after ${timeout}s (see $out/console.log)" >&2
	exit 124
fi
echo "guest: $series died before the command finished (see $out/console.log)" >&2
tail -n 30 "$out/console.log" >&2
exit 125
