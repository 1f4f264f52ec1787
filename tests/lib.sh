# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the guest-side tests. A test file defines functions
# named case_* and calls `run_case "what it shows" case_fn` for each. A
# case body runs in a subshell with errexit: its first failing command
# fails it, with the message `fail` gave or, for any other command, the
# command and its line. Any kernel WARNING, BUG or Oops logged during a
# case fails it too. A file may define `requires`, which prints why the
# file's cases cannot run here and returns 1; they are then skipped.
#
# Results are KTAP (tools/testing/selftests/kselftest/ktap_helpers.sh):
# one "ok N what", "not ok N what" or "ok N what # SKIP why" line per
# case, "# " diagnostics, and the plan "1..N" when the file is done.

top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=scripts/project.sh
. "$top/scripts/project.sh"
KO=${KO:-$(build_dir "$(uname -r)")/ramdisk.ko}
PROBE=${PROBE:-$(build_dir "$(uname -r)")/rdprobe/rdprobe.ko}
DEV=/dev/ramdisk
# The configfs subsystem: one folder per runtime disk.
CFS=/sys/kernel/config/ramdisk
# The NVMe-oF target's configfs tree, and the exporting tool.
NVMET=/sys/kernel/config/nvmet
EXPORT=$top/tools/export
# 6.1's NVMe/TCP over loopback hands the target the initiator's own
# pages, and a fragment running past the end of a transparent huge page
# (fio's buffers get them: Debian's THP default is always) trips hardened
# usercopy: kernel BUG at mm/usercopy.c in nvmet_tcp_io_work, as reported
# on Debian's 6.1 hosts (openebs/mayastor#1693). README says so; a test
# that exports over loopback keeps the guest's THP to madvise meanwhile.
THP=/sys/kernel/mm/transparent_hugepage/enabled

# thp_madvise: THP to madvise; prints what it was, to write back to $THP.
thp_madvise() {
	sed 's/.*\[\(.*\)\].*/\1/' "$THP"
	echo madvise >"$THP"
}
NCPU=$(nproc)
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

fail() {
	echo "$*" >&2
	return 1
}

# skip WHY: ends the case as skipped, for what this kernel lacks (a
# debug kernel is built with less than Debian's); run_case reports it.
SKIP_STATUS=4
skip() {
	echo "$*" >&2
	exit "$SKIP_STATUS"
}

# kernel_has CONFIG_X: the running kernel was built with it (y or m).
kernel_has() {
	grep -Eq "^$1=[ym]" "/boot/config-$(uname -r)"
}

# mark: puts a marker in the kernel log; dmesg_since prints what followed
# the last marker this shell put there. A case body's subshell counts on
# from its parent's count, so the shell's own PID keeps the two apart: a
# repeated marker would start dmesg_since at an older case's lines.
MARK=0
mark() {
	MARK=$((MARK + 1))
	MARK_LINE="rdtest: mark $BASHPID-$MARK"
	echo "$MARK_LINE" >/dev/kmsg
}
dmesg_since() {
	dmesg | awk -v mark="$MARK_LINE\$" 'on; $0 ~ mark { on = 1 }'
}

CASES=0
trap 'echo "1..$CASES"' EXIT

# case_body FN: runs FN with errexit; a failing command other than fail
# (which says why itself) names itself and its line, once: not again for
# the command substitution around it.
case_body() {
	set -eE
	CASE_LEVEL=$BASH_SUBSHELL
	trap '[[ $BASH_COMMAND == fail* || $BASH_COMMAND == return* ]] ||
		[ "$BASH_SUBSHELL" -ne "$CASE_LEVEL" ] ||
		echo "failed at line $LINENO: $BASH_COMMAND" >&2' ERR
	"$1"
}

