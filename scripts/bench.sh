#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: ramdisk against brd and null_blk, side by side in one guest
# boot per kernel, every job interleaved across the three devices and
# repeated. Results (fio JSON of every run, bench.json, table.md and one
# chart per kernel) go to results/bench-<date>/; the tables and charts are
# then copied to docs/bench/, the main table into README.md and chapter 8,
# the comparison of the two backing stores into chapter 4, and the
# two-guest NVMe/TCP rows (scripts/net.sh) into README.md and chapter 11.
#
# BENCH_SERIES, ROUNDS (3), RUNTIME (seconds per job, 5), SIZE_MIB (256) and
# BENCH_JOBS (sections of fio-jobs/bench.fio) narrow or widen a run; a run
# narrowed by BENCH_SERIES or BENCH_JOBS leaves the docs alone.
# BENCH_NET=0 leaves out the two-guest rows; BENCH_NET=only runs them
# alone and publishes their table alone.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top"

"$top/scripts/setup.sh"
"$top/vm/kvm-probe.sh"
mkdir -p "$cache/build"
gcc -O2 -Wall -Wextra -o "$cache/build/memcpy-bw" bench/memcpy-bw.c

out=$results/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
net=${BENCH_NET:-1}
case $net in 0 | 1 | only) ;; *) echo "bench: BENCH_NET=$net: allowed 0, 1, only" >&2; exit 2 ;; esac
for s in ${BENCH_SERIES:-${SERIES[*]}}; do
	build_module "$s" >/dev/null
	load_kernel "$s"
	if [ "$net" != only ]; then
		echo "# bench on $KVER"
		TCG_THREAD=multi "$top/vm/guest.sh" -m 2048 -t 3000 "$s" "$out/$s" \
			"BENCH_OUT=$out/$s ROUNDS=${ROUNDS:-3} RUNTIME=${RUNTIME:-5}" \
			"SIZE_MIB=${SIZE_MIB:-256} BENCH_JOBS='${BENCH_JOBS:-}'" \
			bench/guest-bench.sh
		echo "$KVER" >"$out/$s/kernel"
	fi
	if [ "$net" != 0 ]; then
		# Through NVMe/TCP from a second guest against the disk itself.
		echo "# two guests on $KVER: 4k and 1M remote and local (scripts/net.sh)"
		NET_BENCH=1 RUNTIME=${RUNTIME:-5} "$top/scripts/net.sh" "$s" "$out/$s-net"
		# Each side's one test file passed: two top-level "ok" lines.
		if [ "$(cat "$out/$s-net"/{target,initiator}/output.txt 2>/dev/null |
			grep -c '^ok ')" -ne 2 ]; then
			echo "bench: the two-guest run failed; see $out/$s-net" >&2
			exit 1
		fi
		echo "$KVER" >"$out/$s-net/kernel"
	fi
done

[ "$net" = only ] || python3 "$top/bench/bench-report.py" "$out"
[ "$net" = 0 ] || python3 "$top/bench/net-report.py" "$out"
# A run narrowed to one kernel or some jobs would leave the docs with part
# of a table: they take whole runs.
if [ -z "${BENCH_SERIES:-}${BENCH_JOBS:-}" ]; then
	mkdir -p docs/bench
	if [ "$net" != only ]; then
		cp "$out"/table.md "$out"/table-pages.md "$out"/chart-*.png docs/bench/
		python3 "$top/bench/publish.py" "$out/table.md" bench README.md \
			chapter-notes/08-many-queues.md
		python3 "$top/bench/publish.py" "$out/table-pages.md" \
			bench-pages chapter-notes/04-backing-store.md
	fi
	if [ "$net" != 0 ]; then
		cp "$out"/table-net.md docs/bench/
		python3 "$top/bench/publish.py" "$out/table-net.md" bench-net README.md \
			chapter-notes/11-beyond-one-machine.md
	fi
fi
echo "# results: $out"
