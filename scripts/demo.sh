#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boots Debian's 6.12 kernel in QEMU and shows the user's
# workflow end to end (scripts/demo-guest.sh), then powers off.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit
series=${DEMO_SERIES:-6.12}

"$top/vm/kvm-probe.sh"
build_module "$series" >/dev/null || { echo "build failed"; exit 1; }
"$top/vm/guest.sh" -m 2048 -t 600 "$series" "$results/demo-$series" \
	scripts/demo-guest.sh