run_case() {
	local desc=$1 fn=$2 reason status bad why start=$SECONDS
	CASES=$((CASES + 1))
	if declare -F requires >/dev/null && ! why=$(requires); then
		echo "ok $CASES $TEST_NAME: $desc # SKIP $why"
		return 0
	fi
	mark
	# No pipefail: `producer | grep -q` would fail when grep stops reading.
	reason=$( (case_body "$fn") 2>&1 >/dev/null)
	status=$?
	# Unloading belongs to the case: a warning on rmmod is its failure.
	cleanup_ramdisk
	# Two processes, not five: under TCG each costs a tenth of a second,
	# and every case pays them.
	bad=$(dmesg | kernel_log_findings "$MARK_LINE\$")
	[ -z "$bad" ] || bad=$(head -n 3 <<<"$bad")
	if { [ $status -eq 0 ] || [ $status -eq "$SKIP_STATUS" ]; } && [ -n "$bad" ]; then
		status=1
		reason="kernel log: $bad"
	fi
	if [ $status -eq "$SKIP_STATUS" ]; then
		echo "ok $CASES $TEST_NAME: $desc # SKIP $reason"
	elif [ $status -eq 0 ]; then
		echo "ok $CASES $TEST_NAME: $desc"
	else
		echo "not ok $CASES $TEST_NAME: $desc"
		printf '%s\n' "${reason:-exit status $status}" | tail -n 15 |
			sed 's/^/# /'
	fi
	# Each case's seconds, for keeping make check within its budget.
	echo "$((SECONDS - start)) $TEST_NAME: $desc" >>"${RDTEST_RESULTS:-/tmp}/case-seconds.txt"
	return 0
}

# run_case_backings "what it shows" case_fn: run_case once per backing
# store, since the data path differs between them.
run_case_backings() {
	local backing
	for backing in linear pages; do
		BACKING=$backing run_case "$1 [backing=$backing${QUEUE_MODE:+ queue_mode=$QUEUE_MODE}]" "$2"
	done
}

# run_case_paths "what it shows" case_fn: run_case_backings on each way
# the driver takes I/O, blk-mq requests and bios (queue_mode): the same
# stores below both, reached through different code.
run_case_paths() {
	run_case_backings "$@"
	QUEUE_MODE=bio run_case_backings "$@"
}

# run_case_modes "what it shows" case_fn: run_case on each queue_mode,
# with the default store.
run_case_modes() {
	run_case "$1" "$2"
	QUEUE_MODE=bio run_case "$1 [queue_mode=bio]" "$2"
}

