#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# net.sh SERIES OUTDIR: the two-guest test. Boots a target guest, which
# exports /dev/ramdisk with tools/export, and an initiator guest, which
# uses it over NVMe/TCP, joined by a QEMU socket network: the target's
# QEMU listens on a free port of the host's loopback, the initiator's
# connects to it, and inside the guests the link has static link-local
# addresses (tests/net/lib.sh). Each guest's output goes to
# OUTDIR/target and OUTDIR/initiator (see vm/guest.sh).
#
# NET_BENCH=1 also runs fio-jobs/bench.fio's 4k and 1M rows on both ends
# (over the fabric on the initiator, on the disk on the target); their
# figures land in each side's net-bench.txt.
#
# Exit status: 0 when both guests finished, else the first failing
# guest's (the verdicts are in their KTAP output).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || { sed -n '4,17p' "$0" >&2; exit 2; }
series=$1 out=$2
mkdir -p "$out"

# A port of the host's loopback that nothing holds now.
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
settings=("NET_BENCH=${NET_BENCH:-}" "RUNTIME=${RUNTIME:-5}")
# A benchmark runs without the slab checks (vm/guest.sh).
export GUEST_MEMORY_CHECKS=on
[ -z "${NET_BENCH:-}" ] || GUEST_MEMORY_CHECKS=off

"$top/vm/guest.sh" -q -m 1536 -t 2400 -n "listen=127.0.0.1:$port" \
	-a 169.254.0.1/16 "$series" "$out/target" env "${settings[@]}" tests/run.sh net/target.sh &
target=$!
# The initiator's QEMU fails at once if nothing listens yet.
for _ in $(seq 100); do
	[ -n "$(ss -Hltn "sport = :$port")" ] && break
	sleep 0.1
done
"$top/vm/guest.sh" -q -m 1536 -t 2400 -n "connect=127.0.0.1:$port" \
	-a 169.254.0.2/16 "$series" "$out/initiator" env "${settings[@]}" tests/run.sh net/initiator.sh &
initiator=$!

wait $target
target_status=$?
wait $initiator
initiator_status=$?
[ $target_status -eq 0 ] || exit $target_status
exit $initiator_status
