#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver's tracepoint reports exactly the requests it served, errors
# included, and tools/trace turns traces into something readable.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

TRACE=$top/tools/trace

case_events_match_dd() {
	load
	local major out n=12 seek=100
	major=$(ramdisk_major)
	# O_DIRECT, one 4 KiB block per write: one request each, in order.
	out=$(TRACE_LINES=1000 "$TRACE" events -- dd if=/dev/urandom of=$DEV bs=4k count=$n \
		seek=$seek oflag=direct status=none)
	expected=$(for i in $(seq 0 $((n - 1))); do
		echo "$major,0 WRITE sector=$(((seek + i) * 8)) bytes=4096 error=0"
	done)
	# The request path's event names a hardware queue, the bio path's says
	# bio; the rest is the same.
	local event='ramdisk_rq_done: *\([0-9,]*\) hwq=[0-9]*'
	[ "${QUEUE_MODE:-}" != bio ] || event='ramdisk_bio_done: *\([0-9,]*\) bio'
	got=$(sed -n "s/.*$event \(.*\)/\1 \2/p" <<<"$out")
	[ "$got" = "$expected" ] ||
		fail "events differ from the dd: got
$got
expected
$expected"
}

case_event_error_status() {
	load
	local got
	got=$("$TRACE" events -- insmod "$PROBE" \
		"major=$(ramdisk_major)" \
		op=drv_in sector=$((64 * 2048 - 8)) bytes=8192 2>&1)
	grep -q "DRV_IN sector=$((64 * 2048 - 8)) bytes=8192 error=-5" <<<"$got" ||
		fail "no EIO event for a read past the end: $got"
}

case_trace_graph_helper() {
	load
	# The entry point, and a callee only it calls, on each path.
	local out entry='ramdisk_queue_rqs?' callee=blk_mq_start_request
	if [ "${QUEUE_MODE:-}" = bio ]; then
		entry=ramdisk_submit_bio callee=bio_endio
	fi
	out=$("$TRACE" graph -- dd if=$DEV of=/dev/null bs=4k count=4 \
		iflag=direct status=none)
	grep -Eq "$entry( \[ramdisk\])?\(\) \{" <<<"$out" ||
		fail "no $entry in: $(head -n 5 <<<"$out")"
	grep -q "$callee" <<<"$out" ||
		fail "no callees shown: $(head -n 12 <<<"$out")"
	out=$("$TRACE" graph --blk -- dd if=$DEV of=/dev/null bs=4k count=4 \
		iflag=direct status=none)
	grep -q 'submit_bio_noacct' <<<"$out" ||
		fail "--blk graph lacks submit_bio_noacct: $(head -n 5 <<<"$out")"
	grep -Eq "$entry" <<<"$out" ||
		fail "--blk graph lacks the driver: $(head -n 5 <<<"$out")"
}

case_latency_helper() {
	load
	local out
	out=$("$TRACE" latency -o /tmp/lat -- fio --name=lat --filename=$DEV \
		--direct=1 --rw=randrw --bs=4k --size=2M --ioengine=psync \
		--output=/dev/null)
	grep -Eq '^read +[0-9]+ ' <<<"$out" || fail "latency summary lacks reads: $out"
	grep -Eq '^write +[0-9]+ ' <<<"$out" || fail "latency summary lacks writes: $out"
	# 2 MiB in 4 KiB requests: 512 requests, every one paired.
	total=$(awk '$1 == "read" || $1 == "write" {s += $2} END {print s}' <<<"$out")
	expect_eq "requests in the latency summary" "$total" 512
	[ -s /tmp/lat/latency.png ] || fail "no latency.png"
}

case_trace_profile_helper() {
	load
	local out n=40 f
	# once FUNCTION: the profile has FUNCTION once per call.
	once() {
		grep -Eq "^$1( \[ramdisk\])? +1.00 " <<<"$out" ||
			fail "$1 not once per call: $(head -n 12 <<<"$out")"
	}
	# One 4 KiB O_DIRECT read is one request: one ramdisk_copy_or_park
	# (whichever entry it came by), which starts it once.
	out=$(TRACE_LINES=1000 "$TRACE" profile -g ramdisk_copy_or_park -- \
		dd if=$DEV of=/dev/null bs=4k count=$n iflag=direct status=none)
	grep -q "^$n top-level calls: median [0-9.]* us" <<<"$out" ||
		fail "not $n calls of ramdisk_copy_or_park: $(head -n 3 <<<"$out")"
	for f in ramdisk_copy_or_park blk_mq_start_request; do
		once "$f"
	done
	# Depth 1: the function alone.
	out=$("$TRACE" profile -g ramdisk_copy_or_park -d 1 -- \
		dd if=$DEV of=/dev/null bs=4k count=$n iflag=direct status=none)
	grep -q "^$n top-level calls: .*, 1 traced calls each" <<<"$out" ||
		fail "depth 1 traced more than the function: $out"
	expect_eq "lines of the depth-1 profile" "$(wc -l <<<"$out")" 3
}

run_case_modes "ramdisk_rq_done (bio: ramdisk_bio_done) events match a known dd exactly" case_events_match_dd
run_case_modes "a request past the end shows error=-5 in its event" case_event_error_status
run_case_modes "tools/trace graph shows the driver and its callees" case_trace_graph_helper
run_case "tools/trace profile counts the driver's calls per request" case_trace_profile_helper
run_case "tools/trace latency pairs every request and draws a histogram" case_latency_helper
