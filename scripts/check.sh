#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, from a bare Debian 12 machine.
#   1. install what is missing and fetch the kernels (setup.sh)
#   2. the lint gates (lint.sh), whose W=1 C=2 build of ramdisk.ko for
#      6.1 and 6.12 is the module tested below
#   3. per kernel: the test helper, DKMS build and install into
#      .cache/dkms, README's parameter table against modinfo
#   4. the docs against the code (doc-checks/notes.py), and the trace
#      tool's graph filter against a recorded report (tests/fixtures/)
#   5. boot each kernel in QEMU and run tests/run.sh in it (KTAP)
#   6. judge each guest's kernel log and taint
#   7. a copy of the tree under /tmp, through a symlink, boots a guest
#      and passes 010-load; a path kbuild cannot use is refused at once
# Every gate and every test case on every kernel counts once in the last
# line: "N passed, N failed, N skipped". Exit status 1 if anything failed.
#
# check.sh net (make check-net): the two-guest NVMe/TCP test alone
# (scripts/net.sh, a target and an initiator guest per kernel, about 5
# minutes), judged the same way; it would take make check past its
# budget, so it is a target of its own, which .ci/run also runs.
#
# check.sh debug (make check-debug): the concurrency tests
# (CONCURRENCY_TESTS in project.sh) on the debug kernels built from
# Debian's linux-source-6.12 (scripts/debug-kernel.sh), side by side: the
# kasan kernel (KASAN, KFENCE, lockdep, RCU checking, kmemleak, UBSAN)
# and the kcsan kernel, the stress cases longer than in make check. Any
# report fails the case it appears in and the guest; kmemleak's reports
# fail the guest when they are ramdisk's (kmemleak-report.py), and KCSAN's
# when they name ramdisk code; the others are listed. DEBUG_TESTS=all
# runs every test on the kasan kernel (hours under TCG).
#
# CHECK_SERIES="6.12" or CHECK_TESTS="030-io.sh" narrow a run.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit

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

mode=${1:-all}
case $mode in all | net | debug) ;; *) echo "usage: check.sh [net|debug]" >&2; exit 2 ;; esac

setup_mode=all
[ "$mode" = debug ] && setup_mode=debug
"$top/scripts/setup.sh" "$setup_mode" ||
	{ echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
"$top/vm/kvm-probe.sh"
series_list=${CHECK_SERIES:-$SERIES}
# Taint flags allowed: O (out-of-tree module) and E (unsigned module): both
# come with loading any module built outside Debian's kernel build.
allowed_taint=$(((1 << 12) | (1 << 13)))

# ktap_verdicts SERIES FILE: a verdict per case of the guest's KTAP output
# (the subtests' lines, indented four spaces), and one for a test file
# that stopped without failing a case.
ktap_verdicts() {
	local series=$1 line case_failed=0 result
	while IFS= read -r line; do
		case $line in
		"    ok "*" # SKIP "*)
			result=${line#    ok * }
			verdict SKIP "[$series] ${result% # SKIP *} (${result##* # SKIP })"
			;;
		"    ok "*) verdict PASS "[$series] ${line#    ok * }" ;;
		"    not ok "*)
			verdict FAIL "[$series] ${line#    not ok * }"
			case_failed=1
			;;
		"    # Subtest: "*) case_failed=0 ;;
		"not ok "*)
			[ $case_failed -eq 1 ] ||
				verdict FAIL "[$series] tests/${line#not ok * }.sh ran to its end"
			;;
		"    # "* | "# "*) echo "    ${line#    }" ;;
		esac
	done <"$2"
}

# judge_guest LABEL OUTDIR STATUS: the verdicts of one guest: its KTAP
# cases, whether it finished, its kernel log and its taint.
judge_guest() {
	local label=$1 out=$2 status=$3 bad taint
	ktap_verdicts "$label" "$out/output.txt"
	[ "$status" = 0 ] ||
		verdict FAIL "[$label] the guest finished the tests" "exit status $status; see $out/console.log"
	bad=$(cat "$out/console.log" "$out/dmesg.txt" 2>/dev/null |
		kernel_log_findings | sort -u | head -n 10)
	if [ -z "$bad" ]; then
		verdict PASS "[$label] kernel log free of WARNING, BUG, Oops and hung tasks"
	else
		verdict FAIL "[$label] kernel log free of WARNING, BUG, Oops and hung tasks" "$bad"
	fi
	taint=$(cat "$out/tainted" 2>/dev/null || echo missing)
	if [ "$taint" != missing ] && [ $((taint & ~allowed_taint)) -eq 0 ]; then
		verdict PASS "[$label] kernel taint is only out-of-tree/unsigned ($taint)"
	else
		verdict FAIL "[$label] kernel taint is only out-of-tree/unsigned" "tainted=$taint"
	fi
}