# cleanup_ramdisk: disconnects NVMe-oF initiators and removes every
# export (NVMe modules unloaded), unmounts every ramdisk disk and
# partition, removes every configfs disk, unloads the module, and turns
# any tracer off.
cleanup_ramdisk() {
	local mnt dir disk mod tracer mounts=()
	if [ -d "$NVMET" ]; then
		nvme disconnect-all >/dev/null 2>&1
		# Every disk, and every record: a failed case may leave an
		# export that status would not list.
		for disk in /sys/block/ramdisk* "$EXPORT_RECORDS"/*; do
			[ -e "$disk" ] || continue
			"$EXPORT" unexport "${disk##*/}" >/dev/null 2>&1
		done
		for mod in nvme-tcp nvme-loop nvmet-tcp nvmet; do
			modprobe -r -q "$mod" 2>/dev/null
		done
	fi
	# Bash's own reads and tests: this runs after every case, and each
	# process costs a tenth of a second under TCG. Newest mount first.
	while read -r disk mnt _; do
		[[ $disk != /dev/ramdisk* ]] || mounts=("$mnt" "${mounts[@]}")
	done </proc/mounts
	for mnt in "${mounts[@]}"; do
		umount "$mnt"
	done
	for dir in "$CFS"/*/; do
		[ -d "$dir" ] || continue
		echo 0 >"$dir/power"
		rmdir "$dir"
	done
	if [ -d /sys/module/ramdisk ]; then rmmod ramdisk; fi
	# A case that stopped halfway may leave a tracer on; every later stack
	# trace would then unwind through ftrace's return hooks, and warn.
	read -r tracer </sys/kernel/tracing/current_tracer
	[ "$tracer" = nop ] || echo nop >/sys/kernel/tracing/current_tracer
	return 0
}

# wait_for_dev [NODE]: waits up to 5 s for a block device node ($DEV).
# shellcheck disable=SC2120 # NODE is optional; most callers want $DEV.
wait_for_dev() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -b "${1:-$DEV}" ] && return 0
		sleep 0.1
	done
	fail "${1:-$DEV} did not appear"
}

# load [PARAM=VALUE...]: insmod with parameters (and backing=$BACKING and
# queue_mode=$QUEUE_MODE when set), and wait for the node.
load() {
	insmod "$KO" ${BACKING:+backing=$BACKING} \
		${QUEUE_MODE:+queue_mode=$QUEUE_MODE} "$@" ||
		fail "insmod ramdisk.ko ${BACKING:+backing=$BACKING} ${QUEUE_MODE:+queue_mode=$QUEUE_MODE} $* failed" ||
		return 1
	wait_for_dev
}

# load_none: the module with no disk; configfs disks get BACKING.
load_none() {
	insmod "$KO" nr_disks=0 ${BACKING:+backing=$BACKING}
}

# load_errno "PARAMS": loads the module the way insmod does (finit_module)
# and prints OK or the errno's name, e.g. EINVAL (tests/finit.c).
load_errno() {
	"$(build_dir "$(uname -r)")/rdprobe/finit" "$KO" "$1"
}

# refuse_load "PARAMS" ERRNO LOG-LINE: loading with PARAMS fails with that
# errno, the kernel log has that line, and the module is not loaded.
refuse_load() {
	local got
	mark
	got=$(load_errno "$1")
	[ "$got" = "$2" ] || fail "loading with $1 gave $got, expected $2"
	dmesg_since | grep -qF "ramdisk: $3" ||
		fail "insmod $1: no '$3' in: $(dmesg_since | tail -n 3)"
	[ ! -d /sys/module/ramdisk ] || fail "module loaded after $1"
}

# probe OP SECTOR BYTES: sends one raw request to ramdisk (tests/rdprobe)
# and prints OK or the errno's name.
probe() {
	KO=$PROBE load_errno "major=$(ramdisk_major) op=$1 sector=$2 bytes=$3" |
		tee /tmp/probe.out
	if grep -q '^OK$' /tmp/probe.out; then rmmod rdprobe; fi
}

# dio OP DEVICE OFFSET BYTES: one O_DIRECT pread or pwrite (of 0x5a bytes);
# prints the byte count transferred or the errno's name.
dio() {
	python3 - "$@" <<'PY'
import errno, mmap, os, sys
op, path, off, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fd = os.open(path, os.O_RDWR | os.O_DIRECT)
buf = mmap.mmap(-1, max(n, 4096))  # page-aligned, as O_DIRECT wants
buf.write(b"\x5a" * n)
try:
    if op == "write":
        print(os.pwritev(fd, [memoryview(buf)[:n]], off))
    else:
        print(os.preadv(fd, [memoryview(buf)[:n]], off))
except OSError as e:
    print(errno.errorcode[e.errno])
PY
}

unload() {
	rmmod ramdisk || fail "rmmod ramdisk failed"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# hw_queues: how many hardware queues $DEV has.
hw_queues() {
	find "/sys/block/${DEV#/dev/}/mq" -mindepth 1 -maxdepth 1 | wc -l
}

# sysattr FILE: a file under /sys/block/ of $DEV.
sysattr() {
	cat "/sys/block/${DEV#/dev/}/$1"
}

# errno_of OP PATH [VALUE]: mkdir or rmdir PATH, or write VALUE to it, in
# one system call; prints OK or the errno's name, e.g. EBUSY.
errno_of() {
	python3 - "$@" <<'PY'
import errno, os, sys
op, path = sys.argv[1], sys.argv[2]
try:
    if op == "mkdir":
        os.mkdir(path)
    elif op == "rmdir":
        os.rmdir(path)
    else:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, sys.argv[3].encode())
        finally:
            os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])
PY
}

# errno_name TEXT: the errno whose strerror() message TEXT ends with, as
# blkzone and dd print it. (A program per operation, not python's ioctl:
# under emulation python takes half a second to start.)
errno_name() {
	case $1 in
	*"Input/output error") echo EIO ;;
	*"Too many references: cannot splice") echo ETOOMANYREFS ;;
	*"Value too large for defined data type") echo EOVERFLOW ;;
	*"Connection timed out") echo ETIMEDOUT ;;
	*"No data available") echo ENODATA ;;
	*"No space left on device") echo ENOSPC ;;
	*) echo "$1" ;;
	esac
}

# dd_io OP SECTOR BYTES [FILE]: one O_DIRECT read or write there, of FILE
# (a write's data, /dev/zero unless told; where a read's goes, /dev/null
# unless told); prints OK or the errno's name.
dd_io() {
	local out
	if [ "$1" = write ]; then
		out=$(dd if="${4:-/dev/zero}" of="$DEV" bs="$3" count=1 \
			seek=$(($2 * 512)) oflag=direct,seek_bytes status=none 2>&1)
	else
		out=$(dd if="$DEV" of="${4:-/dev/null}" bs="$3" count=1 \
			skip=$(($2 * 512)) iflag=direct,skip_bytes status=none 2>&1)
	fi && echo OK && return
	errno_name "${out%%$'\n'*}"
}

# expect_errno ERRNO LOG-LINE COMMAND...: COMMAND (dd_io, or a test's own
# helper) prints ERRNO, and the kernel log has LOG-LINE after it (none when "").
expect_errno() {
	local want=$1 line=$2 got
	shift 2
	mark
	got=$("$@")
	expect_eq "$*" "$got" "$want"
	[ -z "$line" ] || dmesg_since | grep -qF "$line" ||
		fail "$*: no '$line' in: $(dmesg_since | tail -n 3)"
}

# expect_refused ERRNO LOG-LINE OP PATH [VALUE]: errno_of gives ERRNO and
# the kernel log then has LOG-LINE (none when it is "").
expect_refused() {
	local want=$1 line=$2 got
	shift 2
	mark
	got=$(errno_of "$@")
	[ "$got" = "$want" ] || fail "$* gave $got, expected $want"
	[ -z "$line" ] || dmesg_since | grep -qF "ramdisk: $line" ||
		fail "$*: no '$line' in: $(dmesg_since | tail -n 3)"
}

# zone SECTOR: the condition of the zone holding SECTOR, as blkzone names
# it (em, oi, oe, cl, fu, ro, of, nw), and its write pointer in sectors
# from the zone's start: "oi 8".
zone() {
	local cond wp
	read -r cond wp < <(blkzone report -o "$1" -c 1 "$DEV" |
		sed -n 's/.*wptr 0x\([0-9a-f]*\) .*zcond: *[0-9]*(\([a-z]*\)).*/\2 \1/p')
	echo "$cond $((16#$wp))"
}

