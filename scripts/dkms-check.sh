#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh SERIES: the DKMS path for one kernel, on the host, without
# touching the host's /lib/modules or /usr/src: dkms add, build and install
# with every tree under .cache/dkms/. The installed module lands in
# .cache/dkms/install/<kver>/updates/dkms/, where tests/110-modprobe.sh
# picks it up in the guest. Loads nothing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_kernel "$1"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
d=$cache/dkms
src=$d/src/ramdisk-$version
common=(--dkmstree "$d/tree" --sourcetree "$d/src")

rm -rf "$src" "$d/tree/ramdisk" "$d/install/$KVER"
mkdir -p "$src" "$d/tree" "$d/install/$KVER"
for f in $MODULE_FILES Makefile; do cp "$top/$f" "$src/"; done

# dkms: quiet but for errors; its readelf warnings about .comment are noise.
dkms_quiet() {
	dkms "$@" 2>&1 >/dev/null | { grep -v 'readelf: Warning' >&2 || true; }
	return "${PIPESTATUS[0]}"
}

dkms_quiet add "${common[@]}" -m ramdisk -v "$version"
dkms_quiet build "${common[@]}" -m ramdisk -v "$version" -k "$KVER" \
	--kernelsourcedir "$KDIR"
# dkms runs depmod on /lib/modules itself; the guest test runs it instead.
dkms_quiet install "${common[@]}" --installtree "$d/install" --no-depmod \
	-m ramdisk -v "$version" -k "$KVER" --kernelsourcedir "$KDIR"

ko=$(find "$d/install/$KVER/updates/dkms" -name "ramdisk.ko*" | head -n1)
[ -n "$ko" ] || { echo "dkms installed no module for $KVER"; exit 1; }
got=$(modinfo -F version "$ko")
[ "$got" = "$version" ] ||
	{ echo "module version $got differs from dkms.conf's $version"; exit 1; }
echo "dkms: ramdisk $version built and installed for $KVER: ${ko#"$top"/}"
