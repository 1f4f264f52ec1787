#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installed like a packaged module: the DKMS-installed ramdisk.ko loads
# with modprobe, takes defaults from /etc/modprobe.d, and `make install`
# / `make uninstall` put it into and out of the module tree.
. "$(dirname "$0")/lib.sh"

KVER=$(uname -r)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
DKMS_TREE=$top/.cache/dkms/install/$KVER/updates/dkms

io_check() {
	pattern mp 4096 >/tmp/mp
	write_at 8192 /tmp/mp && expect_data 8192 /tmp/mp
}

case_modprobe_dkms() {
	[ -e "$DKMS_TREE" ] || fail "no DKMS install for $KVER (scripts/dkms-check.sh)" ||
		return 1
	mkdir -p "/lib/modules/$KVER/updates/dkms"
	cp "$DKMS_TREE"/ramdisk.ko* "/lib/modules/$KVER/updates/dkms/"
	depmod -a || return 1
	expect_eq "modinfo -F filename" "$(modinfo -F filename ramdisk)" \
		"$(ls /lib/modules/$KVER/updates/dkms/ramdisk.ko*)" || return 1
	modprobe ramdisk size=32M || fail "modprobe ramdisk failed" || return 1
	for i in $(seq 50); do [ -b $DEV ] && break; sleep 0.1; done
	expect_eq "module version" "$(cat /sys/module/ramdisk/version)" "$VERSION" &&
		expect_eq "size" "$(sysattr size)" $((32 << 11)) && io_check || return 1
	modprobe -r ramdisk || fail "modprobe -r failed" || return 1
	rm -r "/lib/modules/$KVER/updates/dkms"
	depmod -a
}

case_modprobe_conf() {
	mkdir -p "/lib/modules/$KVER/updates"
	cp "$KO" "/lib/modules/$KVER/updates/"
	depmod -a || return 1
	cp "$top/ramdisk.modprobe.conf" /etc/modprobe.d/ramdisk.conf
	modprobe ramdisk || fail "modprobe ramdisk failed" || return 1
	for i in $(seq 50); do [ -b $DEV ] && break; sleep 0.1; done
	expect_eq "size from modprobe.d" "$(cat /sys/module/ramdisk/parameters/size)" \
		$((1 << 30)) && io_check || return 1
	modprobe -r ramdisk || return 1
	# The command line wins over modprobe.d.
	modprobe ramdisk size=8M || return 1
	for i in $(seq 50); do [ -b $DEV ] && break; sleep 0.1; done
	expect_eq "size from the command line" "$(sysattr size)" $((8 << 11))
	modprobe -r ramdisk
	rm /etc/modprobe.d/ramdisk.conf "/lib/modules/$KVER/updates/ramdisk.ko"
	depmod -a
}

case_make_install() {
	local kdir
	kdir=$(sed -n 's/^KDIR=//p' "$top/.cache/kernel-${KVER%%.*}"*.env 2>/dev/null |
		grep -F "$KVER" | head -n1)
	[ -d "$kdir" ] || fail "no headers for $KVER" || return 1
	# Work on a copy: make install builds in the source folder.
	cp -r "$top" /tmp/src && cd /tmp/src || return 1
	make -s clean KDIR="$kdir" >/dev/null 2>&1
	make -s install KDIR="$kdir" >/tmp/install.log 2>&1 ||
		fail "make install: $(tail -n 5 /tmp/install.log)" || return 1
	ls /lib/modules/$KVER/updates/ramdisk.ko* >/dev/null 2>&1 ||
		fail "make install left no module in updates/" || return 1
	modprobe ramdisk size=16M && modprobe -r ramdisk ||
		fail "modprobe after make install failed" || return 1
	make -s uninstall KDIR="$kdir" >/tmp/uninstall.log 2>&1 ||
		fail "make uninstall: $(tail -n 5 /tmp/uninstall.log)" || return 1
	! ls /lib/modules/$KVER/updates/ramdisk.ko* >/dev/null 2>&1 ||
		fail "make uninstall left the module" || return 1
	! modprobe -n ramdisk 2>/dev/null || fail "modprobe still finds ramdisk"
}

run_case "modprobe loads the DKMS-installed module, version $VERSION" case_modprobe_dkms
run_case "modprobe takes defaults from /etc/modprobe.d" case_modprobe_conf
run_case "make install, modprobe, make uninstall" case_make_install
