#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Races the driver against itself: writes, discards, write-zeroes and
# reads on the same pages from every CPU (tests/stripes.c, which checks
# every read exactly), on each backing store; and load/unload cycles while
# a prober does what udev does with a new disk (blkid, partition scans).
# STRESS_SECONDS (per phase of stripes) and STRESS_CYCLES set how long:
# short in make check, longer in make check-debug, whose kernels catch
# what these races do wrong without a visible symptom.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

STRIPES=$(build_dir "$(uname -r)")/rdprobe/stripes
STRESS_SECONDS=${STRESS_SECONDS:-3}
STRESS_CYCLES=${STRESS_CYCLES:-5}
# Pages the threads share: few enough that they meet on the same pages
# all the time, more than a plug's worth.
STRESS_PAGES=64

# After stripes, every operation counted, all of them in the log.
run_stripes() {
	local out
	out=$("$STRIPES" "$DEV" "$STRESS_PAGES" "$STRESS_SECONDS" 2>&1) ||
		fail "$out" || return 1
	echo "rdtest: $TEST_NAME [backing=$BACKING${QUEUE_MODE:+ queue_mode=$QUEUE_MODE}]: $out" >/dev/kmsg
	# Each kind of operation happened many times over.
	awk '{exit !($1 >= 100 && $3 >= 10 && $5 >= 10 && $8 >= 100)}' <<<"$out" ||
		fail "too few operations: $out"
}

case_stripes() {
	local before queues=(nr_hw_queues="$NCPU")
	# A bio disk has no queues: every CPU submits straight to the driver.
	[ "${QUEUE_MODE:-}" != bio ] || queues=()
	load size=16M "${queues[@]}"
	before=$(driver_allocations)
	run_stripes
	if [ "$BACKING" = pages ]; then
		# Every page the store took, it still accounts for: discarding
		# the whole disk gives all of them back. A page lost between two
		# racing first writes would stay counted.
		blkdiscard "$DEV"
		expect_eq "allocated_bytes after discarding everything" \
			"$(sysattr allocated_bytes)" 0
	fi
	expect_allocations "$before"
	unload
}

# prober: until /tmp/probe-done, opens the disk and probes it as udev's
# blkid builtin and a partition rescan do (reads at both ends, BLKRRPART,
# a partition's size), in one process so that it keeps at it; prints
# what it did. Opens fail while the module comes and goes: the point.
prober() {
	python3 - "$DEV" <<'PY'
import collections, fcntl, os, sys, time
BLKRRPART = 0x125F
dev, done = sys.argv[1], collections.Counter()
while not os.path.exists("/tmp/probe-done"):
    try:
        fd = os.open(dev, os.O_RDONLY)
    except OSError:
        done["open refused"] += 1
        time.sleep(0.001)
        continue
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
        os.pread(fd, 4096, 0)
        os.pread(fd, 4096, max(size - 4096, 0))
        done["blkid"] += 1
        fcntl.ioctl(fd, BLKRRPART)
        done["rescan"] += 1
        with open("/sys/block/ramdisk/ramdisk2/size") as part:
            part.read()
        done["part"] += 1
    except OSError:
        done["refused"] += 1
    finally:
        os.close(fd)
    # udev probes once per event: leave rmmod a moment between probes.
    time.sleep(0.005)
print(" ".join(f"{v} {k}," for k, v in sorted(done.items())))
PY
}

case_probed_cycles() {
	local i before refused=0 prober_pid probes
	rm -f /tmp/probe-done
	load size=16M
	unload
	before=$(driver_allocations)
	pattern probed 4096 >/tmp/probed
	prober >/tmp/probe-ops &
	prober_pid=$!
	# A failing cycle must not leave the prober running into later cases.
	trap 'touch /tmp/probe-done' EXIT
	for i in $(seq "$STRESS_CYCLES"); do
		load size=16M
		# A fresh disk every time: nothing of the last cycle survives.
		expect_zero 0 4096
		printf 'label: dos\n,4M\n,\n' | sfdisk -q --no-reread "$DEV"
		blockdev --rereadpt "$DEV" 2>/dev/null || true
		write_at $((8 << 20)) /tmp/probed
		expect_data $((8 << 20)) /tmp/probed
		# The prober may hold the disk open: rmmod is then refused,
		# and tried again.
		for _ in $(seq 200); do
			rmmod ramdisk 2>/dev/null && break
			refused=$((refused + 1))
			sleep 0.05
		done
		! grep -q '^ramdisk ' /proc/modules ||
			fail "cycle $i: rmmod refused for 10 s"
	done
	touch /tmp/probe-done
	wait "$prober_pid"
	echo "rdtest: $TEST_NAME: $STRESS_CYCLES cycles, $refused rmmods refused," \
		"prober: $(cat /tmp/probe-ops)" >/dev/kmsg
	# The prober reached the disk many times, partitions included, and
	# held it open when rmmod came.
	probes=$(grep -o '[0-9]* blkid' /tmp/probe-ops | cut -d' ' -f1)
	[ "${probes:-0}" -ge $((STRESS_CYCLES * 10)) ] ||
		fail "the prober probed ${probes:-0} times: $(cat /tmp/probe-ops)"
	grep -q ' part,' /tmp/probe-ops || fail "the prober never saw a partition"
	[ "$refused" -gt 0 ] || fail "rmmod was never refused: the prober never held the disk then"
	expect_allocations "$before"
}

run_case_paths "stripes: writes, discards, write-zeroes, reads racing on shared pages from every CPU" case_stripes
run_case_backings "$STRESS_CYCLES load/unload cycles while a prober runs blkid and partition rescans" case_probed_cycles
