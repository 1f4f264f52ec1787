#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ftrace sees the driver: function_graph on its entry points, through
# tracefs and through trace-cmd, shows their callees; a stack trace shows
# blk-mq calling them. Requests come one at a time (ramdisk_queue_rq) or
# as a plugged list (ramdisk_queue_rqs), and which one a dd's reads take
# depends on the kernel: 6.12 hands even a list of one to queue_rqs.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
ENTRIES="ramdisk_queue_rq ramdisk_queue_rqs"
GRAPH_ENTRY='ramdisk_queue_rqs?( \[ramdisk\])?\(\) \{'

# trace_reset: tracefs as a fresh boot has it (tracing on, no tracer).
trace_reset() {
	echo nop >$T/current_tracer
	: >$T/set_graph_function
	: >$T/set_ftrace_filter
	: >$T/trace
	echo 1 >$T/tracing_on
}

case_tracefs_graph() {
	load
	trace_reset
	echo "$ENTRIES" >$T/set_graph_function
	echo function_graph >$T/current_tracer
	echo 1 >$T/tracing_on
	dd if=$DEV of=/dev/null bs=4k count=64 iflag=direct status=none
	echo 0 >$T/tracing_on
	cp $T/trace /tmp/graph
	trace_reset
	# Module functions carry their module's name: "ramdisk_queue_rq [ramdisk]()".
	grep -Eq "$GRAPH_ENTRY" /tmp/graph ||
		fail "no ramdisk_queue_rq or ramdisk_queue_rqs in the graph"
	# Its callees are nested inside it: indented further than it is. The
	# end is blk_mq_end_request, or blk_mq_end_request_batch for a list.
	for callee in blk_mq_start_request blk_mq_end_request; do
		E=$GRAPH_ENTRY awk -v c="$callee" '$0 ~ ENVIRON["E"] {d=index($0, "ramdisk")}
		     d && index($0, c) > d {ok=1}
		     END {exit !ok}' /tmp/graph ||
			fail "$callee is not nested in the driver's entry"
	done
}

# Who calls the driver: blk-mq's dispatch (blk_mq_dispatch_rq_list, when
# requests wait in a queue), its direct issue when the queue is idle, as
# with one dd at a time on 6.1 (__blk_mq_try_issue_directly), or the plug's
# flush handing over its list (__blk_mq_flush_plug_list, 6.12).
case_tracefs_caller() {
	load
	trace_reset
	echo "$ENTRIES" >$T/set_ftrace_filter
	echo function >$T/current_tracer
	echo 1 >$T/options/func_stack_trace
	echo 1 >$T/tracing_on
	dd if=$DEV of=/dev/null bs=4k count=8 iflag=direct status=none
	echo 0 >$T/tracing_on
	echo 0 >$T/options/func_stack_trace
	cp $T/trace /tmp/stack
	trace_reset
	grep -Eq '=> ramdisk_queue_rqs?$' /tmp/stack ||
		fail "no stack trace of ramdisk_queue_rq or ramdisk_queue_rqs"
	grep -E -A1 '=> ramdisk_queue_rqs?$' /tmp/stack |
		grep -Eq '=> (blk_mq_dispatch_rq_list|__blk_mq_issue_directly|__blk_mq_try_issue_directly|__blk_mq_flush_plug_list|blk_mq_flush_plug_list)' ||
		fail "the driver called from: $(grep -E -m1 -A1 '=> ramdisk_queue_rqs?$' /tmp/stack | tail -n1)"
}

case_trace_cmd_graph() {
	load
	cd /tmp
	trace-cmd record -q -p function_graph -g ramdisk_queue_rq -g ramdisk_queue_rqs -o /tmp/rd.dat \
		dd if=$DEV of=/dev/null bs=4k count=64 iflag=direct status=none \
		>/tmp/record.log 2>&1 || fail "trace-cmd record failed: $(tail -n 3 /tmp/record.log)"
	trace-cmd report -i /tmp/rd.dat >/tmp/report 2>/dev/null
	trace_reset
	grep -Eq "$GRAPH_ENTRY" /tmp/report ||
		fail "no ramdisk_queue_rq or ramdisk_queue_rqs in the report"
	# Its callees show: the request start and the end of the request.
	grep -q 'blk_mq_start_request' /tmp/report ||
		fail "blk_mq_start_request not under the driver's entry"
	grep -q 'blk_mq_end_request' /tmp/report ||
		fail "blk_mq_end_request not under the driver's entry"
}

run_case "tracefs function_graph on ramdisk_queue_rq(s) shows the callees" case_tracefs_graph
run_case "tracefs stack trace: blk-mq calls ramdisk_queue_rq(s)" case_tracefs_caller
run_case "trace-cmd -p function_graph -g ramdisk_queue_rq(s) shows the callees" case_trace_cmd_graph
