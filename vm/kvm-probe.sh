#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Decides once per machine whether guests run under KVM or TCG, and records
# it in the user's cache. /dev/kvm existing proves little: under nested
# virtualisation it can abort (MSR 0x10a) or hang after the BIOS. So boot a
# guest under KVM with a short deadline, and keep KVM only if it ran.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

[ -e "$shared_cache/accel" ] && exit 0
accel=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	probe=$cache/kvm-probe
	if GUEST_ACCEL=kvm "$top/vm/guest.sh" -q -t 40 6.12 "$probe" \
		'echo kvm-ok' >/dev/null 2>&1 &&
		grep -q kvm-ok "$probe/output.txt"; then
		accel=kvm
	fi
fi
echo "$accel" >"$shared_cache/accel"
echo "kvm-probe: guests run under $accel" >&2
