#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Requests past the last sector: what users see, and what the driver does
# when such a request reaches it anyway (it must fail with EIO and touch
# nothing). Unsupported operations fail with EOPNOTSUPP. On both paths:
# rdprobe hands a bio disk a bio where it sends an mq disk a request.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((64 << 20))
SECTORS=$((SIZE / 512))

case_user_io_cut_at_end() {
	load
	# The kernel cuts a write that crosses the end to the part that fits.
	expect_eq "pwrite of 8 KiB 4 KiB before the end" \
		"$(dio write $DEV $((SIZE - 4096)) 8192)" 4096
	expect_eq "pwrite at the end" "$(dio write $DEV $SIZE 4096)" ENOSPC
	expect_eq "pread at the end" "$(dio read $DEV $SIZE 4096)" 0
	expect_eq "pread crossing the end" \
			"$(dio read $DEV $((SIZE - 512)) 4096)" 512
}

# crossing read|write: sends a request for the last 4 KiB of the disk plus
# 4 KiB beyond, by a path that reaches the driver on this kernel, and
# prints the outcome.
#
# Until v6.7, BLKPG accepted a partition reaching past the disk, and I/O
# inside such a partition reaches the driver as a real read or write. Newer
# kernels refuse that partition, and the block core stops every other read
# or write past the end before a driver sees it; what still gets through is
# a passthrough request, so rdprobe sends one (drv_in or drv_out); to a
# bio disk, which has no requests, a read or write bio straight to its
# ->submit_bio.
crossing() {
	local last_4k=$((SECTORS - 8))
	if addpart $DEV 1 $last_4k 16 2>/dev/null; then
		wait_for_dev ${DEV}1 >/dev/null 2>&1
		echo "$(dio "$1" ${DEV}1 0 8192) via a partition past the end"
		delpart $DEV 1
	else
		local op=drv_in
		[ "$1" = write ] && op=drv_out
		[ "${QUEUE_MODE:-}" != bio ] || op=$1
		echo "$(probe "$op" $last_4k 8192) via rdprobe $op"
	fi
}

# expect_crossing_eio read|write: a request crossing the end fails with EIO
# and the driver's log line; leaves the route taken in $ROUTE.
expect_crossing_eio() {
	mark
	ROUTE=$(crossing "$1")
	[[ $ROUTE == EIO* ]] ||
		fail "$1 crossing the end: $ROUTE, expected EIO"
	dmesg_since | grep -q "ramdisk: sector $((SECTORS - 8)) + 16 is beyond capacity $SECTORS" ||
		fail "no driver message in: $(dmesg_since | tail -n 3)"
}

case_write_crossing_end() {
	load
	pattern tail 4096 >/tmp/tail
	write_at $((SIZE - 4096)) /tmp/tail
	expect_crossing_eio write
	expect_data $((SIZE - 4096)) /tmp/tail
}

case_read_crossing_end() {
	load
	expect_crossing_eio read
	# blk-mq logs failed reads and writes (not passthrough); a bio disk's
	# errors go back to the submitter with no such line, as brd's do.
	[[ $ROUTE != *partition* ]] || [ "${QUEUE_MODE:-}" = bio ] ||
		dmesg_since | grep -q "I/O error, dev ramdisk, sector $((SECTORS - 8)) op 0x0:(READ)" ||
		fail "no block-layer I/O error line in: $(dmesg_since | tail -n 3)"
}

case_unsupported_op() {
	load
	mark
	expect_eq "REQ_OP_DRV_IN" "$(probe drv_in 0 0)" EOPNOTSUPP
	dmesg_since | grep -q "ramdisk: operation DRV_IN (34) is not supported" ||
		fail "no 'operation not supported' line: $(dmesg_since | tail -n 3)"
}

run_case_modes "user I/O crossing the end is cut at the end by the kernel" case_user_io_cut_at_end
run_case_modes "a write crossing the end reaching the driver: EIO, nothing changed" case_write_crossing_end
run_case_modes "a read crossing the end reaching the driver: EIO" case_read_crossing_end
run_case_modes "an unsupported operation fails with EOPNOTSUPP" case_unsupported_op
