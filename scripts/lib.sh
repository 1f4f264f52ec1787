# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts: where things are, and how to build.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=$top/.cache
results=$top/results
SERIES=(6.1 6.12)
MODULE_SOURCES=(ramdisk.c ramdisk.h ramdisk_compat.h ramdisk_trace.h Kbuild dkms.conf)

# load_kernel SERIES: sets KVER, KDIR, VMLINUZ, MODROOT (see setup.sh).
load_kernel() {
	local env=$cache/kernel-$1.env
	[ -r "$env" ] || { echo "no $env: run scripts/setup.sh" >&2; return 1; }
	# shellcheck disable=SC1090
	. "$env"
}

# build_dir SERIES: where ramdisk.ko for that kernel is built; each kernel
# has its own folder because objects of two kernels must not mix.
build_dir() {
	load_kernel "$1" && echo "$cache/build/$KVER"
}

# kbuild_output: what a module build printed, less the note that 6.1's
# headers carry no vmlinux to generate BTF from (not a finding).
kbuild_output() {
	grep -v '^Skipping BTF generation' || true
}

# build_module SERIES [MAKE ARGS...]: builds ramdisk.ko for that kernel in
# build_dir and prints what the build printed.
build_module() {
	local series=$1
	shift
	load_kernel "$series" || return 1
	local f dir
	dir=$(build_dir "$series")
	mkdir -p "$dir"
	for f in "${MODULE_SOURCES[@]}"; do
		cmp -s "$top/$f" "$dir/$f" || cp "$top/$f" "$dir/$f"
	done
	make -s -C "$KDIR" M="$dir" "$@" modules 2>&1 | kbuild_output
}

# build_probe SERIES [MAKE ARGS...]: builds the test helper tests/rdprobe
# for that kernel, in build_dir/rdprobe.
build_probe() {
	local dir
	dir=$(build_dir "$1")/rdprobe
	load_kernel "$1" || return 1
	shift
	mkdir -p "$dir"
	cp "$top"/tests/rdprobe/{rdprobe.c,Kbuild} "$dir/"
	make -s -C "$KDIR" M="$dir" "$@" modules 2>&1 | kbuild_output
}
