#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The house gates, each of which must be silent: clang-format with the
# kernel's .clang-format, checkpatch --strict, kernel-doc, and a W=1 build
# with sparse on every file (C=2) against every supported kernel.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

c_files=(ramdisk.c ramdisk.h ramdisk_compat.h ramdisk_trace.h)
failed=0

gate() {
	local name=$1 out=$2
	if [ -n "$out" ]; then
		printf 'lint: %s: FAIL\n%s\n' "$name" "$out"
		failed=1
	else
		printf 'lint: %s: clean\n' "$name"
	fi
}

gate clang-format "$(clang-format --dry-run "${c_files[@]}" 2>&1)"

# checkpatch prints a summary line even when clean; keep only findings.
gate checkpatch "$(perl "$cache/tools/checkpatch.pl" --no-tree --strict \
	--quiet --show-types -f "${c_files[@]}" 2>&1)"

gate kernel-doc "$(perl "$cache/tools/kernel-doc" -none -Wall \
	"${c_files[@]}" 2>&1)"

for s in "${SERIES[@]}"; do
	load_kernel "$s" || exit 1
	rm -f "$(build_dir "$s")/ramdisk.ko"
	# A build that fails leaves no module; anything it prints is a finding.
	findings=$(build_module "$s" W=1 C=2)
	[ -e "$(build_dir "$s")/ramdisk.ko" ] || findings+=$'\nno ramdisk.ko built'
	gate "W=1 C=2 build for $s ($KVER)" "$findings"
done

exit $failed
