# shellcheck shell=bash disable=SC2034
# (Its variables are for the scripts that source it.)
# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts: where things are, and how to build.

# The project folder. Kbuild (make M=) cannot build in a path with white
# space or make's special characters; a clean path through a symlink is
# as good as the real one, so take whichever of the two is clean.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clean_path() { [[ $1 =~ ^[A-Za-z0-9._/+@-]+$ ]]; }
if ! clean_path "$top"; then
	top_physical=$(cd "$top" && pwd -P)
	if ! clean_path "$top_physical"; then
		cat >&2 <<MSG
ramdisk: the project is in '$top'.
Kbuild (make M=...) cannot build a module in a path holding white space or
any of : # \$ % = , ' " \\ and the harness builds one for every kernel.
Fix: clone into a path of letters, digits and . _ - + @ /, or reach this
clone through such a symlink:
  ln -s '$top' /tmp/ramdisk && cd /tmp/ramdisk
MSG
		exit 2
	fi
	top=$top_physical
fi
# shellcheck source=scripts/project.sh
. "$top/scripts/project.sh"

# Downloads, unpacked kernels and lint tools are the same for every clone
# on the machine: they live in the user's cache, shared (setup.sh locks
# it). Builds and results belong to this clone.
# CI may run with HOME unset: then the account's home, as ~ would give.
shared_cache=${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/ramdisk
cache=$top/.cache
results=$top/results

# load_kernel SERIES: sets KVER, KDIR, VMLINUZ, MODROOT and KERNEL_ARGS
# (see setup.sh).
load_kernel() {
	local env=$shared_cache/kernel-$1.env
	[ -r "$env" ] || { echo "no $env: run scripts/setup.sh" >&2; return 1; }
	KERNEL_ARGS=
	# shellcheck disable=SC1090
	. "$env"
}

# kbuild_output: what a module build printed, less the note that 6.1's
# headers carry no vmlinux to generate BTF from (not a finding).
kbuild_output() {
	grep -v '^Skipping BTF generation' || true
}

# build_module SERIES [MAKE ARGS...]: builds ramdisk.ko for that kernel in
# its build_dir and prints what the build printed.
build_module() {
	local series=$1 f dir
	shift
	load_kernel "$series" || return 1
	dir=$(build_dir "$KVER")
	mkdir -p "$dir"
	for f in $MODULE_FILES; do
		cmp -s "$top/$f" "$dir/$f" || cp "$top/$f" "$dir/$f"
	done
	# For tests that build or install from this folder (110-modprobe).
	echo "$KDIR" >"$dir/headers"
	make -s -C "$KDIR" M="$dir" "$@" modules 2>&1 | kbuild_output
}

# build_memcpy_bw: builds bench/memcpy-bw.c, which every bench guest runs.
build_memcpy_bw() {
	mkdir -p "$(dirname "$(memcpy_bw)")"
	gcc -O2 -Wall -Wextra -Werror -o "$(memcpy_bw)" "$top/bench/memcpy-bw.c"
}

# build_probe SERIES [MAKE ARGS...]: builds the test helpers, tests/rdprobe
# for that kernel and tests/iopoll-park, tests/stripes and tests/finit, in
# build_dir/rdprobe.
build_probe() {
	local series=$1 dir
	shift
	load_kernel "$series" || return 1
	dir=$(build_dir "$KVER")/rdprobe
	mkdir -p "$dir"
	cp "$top"/tests/rdprobe/{rdprobe.c,Kbuild} "$dir/"
	make -s -C "$KDIR" M="$dir" "$@" modules 2>&1 | kbuild_output
	# User-space helpers of tests/200, 210 and lib.sh; the host's headers
	# and libc serve the guests, which run the host's root.
	gcc -O2 -Wall -Wextra -Werror -o "$dir/iopoll-park" "$top/tests/iopoll-park.c"
	gcc -O2 -Wall -Wextra -Werror -o "$dir/finit" "$top/tests/finit.c"
	gcc -O2 -Wall -Wextra -Werror -pthread -o "$dir/stripes" "$top/tests/stripes.c"
}
