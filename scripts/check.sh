#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, from a bare Debian 12 machine.
#   1. install what is missing and fetch the kernels (setup.sh)
#   2. build ramdisk.ko and the test helper for 6.1 and 6.12 (W=1 C=1),
#      build and install it with DKMS into .cache/dkms, and check that
#      README's parameter table is what modinfo says
#   3. the lint gates (lint.sh)
#   4. boot each kernel in QEMU and run tests/run.sh in it
#   5. judge each guest's kernel log and taint
# Every gate and every test case on every kernel counts once in the last
# line: "N passed, N failed, N skipped". Exit status 1 if anything failed.
#
# CHECK_SERIES="6.12" or CHECK_TESTS="030-io.sh" narrow a run.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

passed=0 failed=0 skipped=0
run_dir=$results/check-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run_dir"

verdict() { # verdict PASS|FAIL|SKIP TEXT [DETAIL]
	echo "$1 $2"
	[ -n "${3:-}" ] && printf '%s\n' "$3" | head -n 20 | sed 's/^/    /'
	case $1 in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
}

# check_cmd TEXT COMMAND...: one verdict on a command; its output if it fails.
check_cmd() {
	local text=$1 out
	shift
	if out=$("$@" 2>&1); then
		verdict PASS "$text"
	else
		verdict FAIL "$text" "$out"
	fi
}

"$top/scripts/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
"$top/scripts/kvm-probe.sh"

series_list=${CHECK_SERIES:-${SERIES[*]}}
for s in $series_list; do
	out=$(build_module "$s" W=1 C=1)
	probe_out=$(build_probe "$s" W=1 C=1)
	if [ -e "$(build_dir "$s")/ramdisk.ko" ] &&
		[ -e "$(build_dir "$s")/rdprobe/rdprobe.ko" ]; then
		verdict PASS "build: ramdisk.ko and rdprobe.ko for $s"
	else
		verdict FAIL "build: ramdisk.ko and rdprobe.ko for $s" "$out$probe_out"
	fi
	check_cmd "dkms add, build and install for $s" \
		"$top/scripts/dkms-check.sh" "$s"
	check_cmd "README parameter table matches modinfo -p ($s)" \
		python3 "$top/scripts/check-params-doc.py" \
		"$(build_dir "$s")/ramdisk.ko" README.md
done

check_cmd "chapter-notes name real functions and quote the sources exactly" \
	python3 "$top/scripts/check-notes.py"

while read -r line; do
	case $line in
	"lint: "*": clean") verdict PASS "${line%: clean}" ;;
	"lint: "*": FAIL") verdict FAIL "${line%: FAIL}" ;;
	*) echo "    $line" ;;
	esac
done < <("$top/scripts/lint.sh" 2>&1)

# Kernel log lines that mean the guest kernel is unwell.
bad_log=$(sed -n "s/^BAD_KERNEL_LOG='\(.*\)'$/\1/p" "$top/tests/lib.sh")
# Taint flags allowed: O (out-of-tree module) and E (unsigned module): both
# come with loading any module built outside Debian's kernel build.
allowed_taint=$(((1 << 12) | (1 << 13)))

# The guests run side by side: each single-threaded TCG guest keeps one
# host core busy, so two kernels take the time of one.
declare -A guest_pid
for s in $series_list; do
	load_kernel "$s"
	[ -e "$(build_dir "$s")/ramdisk.ko" ] || continue
	echo "# booting $KVER: tests/run.sh ${CHECK_TESTS:-}, output in $run_dir/$KVER"
	# shellcheck disable=SC2086
	"$top/scripts/guest.sh" -q -m 6144 -t 1500 "$s" "$run_dir/$KVER" \
		tests/run.sh ${CHECK_TESTS:-} &
	guest_pid[$s]=$!
done

for s in $series_list; do
	[ -n "${guest_pid[$s]:-}" ] || continue
	wait "${guest_pid[$s]}"
	status=$?
	load_kernel "$s"
	out=$run_dir/$KVER
	# The guest's lines: verdicts, the reasons under a FAIL, timings.
	while IFS= read -r line; do
		case $line in
		PASS\ * | FAIL\ * | SKIP\ *) verdict "${line%% *}" "[$s] ${line#* }" ;;
		"    "* | "# "*) echo "$line" ;;
		esac
	done <"$out/output.txt"
	[ $status -eq 0 ] ||
		verdict FAIL "[$s] the guest finished the tests" "exit status $status; see $out/console.log"
	bad=$(cat "$out/console.log" "$out/dmesg.txt" 2>/dev/null |
		grep -E "$bad_log" | sort -u | head -n 10)
	if [ -z "$bad" ]; then
		verdict PASS "[$s] kernel log free of WARNING, BUG, Oops and hung tasks"
	else
		verdict FAIL "[$s] kernel log free of WARNING, BUG, Oops and hung tasks" "$bad"
	fi
	taint=$(cat "$out/tainted" 2>/dev/null || echo missing)
	if [ "$taint" != missing ] && [ $((taint & ~allowed_taint)) -eq 0 ]; then
		verdict PASS "[$s] kernel taint is only out-of-tree/unsigned ($taint)"
	else
		verdict FAIL "[$s] kernel taint is only out-of-tree/unsigned" "tainted=$taint"
	fi
done

echo "# logs: $run_dir"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
