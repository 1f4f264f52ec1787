# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the guest-side tests. A test file defines functions
# named case_* and calls `run_case "what it shows" case_fn` for each; a case
# passes when its function returns 0 and fails with the reason it gave with
# `fail`. Any kernel WARNING, BUG or Oops logged during a case fails it.

top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KO=${KO:-$top/.cache/build/$(uname -r)/ramdisk.ko}
DEV=/dev/ramdisk
SYS=/sys/block/ramdisk
NCPU=$(nproc)
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

# Log lines that mean the kernel is unwell; shared with the host's check.
BAD_KERNEL_LOG='WARNING:|BUG:|Oops|general protection|KFENCE|list_add corruption|list_del corruption|blocked for more than|Call Trace:|kernel BUG|UBSAN|slab error|Poison overwritten|Object padding|Redzone'

fail() {
	echo "$*" >&2
	return 1
}

# mark: puts a marker in the kernel log; dmesg_since prints what followed.
MARK=0
mark() {
	MARK=$((MARK + 1))
	echo "rdtest: mark $$-$MARK" >/dev/kmsg
}
dmesg_since() {
	dmesg | sed -n "/rdtest: mark $$-$MARK\$/,\$p" | sed 1d
}

run_case() {
	local desc=$1 fn=$2 reason status bad
	mark
	# No pipefail: `producer | grep -q` would fail when grep stops reading.
	reason=$("$fn" 2>&1 >/dev/null)
	status=$?
	# Unloading belongs to the case: a warning on rmmod is its failure.
	cleanup_ramdisk
	bad=$(dmesg_since | grep -E "$BAD_KERNEL_LOG" | head -n 3)
	if [ $status -eq 0 ] && [ -n "$bad" ]; then
		status=1
		reason="kernel log: $bad"
	fi
	if [ $status -eq 0 ]; then
		echo "PASS $TEST_NAME: $desc"
	else
		echo "FAIL $TEST_NAME: $desc"
		printf '%s\n' "$reason" | tail -n 15 | sed 's/^/    /'
	fi
	return 0
}

# run_case_backings "what it shows" case_fn: run_case once per backing
# store, since the data path differs between them.
run_case_backings() {
	local backing
	for backing in linear pages; do
		BACKING=$backing run_case "$1 [backing=$backing]" "$2"
	done
}

skip_case() {
	echo "SKIP $TEST_NAME: $1 ($2)"
}

cleanup_ramdisk() {
	grep -q "^$DEV " /proc/mounts && umount "$DEV"
	grep -q '^ramdisk ' /proc/modules && rmmod ramdisk
	return 0
}

# wait_for_dev [NODE]: waits up to 5 s for a block device node ($DEV).
wait_for_dev() {
	local i
	for i in $(seq 50); do
		[ -b "${1:-$DEV}" ] && return 0
		sleep 0.1
	done
	fail "${1:-$DEV} did not appear"
}

# ramdisk_major: the major number ramdisk registered (brd's "ramdisk" is 1).
ramdisk_major() {
	awk '$2 == "ramdisk" && $1 != 1 {print $1}' /proc/devices
}

# load [PARAM=VALUE...]: insmod with parameters (and backing=$BACKING when
# set), and wait for the node.
load() {
	insmod "$KO" ${BACKING:+backing=$BACKING} "$@" ||
		fail "insmod ramdisk.ko ${BACKING:+backing=$BACKING} $* failed" ||
		return 1
	wait_for_dev
}

# load_errno "PARAMS": loads the module the way insmod does (finit_module)
# and prints OK or the errno's name, e.g. EINVAL.
load_errno() {
	python3 - "$KO" "$1" <<'PY'
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
SYS_finit_module = 313  # x86_64
ret = libc.syscall(SYS_finit_module, fd, sys.argv[2].encode(), 0)
err = ctypes.get_errno()
# 95 has two names; the kernel calls it EOPNOTSUPP.
print("OK" if ret == 0 else "EOPNOTSUPP" if err == errno.EOPNOTSUPP
      else errno.errorcode[err])
PY
}

PROBE=${PROBE:-$top/.cache/build/$(uname -r)/rdprobe/rdprobe.ko}

# probe OP SECTOR BYTES: sends one raw request to ramdisk (tests/rdprobe)
# and prints OK or the errno's name.
probe() {
	KO=$PROBE load_errno "major=$(ramdisk_major) op=$1 sector=$2 bytes=$3" |
		tee /tmp/probe.out
	grep -q '^OK$' /tmp/probe.out && rmmod rdprobe
	return 0
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

# sysattr FILE: a file under /sys/block/ramdisk.
sysattr() {
	cat "$SYS/$1"
}

# pattern SEED BYTES: deterministic, non-repeating bytes on stdout.
pattern() {
	openssl enc -aes-128-ctr -nosalt -pass "pass:$1" -pbkdf2 -iter 1 \
		</dev/zero 2>/dev/null | head -c "$2"
}

# write_at OFFSET FILE: writes FILE to the disk at byte OFFSET, O_DIRECT,
# in logical blocks.
write_at() {
	local lbs
	lbs=$(sysattr queue/logical_block_size)
	dd if="$2" of="$DEV" bs="$lbs" seek="$(($1 / lbs))" oflag=direct \
		conv=notrunc,fsync status=none
}

# read_at OFFSET BYTES: prints BYTES of the disk from byte OFFSET, O_DIRECT.
read_at() {
	local lbs
	lbs=$(sysattr queue/logical_block_size)
	dd if="$DEV" bs="$lbs" skip="$(($1 / lbs))" count="$(($2 / lbs))" \
		iflag=direct status=none
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