# expect_zone SECTOR "COND WP": the report says so.
expect_zone() {
	expect_eq "zone at sector $1" "$(zone "$1")" "$2"
}

# expect_cond SECTOR COND: the report gives the zone that condition (for
# read-only and offline zones, whose write pointer has no meaning).
expect_cond() {
	local got
	got=$(zone "$1")
	expect_eq "condition of the zone at sector $1" "${got% *}" "$2"
}

# zone_op OP SECTOR [SECTORS]: blkzone OP (reset, open, close or finish)
# on the zones from SECTOR, one zone ($ZONE sectors) unless told; prints
# OK or the errno's name.
zone_op() {
	local out
	out=$(blkzone "$1" -o "$2" -l "${3:-$ZONE}" "$DEV" 2>&1) && echo OK && return
	errno_name "$out"
}

# cfs_disk NAME [ATTR=VALUE...]: makes the configfs disk NAME with those
# settings (and queue_mode=$QUEUE_MODE when set), powers it on and waits
# for /dev/ramdisk-NAME.
cfs_disk() {
	local name=$1 setting
	shift
	mkdir "$CFS/$name"
	for setting in ${QUEUE_MODE:+queue_mode=$QUEUE_MODE} "$@"; do
		echo "${setting#*=}" >"$CFS/$name/${setting%%=*}"
	done
	echo 1 >"$CFS/$name/power"
	wait_for_dev "/dev/ramdisk-$name"
}