# two_guests: scripts/net.sh per kernel, both kernels' pairs side by
# side, each guest judged like the others.
two_guests() {
	local s out side
	declare -A net_pid
	for s in $series_list; do
		load_kernel "$s"
		out=$(build_module "$s")
		if [ -e "$(build_dir "$KVER")/ramdisk.ko" ]; then
			verdict PASS "build: ramdisk.ko for $s"
		else
			verdict FAIL "build: ramdisk.ko for $s" "$out"
			continue
		fi
		echo "# two guests on $KVER: scripts/net.sh, output in $run_dir/$KVER-net"
		"$top/scripts/net.sh" "$s" "$run_dir/$KVER-net" &
		net_pid[$s]=$!
	done
	for s in $series_list; do
		[ -n "${net_pid[$s]:-}" ] || continue
		wait "${net_pid[$s]}"
		load_kernel "$s"
		for side in target initiator; do
			out=$run_dir/$KVER-net/$side
			judge_guest "$s $side" "$out" "$(cat "$out/exit-status" 2>/dev/null || echo missing)"
		done
	done
}

# debug_guests: the debug kernels' guests, side by side, each judged like
# the others, plus kmemleak's and KCSAN's reports.
debug_guests() {
	local v s tests out status reports
	declare -A debug_pid
	for v in $DEBUG_VARIANTS; do
		s=6.12-$v
		load_kernel "$s"
		out=$(build_module "$s" W=1 && build_probe "$s" W=1)
		if [ -e "$(build_dir "$KVER")/ramdisk.ko" ] &&
			[ -e "$(build_dir "$KVER")/rdprobe/rdprobe.ko" ] && [ -z "$out" ]; then
			verdict PASS "build: ramdisk.ko and rdprobe.ko for $KVER, W=1 clean"
		else
			verdict FAIL "build: ramdisk.ko and rdprobe.ko for $KVER, W=1 clean" "$out"
			continue
		fi
		tests=${CHECK_TESTS:-$CONCURRENCY_TESTS}
		if [ "$v" = kasan ] && [ "${DEBUG_TESTS:-}" = all ]; then
			tests=${CHECK_TESTS:-}
		fi
		echo "# booting $KVER: tests/run.sh ${tests:-(all)}, output in $run_dir/$KVER"
		# shellcheck disable=SC2086
		"$top/vm/guest.sh" -q -m 6144 -t 7200 "$s" "$run_dir/$KVER" \
			"STRESS_SECONDS=$DEBUG_STRESS_SECONDS STRESS_CYCLES=$DEBUG_STRESS_CYCLES" \
			tests/run.sh $tests &
		debug_pid[$s]=$!
	done
	for v in $DEBUG_VARIANTS; do
		s=6.12-$v
		[ -n "${debug_pid[$s]:-}" ] || continue
		wait "${debug_pid[$s]}"
		status=$?
		load_kernel "$s"
		out=$run_dir/$KVER
		judge_guest "$s" "$out" $status
		if [ "$v" = kasan ]; then
			if [ ! -s "$out/kmemleak.txt" ]; then
				verdict FAIL "[$s] kmemleak scanned after every test file" "no $out/kmemleak.txt"
			elif reports=$(python3 "$top/scripts/kmemleak-report.py" "$out/kmemleak.txt" 2>"$out/kmemleak-elsewhere.txt"); then
				verdict PASS "[$s] kmemleak: no unreferenced object of ramdisk's"
				sed 's/^/    # /' "$out/kmemleak-elsewhere.txt"
			else
				verdict FAIL "[$s] kmemleak: no unreferenced object of ramdisk's" "$reports"
			fi
		else
			kcsan_elsewhere <"$out/console.log" |
				sed 's/^ */    # KCSAN elsewhere: /'
		fi
	done
}

if [ "$mode" = net ] || [ "$mode" = debug ]; then
	if [ "$mode" = net ]; then two_guests; else debug_guests; fi
	echo "# logs: $run_dir"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ $failed -eq 0 ]
	exit
fi

while read -r line; do
	case $line in
	"lint: "*": clean") verdict PASS "${line%: clean}" ;;
	"lint: "*": FAIL") verdict FAIL "${line%: FAIL}" ;;
	*) echo "    $line" ;;
	esac
done < <("$top/scripts/lint.sh" 2>&1)

for s in $series_list; do
	load_kernel "$s"
	out=$(build_probe "$s" W=1 C=1)
	if [ -e "$(build_dir "$KVER")/ramdisk.ko" ] &&
		[ -e "$(build_dir "$KVER")/rdprobe/rdprobe.ko" ]; then
		verdict PASS "build: ramdisk.ko and rdprobe.ko for $s"
	else
		verdict FAIL "build: ramdisk.ko and rdprobe.ko for $s" "$out"
	fi
	check_cmd "dkms add, build and install for $s" \
		"$top/scripts/dkms-check.sh" "$s"
	check_cmd "README parameter table matches modinfo -p ($s)" \
		python3 "$top/doc-checks/params.py" \
		"$(build_dir "$KVER")/ramdisk.ko" README.md
done

check_cmd "chapter-notes name real functions and quote the sources exactly" \
	python3 "$top/doc-checks/notes.py"

# A graph with an interrupt's softirq work before the call and interrupts
# nested in it (what once pushed the driver out of a trimmed report): the
# filter keeps the calls whole and nothing else.
check_cmd "tools/graph-calls.py keeps whole calls of the graph function, without interrupt work" \
	diff -u tests/fixtures/graph-softirq.out \
	<(python3 tools/graph-calls.py ramdisk_queue_rq 2 <tests/fixtures/graph-softirq.report)

