#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest: every numbered test in tests/, or those named on the
# command line, in order. Each prints PASS/FAIL/SKIP lines; the host counts
# them.
cd "$(dirname "$0")" || exit 1
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=([0-9][0-9][0-9]-*.sh)
echo "# guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"
for t in "${tests[@]}"; do
	start=$SECONDS
	TEST_NAME=${t%.sh} bash "./$t"
	echo "# $t took $((SECONDS - start))s"
done