# cfs_remove NAME: powers the configfs disk NAME off and removes it.
cfs_remove() {
	echo 0 >"$CFS/$1/power"
	rmdir "$CFS/$1"
	[ ! -e "/dev/ramdisk-$1" ] || fail "/dev/ramdisk-$1 is still there"
}

# nvme_disk NQN: the block device of the first namespace of the connected
# NVMe-oF subsystem NQN, once it appears (10 s at most). With native
# multipath (Debian's default) it hangs under the subsystem, without under
# the controller.
nvme_disk() {
	local dir ns
	for _ in $(seq 100); do
		for dir in /sys/class/nvme-subsystem/* /sys/class/nvme/*; do
			[ "$(cat "$dir/subsysnqn" 2>/dev/null)" = "$1" ] || continue
			for ns in "$dir"/nvme*n*; do
				[ -b "/dev/${ns##*/}" ] && echo "/dev/${ns##*/}" && return 0
			done
		done
		sleep 0.1
	done
	fail "no namespace of $1 appeared"
}

# pattern SEED BYTES: deterministic, non-repeating bytes on stdout.
pattern() {
	openssl enc -aes-128-ctr -nosalt -pass "pass:$1" -pbkdf2 -iter 1 \
		</dev/zero 2>/dev/null | head -c "$2"
}

# block_size: $DEV's logical block size. A whole disk's is read from
# sysfs by bash itself: most writes and reads here ask, and each process
# costs a tenth of a second under TCG. A partition has no queue there.
block_size() {
	local lbs
	if read -r lbs 2>/dev/null <"/sys/class/block/${DEV##*/}/queue/logical_block_size"; then
		echo "$lbs"
	else
		blockdev --getss "$DEV"
	fi
}

# write_at OFFSET FILE: writes FILE to the disk at byte OFFSET, O_DIRECT,
# in logical blocks.
write_at() {
	local lbs
	lbs=$(block_size)
	dd if="$2" of="$DEV" bs="$lbs" seek="$(($1 / lbs))" oflag=direct \
		conv=notrunc,fsync status=none
}

# read_at OFFSET BYTES: prints BYTES of the disk from byte OFFSET, O_DIRECT.
read_at() {
	local lbs
	lbs=$(block_size)
	dd if="$DEV" bs="$lbs" skip="$(($1 / lbs))" count="$(($2 / lbs))" \
		iflag=direct status=none
}

# small_io: a block written at the end of $DEV reads back.
small_io() {
	local lbs size sectors
	lbs=$(block_size)
	read -r sectors <"/sys/class/block/${DEV##*/}/size"
	size=$((sectors << 9))
	pattern "io$size" "$lbs" >/tmp/blk
	write_at $((size - lbs)) /tmp/blk
	expect_data $((size - lbs)) /tmp/blk
}

# expect_zero OFFSET BYTES: that part of the disk reads as zeros.
expect_zero() {
	cmp -s <(read_at "$1" "$2") <(head -c "$2" /dev/zero) ||
		fail "bytes $1..+$2 are not zero"
}

# expect_data OFFSET FILE: that part of the disk holds FILE.
expect_data() {
	cmp -s <(read_at "$1" "$(stat -c %s "$2")") "$2" ||
		fail "bytes at $1 differ from $(basename "$2")"
}

