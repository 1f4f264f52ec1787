#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh SERIES: builds (once) the tiny initramfs that boots a guest of
# that kernel series into the host's own userland: static busybox, the
# kernel's 9p and overlay modules, and vm/initramfs-init. Prints the path
# of the image, which the user's cache keeps per kernel and per version
# of vm/initramfs-init, for every clone on the machine.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
load_kernel "$1"

init=$top/vm/initramfs-init
out=$shared_cache/initramfs/$KVER-$(sha1sum <"$init" | cut -c1-12).cpio.gz
if [ -e "$out" ]; then
	echo "$out"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,modules,lower,upper,newroot}
cp /bin/busybox "$work/bin/busybox"
cp "$init" "$work/init"

# Modules in dependency order; busybox insmod cannot read .ko.xz.
: >"$work/modules/order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$MODROOT" -S "$KVER" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(basename "$ko")
	case $name in
	*.xz) xz -dc "$ko" >"$work/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$ko" >"$work/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$ko" "$work/modules/$name" ;;
	esac
	echo "$name" >>"$work/modules/order"
done

mkdir -p "$(dirname "$out")"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$out"
