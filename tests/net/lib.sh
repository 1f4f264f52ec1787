# shellcheck shell=bash disable=SC2034
# (Its variables are for the two scripts that source it.)
# SPDX-License-Identifier: GPL-2.0
#
# Shared by the two ends of the two-guest test (scripts/net.sh boots
# them): the target, which exports /dev/ramdisk, and the initiator, which
# uses it over a QEMU socket network. The link is the guests' own, with
# link-local addresses: nothing on it is routed, and between the two QEMU
# processes it travels over the host's loopback.
# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

TARGET_ADDR=169.254.0.1
NQN=nqn.2026-12.local.ramdisk:ramdisk
DISK_MIB=256
# The file the initiator writes through ext4 and the target checks.
FILE_BYTES=$((8 << 20))
FILE_SEED=over-the-fabric
# The throughput rows (sections of fio-jobs/bench.fio) both ends run when
# NET_BENCH is set: over the fabric on the initiator, on the disk itself
# on the target.
BENCH_SECTIONS="randread-4k-qd32 randwrite-4k-qd32 seqread-1m seqwrite-1m"

# bench_rows DEVICE: runs each of BENCH_SECTIONS against DEVICE and adds
# "<section> <IOPS> <MiB/s>" lines to $RDTEST_RESULTS/net-bench.txt.
bench_rows() {
	local section out
	for section in $BENCH_SECTIONS; do
		out=$(FILENAME=$1 NCPU=$NCPU RUNTIME=${RUNTIME:-5} RAMP=1 fio \
			--section="$section" --output-format=terse --terse-version=3 \
			"$top/fio-jobs/bench.fio") || fail "fio $section on $1: $out"
		# Terse v3: read bandwidth (KiB/s) and IOPS are fields 7 and 8,
		# write's 48 and 49.
		awk -F';' -v s="$section" '/^3;/ {
			printf "%s %d %.0f\n", s, $8 + $49, ($7 + $48) / 1024}' \
			<<<"$out" >>"$RDTEST_RESULTS/net-bench.txt"
	done
}
