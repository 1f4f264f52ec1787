#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest: every numbered test in tests/, or those named on the
# command line, in order, as KTAP: each test file is a subtest (indented
# four spaces) whose cases are numbered within it, and passes when none of
# its cases failed. The host (scripts/check.sh) counts the cases.
cd "$(dirname "$0")" || exit 1
KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_scan TEST: on a kernel with kmemleak (make check-debug), after
# each test file: a scan, whose reports go to kmemleak.txt in the results
# (the host judges them), then clear, so each is reported once. Two scans:
# kmemleak reports only what two scans in a row found unreferenced.
kmemleak_scan() {
	[ -w "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	{
		echo "== after $1"
		cat "$KMEMLEAK"
	} >>"$RDTEST_RESULTS/kmemleak.txt"
	echo clear >"$KMEMLEAK"
}
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=([0-9][0-9][0-9]-*.sh)
echo "TAP version 13"
echo "1..${#tests[@]}"
echo "# guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"
n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	start=$SECONDS
	echo "    # Subtest: ${t%.sh}"
	TEST_NAME=${t%.sh} bash "./$t" | tee /tmp/subtest.out | sed 's/^/    /'
	if grep -q '^not ok ' /tmp/subtest.out || ! grep -q '^1\.\.' /tmp/subtest.out; then
		echo "not ok $n ${t%.sh}"
	else
		echo "ok $n ${t%.sh}"
	fi
	echo "# $t took $((SECONDS - start))s"
	kmemleak_scan "$t"
done
