#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh [lint|debug]: installs what the project needs on a Debian 12
# host, idempotently. `lint` stops at what make lint uses: the lint tools
# and, per kernel series, the build headers. Without it, also what the
# guests use: QEMU, the guest-side tools, and each series' kernel image
# and modules. `debug` adds make check-debug's kernels, built from
# Debian's linux-source-6.12 (scripts/debug-kernel.sh). Nothing goes into
# /boot or /lib/modules and no module is loaded into the host's kernel:
# the guest kernels only ever run under QEMU.
#
# Downloads and unpacked kernels go to the user's cache ($shared_cache,
# see lib.sh), shared by every clone on the machine and locked while this
# runs (the debug kernels' builds by a lock of their own). Afterwards
# $shared_cache/kernel-<series>.env describes each kernel:
#   KVER     the uname -r of the guest kernel
#   KDIR     headers to build against (make KDIR=...)
#   VMLINUZ  the kernel image QEMU boots
#   MODROOT  a folder holding lib/modules/$KVER with a modules.dep
#   KERNEL_ARGS  what the guests add to the kernel command line (debug
#            kernels only)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mode=${1:-all}
case $mode in all | lint | debug) ;; *) echo "usage: setup.sh [lint|debug]" >&2; exit 2 ;; esac

debs=$shared_cache/debs
mkdir -p "$debs"

# Series name, then the meta packages that always point at its newest build.
series_list=("6.1 linux-image-amd64 linux-headers-amd64"
	     "6.12 linux-image-6.12-amd64 linux-headers-6.12-amd64")

lint_packages=(gcc make libc6-dev libelf-dev bc dwarves xz-utils perl python3
	       clang-format sparse shellcheck flake8)
guest_packages=(qemu-system-x86 kmod cpio busybox-static zstd fio e2fsprogs
		util-linux fdisk trace-cmd openssl gnuplot-nox dkms nvme-cli
		iproute2 strace btrfs-progs f2fs-tools xfsprogs)
# What a kernel build needs besides the lint packages.
debug_packages=(flex bison libssl-dev)

log() { printf 'setup: %s\n' "$*" >&2; }

# hold_lock FILE WHY: holds FILE's lock on fd 9 (dropping any lock held
# there before), saying why it waits when another setup.sh holds it.
hold_lock() {
	exec 9>"$1"
	flock -n 9 && return
	log "waiting for $1: another setup.sh is $2"
	flock 9
}
hold_lock "$shared_cache/lock" installing

apt_updated=
apt_update_once() {
	[ -n "$apt_updated" ] && return
	log "apt-get update"
	apt-get update -qq
	apt_updated=1
}

install_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	apt_update_once
	log "installing ${missing[*]}"
	# No recommends: dkms would otherwise pull the host's kernel headers.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# depends_on PACKAGE PATTERN: the first dependency of PACKAGE matching PATTERN.
depends_on() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *|\{0,1\}Depends: \($2\)\$/\1/p" | head -n1
}

resolve() {
	local out
	out=$(depends_on "$1" "$2")
	if [ -z "$out" ]; then
		apt_update_once
		out=$(depends_on "$1" "$2")
	fi
	[ -n "$out" ] || { log "cannot resolve $1"; exit 1; }
	echo "$out"
}

# fetch PACKAGE: the path of its .deb in the cache, downloading it once.
fetch() {
	local f
	f=$(find "$debs" -name "$1_*.deb" | head -n1)
	if [ -z "$f" ]; then
		(cd "$debs" && apt-get download -qq "$1" 2>/dev/null) ||
			{ apt_update_once; (cd "$debs" && apt-get download -qq "$1"); }
		f=$(find "$debs" -name "$1_*.deb" | head -n1)
	fi
	echo "$f"
}

setup_series() {
	local series=$1 image_meta=$2 headers_meta=$3
	local headers_pkg common_pkg kbuild_pkg kver root hroot env p
	headers_pkg=$(resolve "$headers_meta" 'linux-headers-[0-9].*')
	kver=${headers_pkg#linux-headers-}
	root=$shared_cache/kernels/$kver
	hroot=$shared_cache/headers/$kver
	env=$shared_cache/kernel-$series.env

	if [ ! -e "$hroot/.done" ]; then
		common_pkg=$(resolve "$headers_pkg" 'linux-headers-.*-common')
		kbuild_pkg=$(resolve "$headers_pkg" 'linux-kbuild-.*')
		log "unpacking $headers_pkg, $common_pkg, $kbuild_pkg"
		rm -rf "$hroot"
		mkdir -p "$hroot"
		for p in "$headers_pkg" "$common_pkg" "$kbuild_pkg"; do
			dpkg-deb -x "$(fetch "$p")" "$hroot"
		done
		# The arch headers include the common ones by absolute path;
		# point that include at the unpacked copy.
		sed -i "s|/usr/src/|$hroot/usr/src/|" \
			"$hroot/usr/src/linux-headers-$kver/Makefile"
		touch "$hroot/.done"
	fi

	if [ "$mode" != lint ] && [ ! -e "$root/.done" ]; then
		p=$(resolve "$image_meta" 'linux-image-[0-9].*')
		[ "$p" = "linux-image-$kver" ] ||
			{ log "$image_meta is $p but $headers_meta is for $kver"; exit 1; }
		log "unpacking $p"
		rm -rf "$root"
		mkdir -p "$root"
		dpkg-deb -x "$(fetch "$p")" "$root"
		depmod -b "$root" "$kver"
		touch "$root/.done"
	fi

	cat >"$env.tmp" <<ENV
KVER=$kver
KDIR=$hroot/usr/src/linux-headers-$kver
VMLINUZ=$root/boot/vmlinuz-$kver
MODROOT=$root
ENV
	mv "$env.tmp" "$env"
}

# Lint tools the kernel does not package: checkpatch.pl with its data files
# and kernel-doc, taken from the 6.12 source package.
setup_lint_tools() {
	local tools=$shared_cache/tools src
	[ -e "$tools/.done" ] && return
	log "extracting checkpatch.pl and kernel-doc from linux-source-6.12"
	src=$(mktemp -d)
	dpkg-deb --fsys-tarfile "$(fetch linux-source-6.12)" |
		tar -C "$src" -x --wildcards './usr/src/linux-source-6.12.tar.xz'
	mkdir -p "$tools"
	tar -C "$tools" -xf "$src"/usr/src/linux-source-6.12.tar.xz \
		--strip-components=2 \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch \
		linux-source-6.12/scripts/kernel-doc
	rm -rf "$src"
	touch "$tools/.done"
}

install_packages "${lint_packages[@]}"
[ "$mode" = lint ] || install_packages "${guest_packages[@]}"
[ "$mode" = debug ] && install_packages "${debug_packages[@]}"
for s in "${series_list[@]}"; do
	# shellcheck disable=SC2086
	setup_series $s
done
setup_lint_tools
if [ "$mode" = debug ]; then
	source_deb=$(fetch linux-source-6.12)
	# The builds take minutes: a setup for make check need not wait for
	# them, so they hold a lock of their own instead of the cache's.
	hold_lock "$shared_cache/debug-kernels.lock" "building a debug kernel"
	for v in $DEBUG_VARIANTS; do
		"$top/scripts/debug-kernel.sh" "$source_deb" "$v"
	done
fi
log "ready ($mode): $(cd "$shared_cache" && echo kernel-*.env)"