# The guests run side by side: each single-threaded TCG guest keeps one
# host core busy, so two kernels take the time of one. On a 2-core
# machine, make check with both paths' cases took about 39 minutes from a
# clean clone (2026-12-06; the guests' tests 2307 s on 6.1 and 2344 s on
# 6.12, their first 18 minutes beside another run's guests); with other
# guests or a kernel build beside it, TCG slowed down to twice that. Two
# make checks at once need more memory than 24 GiB (6 GiB a test guest):
# the host's OOM killer then ends a guest. The deadline, 75
# minutes, gives a slow host room and still ends inside CI's 90.
# The deterministic floor, beside the test guests: ramdisk against brd
# in an instruction-counted guest of the last kernel, the jobs of
# bench/floor.txt, each of which sets the lowest ratio that passes. A
# slower request path cannot land unnoticed, and the host's speed and load
# cannot fail it.
floor_series=${series_list##* }
floor_out=$run_dir/floor
floor_jobs=$(awk '!/^#/ && NF && !seen[$1]++ {print $1}' bench/floor.txt | paste -sd' ')
floor_devices=$(awk '!/^#/ && NF && !seen[$2]++ {print $2}' bench/floor.txt | paste -sd' ')
load_kernel "$floor_series"
if [ -e "$(build_dir "$KVER")/ramdisk.ko" ] && build_memcpy_bw; then
	GUEST_CLOCK=icount GUEST_MEMORY_CHECKS=off "$top/vm/guest.sh" -q -m 2048 -t 1800 "$floor_series" "$floor_out" \
		"BENCH_OUT=$floor_out ROUNDS=1 RUNTIME=$ICOUNT_RUNTIME RAMP=$ICOUNT_RAMP" \
		"BENCH_JOBS='$floor_jobs' BENCH_DEVICES='$floor_devices ram0'" bench/guest-bench.sh &
	floor_pid=$!
fi

declare -A guest_pid
for s in $series_list; do
	load_kernel "$s"
	[ -e "$(build_dir "$KVER")/ramdisk.ko" ] || continue
	echo "# booting $KVER: tests/run.sh ${CHECK_TESTS:-}, output in $run_dir/$KVER"
	# shellcheck disable=SC2086
	"$top/vm/guest.sh" -q -m 6144 -t 4500 "$s" "$run_dir/$KVER" \
		tests/run.sh ${CHECK_TESTS:-} &
	guest_pid[$s]=$!
done

for s in $series_list; do
	[ -n "${guest_pid[$s]:-}" ] || continue
	wait "${guest_pid[$s]}"
	status=$?
	load_kernel "$s"
	judge_guest "$s" "$run_dir/$KVER" $status
done

if [ -n "${floor_pid:-}" ]; then
	wait "$floor_pid"
	load_kernel "$floor_series"
	text="deterministic floor on $KVER: ramdisk (mq and bio)/brd at or above bench/floor.txt"
	if python3 "$top/bench/floor.py" "$floor_out" bench/floor.txt >"$floor_out/floor.txt" 2>&1; then
		verdict PASS "$text"
		sed 's/^/    /' "$floor_out/floor.txt"
	else
		verdict FAIL "$text" "$(cat "$floor_out/floor.txt")"
	fi
fi

# Clone anywhere: the guest covers /tmp and /run with fresh tmpfs, and a
# path with a space defeats kbuild. A copy of this tree (as it is, not as
# committed) under /tmp, reached through a symlink, builds and boots a
# guest that runs 010-load; the same copy under a path with a space is
# refused before anything is built, naming the fix.
clone_anywhere() {
	local base=$1 kernel=${series_list##* } out
	mkdir "$base/tree" "$base/with space"
	git ls-files --cached --others --exclude-standard -z |
		cpio -0pdm --quiet "$base/tree"
	ln -s "$base/tree" "$base/link"
	cp -a "$base/tree" "$base/with space/"
	if out=$("$base/with space/tree/scripts/demo.sh" 2>&1) ||
		! grep -q "cannot build a module in a path holding white space" <<<"$out"; then
		echo "a path with a space was not refused: $out"
		return 1
	fi
	(cd "$base/link" && . scripts/lib.sh && build_module "$kernel" >/dev/null &&
		build_probe "$kernel" >/dev/null) || return 1
	if ! "$base/link/vm/guest.sh" -q -t 300 "$kernel" "$base/out" \
		tests/run.sh 010-load.sh || ! grep -q '^    ok 1 ' "$base/out/output.txt" ||
		grep -q 'not ok' "$base/out/output.txt"; then
		tail -n 30 "$base/out/output.txt"
		return 1
	fi
}
clone_base=$(mktemp -d /tmp/ramdisk-clone.XXXXXX)
check_cmd "a copy under /tmp, through a symlink, boots and passes 010-load; a path with a space is refused" \
	clone_anywhere "$clone_base"
rm -rf "$clone_base"

echo "# logs: $run_dir"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
