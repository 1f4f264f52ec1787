#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh SOURCE_DEB VARIANT: builds (once) the debug kernel
# VARIANT (kasan or kcsan) from Debian's linux-source-6.12 package
# SOURCE_DEB, and writes $shared_cache/kernel-6.12-VARIANT.env for
# load_kernel (KVER, KDIR, VMLINUZ, MODROOT, as setup.sh writes for
# Debian's kernels). Run by setup.sh debug, which holds the debug
# kernels' lock.
#
# The config is allnoconfig plus vm/debug-kernel/base.config and
# VARIANT.config: only what a project guest boots and the tests use, so
# that a cold build fits a CI run. Every line of the fragments must
# survive into the .config (a symbol whose dependencies are missing would
# otherwise vanish without a word). The build is kept in the user's cache
# under the source package's version and a hash of the fragments, so
# every clone on the machine reuses it and a changed fragment builds anew.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

deb=$1 variant=$2
fragments=("$top/vm/debug-kernel/base.config" "$top/vm/debug-kernel/$variant.config")
[ -r "${fragments[1]}" ] || { echo "debug-kernel.sh: no ${fragments[1]}" >&2; exit 2; }
log() { printf 'setup: %s\n' "$*" >&2; }

pkg_version=$(dpkg-deb -f "$deb" Version)
hash=$(cat "${fragments[@]}" | sha1sum | cut -c1-12)
base=$shared_cache/debug-kernels
src=$base/src-$pkg_version
dir=$base/$variant-$pkg_version-$hash
env=$shared_cache/kernel-6.12-$variant.env

if [ ! -e "$src/.done" ]; then
	log "unpacking linux-source $pkg_version"
	rm -rf "$src"
	mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$src" --strip-components=1
	touch "$src/.done"
fi

# missing_lines FRAGMENT CONFIG: the fragment's settings CONFIG lacks.
missing_lines() {
	local line sym
	while IFS= read -r line; do
		case $line in
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$2" && echo "$line"
			;;
		CONFIG_*) grep -qxF "$line" "$2" || echo "$line" ;;
		esac
	done <"$1"
	return 0
}

if [ ! -e "$dir/.done" ]; then
	rm -rf "$dir"
	mkdir -p "$dir/build" "$dir/root/boot"
	cat "${fragments[@]}" >"$dir/fragment.config"
	make -s -C "$src" O="$dir/build" KCONFIG_ALLCONFIG="$dir/fragment.config" allnoconfig
	lost=$(missing_lines "$dir/fragment.config" "$dir/build/.config")
	if [ -n "$lost" ]; then
		log "the $variant config lost these settings (missing dependencies?):"
		printf '  %s\n' "$lost" >&2
		exit 1
	fi
	log "building the $variant kernel ($(nproc) jobs; 6 to 18 minutes on 2 cores)"
	start=$SECONDS
	make -s -C "$dir/build" -j"$(nproc)" bzImage modules >"$dir/build.log" 2>&1 ||
		{ tail -n 30 "$dir/build.log" >&2; exit 1; }
	kver=$(make -s -C "$dir/build" kernelrelease)
	make -s -C "$dir/build" INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$kver"
	cp "$dir/build/.config" "$dir/root/boot/config-$kver"
	echo "$((SECONDS - start))" >"$dir/build-seconds"
	log "built $kver in $((SECONDS - start)) s"
	touch "$dir/.done"
fi

kver=$(make -s -C "$dir/build" kernelrelease)
# What the guests add to the kernel's command line for these kernels:
# - acpi=noirq: under TCG these kernels take minutes to run ACPI's PCI
#   interrupt routing method (_PRT), which then times out and leaves
#   virtio without its interrupt; the BIOS's own routing table serves.
# - watchdog_thresh=60: guest time is the host's wall time under TCG, and
#   a loaded host stretches these slow kernels' work past the default.
kernel_args="acpi=noirq watchdog_thresh=60"
cat >"$env.tmp" <<ENV
KVER=$kver
KDIR=$dir/build
VMLINUZ=$dir/root/boot/vmlinuz-$kver
MODROOT=$dir/root
KERNEL_ARGS='$kernel_args'
ENV
mv "$env.tmp" "$env"