# run_fio_section JOBFILE SECTION JOBS [VAR=VALUE...]: runs one section of
# a fio job file against $DEV; fails unless JOBS jobs ran, all without
# error (a failed verify is an error).
run_fio_section() {
	local jobfile=$1 section=$2 jobs=$3 out
	shift 3
	out=$(env FILENAME=$DEV NCPU="$NCPU" "$@" fio --section="$section" \
		--output-format=terse --terse-version=3 "$jobfile" 2>&1) ||
		fail "fio $section failed: $(tail -n 5 <<<"$out")" || return 1
	# One terse v3 line per job; its field 5 is the job's error.
	awk -F';' -v want="$jobs" '/^3;/ {jobs++; if ($5 != 0) bad=1}
		END {exit bad || jobs != want}' <<<"$out" ||
		fail "fio $section reported errors: $out"
}

# Exact leak signals. Objects a module allocated and never freed keep
# their call site in slab's alloc_traces (the guests boot with
# slub_debug=U) and vmallocinfo; once the module is gone, the site prints
# as a bare address.

# driver_allocations: live slab objects and vmalloc areas whose call site
# is ramdisk's, blk-mq's (tag sets, hardware contexts), the bad-sector
# table's (a configfs disk's badblocks page) or an unloaded
# module's, as "<slab objects> <vmalloc areas>". (alloc_traces gives a
# count and a call site per line, then the stack, indented.)
driver_allocations() {
	local slab vmalloc
	slab=$(driver_slab_sites | awk '{n += $1} END {print n + 0}')
	vmalloc=$(awk '$3 ~ /^(ramdisk_|0x[0-9a-f]+$)/ {n++} END {print n + 0}' \
		/proc/vmallocinfo)
	echo "$slab $vmalloc"
}

# driver_slab_sites: the lines of alloc_traces driver_allocations counts,
# as "<objects> <call site> <cache>". A KASAN kernel holds freed objects
# in a quarantine, still counted as allocated, for a while; shrinking a
# cache empties its quarantine (and changes nothing else that is counted).
driver_slab_sites() {
	local shrink
	for shrink in /sys/kernel/slab/kmalloc-*/shrink; do
		echo 1 >"$shrink" 2>/dev/null || true
	done
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /^(ramdisk_|blk_mq_|badblocks_|0x[0-9a-f]+$)/ {
		split(FILENAME, path, "/"); print $1, $2, path[6]}' \
		/sys/kernel/debug/slab/kmalloc-*/alloc_traces 2>/dev/null
}

# expect_allocations BASELINE: driver_allocations returns to BASELINE;
# blk-mq frees some objects after an RCU grace period, so wait up to 10 s.
expect_allocations() {
	local now
	for _ in $(seq 20); do
		now=$(driver_allocations)
		[ "$now" = "$1" ] && return 0
		sleep 0.5
	done
	fail "live slab objects and vmalloc areas of ramdisk and blk-mq: $1 before, $now after;" \
		"live now: $(driver_slab_sites | tr '\n' ';')"
}

# free_pages: the machine's free pages: the buddy allocator's count plus
# those freed onto per-CPU lists, which it does not include.
free_pages() {
	awk '$1 == "nr_free_pages" && !zone {n += $2}
	     $1 == "count:" {n += $2}
	     $1 == "Node" {zone = 1}
	     END {print n}' /proc/vmstat /proc/zoneinfo
}

# expect_pages_back BEFORE PAGES WHAT: within 10 s, the free pages rise
# from BEFORE by at least 3/4 of PAGES, the pages WHAT gave back. The rest
# of a quiet guest moves the count by far less in that time.
expect_pages_back() {
	local now
	for _ in $(seq 20); do
		now=$(free_pages)
		[ $((now - $1)) -ge $(($2 * 3 / 4)) ] && return 0
		sleep 0.5
	done
	fail "$3: free pages rose by $((now - $1)), expected about $2"
}
