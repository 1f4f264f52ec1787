#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installed like a packaged module: the DKMS-installed ramdisk.ko loads
# with modprobe, takes defaults from /etc/modprobe.d, and `make install`
# / `make uninstall` put it into and out of the module tree.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

KVER=$(uname -r)
VERSION=$(module_version)
DKMS_TREE=$top/.cache/dkms/install/$KVER/updates/dkms
# Module trees are staged under their own roots (modprobe -d): depmod over
# the guest kernel's whole tree takes minutes under emulation, over a
# staged tree holding one module, a moment.
STAGE=/tmp/stage

io_check() {
	pattern mp 4096 >/tmp/mp
	write_at 8192 /tmp/mp
	expect_data 8192 /tmp/mp
}

# stage FILE...: a module tree under $STAGE holding FILE in updates/dkms.
stage() {
	rm -rf $STAGE
	mkdir -p $STAGE/lib/modules/"$KVER"/updates/dkms
	cp "$@" $STAGE/lib/modules/"$KVER"/updates/dkms/
	depmod -b $STAGE "$KVER"
}

case_modprobe_dkms() {
	[ -e "$DKMS_TREE" ] || fail "no DKMS install for $KVER (scripts/dkms-check.sh)"
	stage "$DKMS_TREE"/ramdisk.ko*
	modprobe -d $STAGE ramdisk size=32M || fail "modprobe ramdisk failed"
	wait_for_dev
	expect_eq "module version" "$(cat /sys/module/ramdisk/version)" "$VERSION"
	expect_eq "size" "$(sysattr size)" $((32 << 11))
	io_check
	modprobe -d $STAGE -r ramdisk || fail "modprobe -r failed"
}

case_modprobe_conf() {
	# The shipped example, as modprobe reads it.
	modprobe -C "$top/ramdisk.modprobe.conf" --showconfig |
		grep -x 'options ramdisk size=1G max_part=16' >/dev/null ||
		fail "modprobe does not read ramdisk.modprobe.conf"
	stage "$KO"
	# Installed with a smaller size: zeroing 1 GiB is slow under emulation.
	sed 's/size=1G/size=48M/' "$top/ramdisk.modprobe.conf" \
		>/etc/modprobe.d/ramdisk.conf
	modprobe -d $STAGE ramdisk || fail "modprobe ramdisk failed"
	wait_for_dev
	expect_eq "size from modprobe.d" "$(cat /sys/module/ramdisk/parameters/size)" \
		$((48 << 20))
	io_check
	modprobe -d $STAGE -r ramdisk
	# The command line wins over modprobe.d.
	modprobe -d $STAGE ramdisk size=8M
	wait_for_dev
	expect_eq "size from the command line" "$(sysattr size)" $((8 << 11))
	modprobe -d $STAGE -r ramdisk
	rm /etc/modprobe.d/ramdisk.conf
}

case_make_install() {
	local kdir src=/tmp/src
	# The headers ramdisk.ko was built against (scripts/lib.sh).
	kdir=$(cat "$(dirname "$KO")/headers")
	[ -d "$kdir" ] || fail "no headers for $KVER at $kdir"
	# A copy of the folder ramdisk.ko was built in, with the Makefile, as
	# after `make`: install then has nothing to compile (compiling under
	# emulation would take minutes).
	rm -rf $src $STAGE
	cp -a "$(dirname "$KO")" $src
	cp "$top/Makefile" $src/
	make -C $src -s install KDIR="$kdir" INSTALL_MOD_PATH=$STAGE \
		>/tmp/install.log 2>&1 ||
		fail "make install: $(tail -n 5 /tmp/install.log)"
	ls $STAGE/lib/modules/"$KVER"/updates/ramdisk.ko* >/dev/null 2>&1 ||
		fail "make install left no module in updates/"
	modprobe -d $STAGE ramdisk size=16M ||
		fail "modprobe after make install failed"
	wait_for_dev
	modprobe -d $STAGE -r ramdisk
	make -C $src -s uninstall KDIR="$kdir" INSTALL_MOD_PATH=$STAGE \
		>/tmp/uninstall.log 2>&1 ||
		fail "make uninstall: $(tail -n 5 /tmp/uninstall.log)"
	! ls $STAGE/lib/modules/"$KVER"/updates/ramdisk.ko* >/dev/null 2>&1 ||
		fail "make uninstall left the module"
	! modprobe -d $STAGE -n ramdisk 2>/dev/null ||
		fail "modprobe still finds ramdisk"
}

run_case "modprobe loads the DKMS-installed module, version $VERSION" case_modprobe_dkms
run_case "modprobe takes defaults from /etc/modprobe.d" case_modprobe_conf
run_case "make install, modprobe, make uninstall" case_make_install
