#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the house gates, each of which must be silent. C: clang-format
# with the kernel's .clang-format, checkpatch --strict, kernel-doc, and a
# W=1 build with sparse on every file (C=2) against every supported
# kernel; that build is the one make check then tests. Shell: shellcheck.
# Python: flake8. Needs only `scripts/setup.sh lint`: headers, no QEMU.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit

failed=0
# shellcheck disable=SC2086
set -- $DRIVER_SOURCES

gate() {
	local name=$1 out=$2
	if [ -n "$out" ]; then
		printf 'lint: %s: FAIL\n%s\n' "$name" "$out"
		failed=1
	else
		printf 'lint: %s: clean\n' "$name"
	fi
}

gate clang-format "$(clang-format --dry-run "$@" 2>&1)"

# checkpatch prints a summary line even when clean; keep only findings.
gate checkpatch "$(perl "$shared_cache/tools/checkpatch.pl" --no-tree \
	--strict --quiet --show-types -f "$@" 2>&1)"

gate kernel-doc "$(perl "$shared_cache/tools/kernel-doc" -none -Wall "$@" 2>&1)"

# Every shell script: the *.sh files, and those without the suffix whose
# first line names a shell.
tracked() { git ls-files --cached --others --exclude-standard "$@"; }
mapfile -t shell_scripts < <(tracked | while read -r f; do
	case $f in
	*.sh) echo "$f" ;;
	*.*) ;;
	*) head -n1 "$f" | grep -Eq '^#!.*(ba)?sh' && echo "$f" ;;
	esac
done)
gate "shellcheck (${#shell_scripts[@]} scripts)" \
	"$(shellcheck -x "${shell_scripts[@]}" 2>&1)"

mapfile -t python_scripts < <(tracked '*.py')
gate "flake8 (${#python_scripts[@]} scripts)" \
	"$(flake8 --max-line-length=100 "${python_scripts[@]}" 2>&1)"

for s in $SERIES; do
	load_kernel "$s" || exit 1
	# Rebuilt from scratch: an up-to-date build prints nothing. A build
	# that fails leaves no module; anything it prints is a finding.
	rm -f "$(build_dir "$KVER")"/{ramdisk.ko,ramdisk.o}
	findings=$(build_module "$s" W=1 C=2)
	[ -e "$(build_dir "$KVER")/ramdisk.ko" ] || findings+=$'\nno ramdisk.ko built'
	gate "W=1 C=2 build for $s ($KVER)" "$findings"
done

exit $failed
