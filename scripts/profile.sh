#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make profile: where one 4 KiB O_DIRECT read or write of ramdisk, brd and
# null_blk spends its time, from function_graph traces in one guest boot
# per kernel (bench/guest-profile.sh). Results go to
# results/profile-<date>/: the traces' profiles and profile.md, a table of
# time and traced calls per I/O against brd. The profiles are then copied
# to docs/bench/profile/ and the table into chapter 9.
#
# The guests run on QEMU's instruction counter (vm/guest.sh GUEST_CLOCK),
# so the times are instruction counts and repeat from run to run;
# PROFILE_CLOCK=wall times them by the wall clock instead.
#
# PROFILE_SERIES, COUNT (calls timed per device, direction and round,
# 1000) and ROUNDS (2 instruction-counted, 3 by the wall clock) narrow or
# widen a run; a run narrowed to one kernel leaves the docs alone.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top"

"$top/scripts/setup.sh"
"$top/vm/kvm-probe.sh"

clock=${PROFILE_CLOCK:-icount}
# Instruction-counted rounds repeat: two show that they do.
rounds=${ROUNDS:-$([ "$clock" = icount ] && echo 2 || echo 3)}
out=$results/profile-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
# Side by side, as in make check: a single-threaded TCG guest keeps one
# host core busy. Each guest compares its devices within its own boot.
pids=()
for s in ${PROFILE_SERIES:-${SERIES[*]}}; do
	build_module "$s" >/dev/null
	load_kernel "$s"
	echo "# profile on $KVER"
	mkdir -p "$out/$s"
	echo "$KVER" >"$out/$s/kernel"
	echo "$clock" >"$out/$s/clock"
	GUEST_CLOCK=$clock GUEST_MEMORY_CHECKS=off "$top/vm/guest.sh" -q -m 1024 -t 3600 "$s" "$out/$s" \
		"PROFILE_OUT=$out/$s/profile COUNT=${COUNT:-1000} ROUNDS=$rounds" \
		bench/guest-profile.sh &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait "$pid" || { echo "profile guest failed: see $out" >&2; exit 1; }
done
python3 "$top/bench/profile-report.py" "$out" >"$out/profile.md"
python3 "$top/bench/profile-report.py" "$out" paths >"$out/profile-paths.md"
# A narrowed run would leave the docs with one kernel: they take whole runs.
if [ -z "${PROFILE_SERIES:-}" ]; then
	for s in $SERIES; do
		rm -rf "docs/bench/profile/$s"
		mkdir -p "docs/bench/profile/$s"
		cp "$out/$s/profile/"*.txt "docs/bench/profile/$s/"
	done
	python3 "$top/bench/publish.py" "$out/profile.md" profile \
		chapter-notes/09-many-queues.md
	python3 "$top/bench/publish.py" "$out/profile-paths.md" profile-paths \
		chapter-notes/04-two-ways-to-take-io.md
fi
echo "# results: $out"
