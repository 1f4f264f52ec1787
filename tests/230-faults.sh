#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failing on purpose: bad sectors (and their once and partial modes),
# the injection rule (every Nth, a seeded probability, a count, each
# status, stalls that the timeout handler ends), completion_nsec and
# mbps; each refusal; removal with stalled and delayed requests; ext4
# with a bad sector in a file; zones with bad sectors.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

DEV=/dev/ramdisk-f
F=$CFS/f

# fault NAME: a counter of /sys/block/ramdisk-f/faults.
fault() {
	cat "/sys/block/ramdisk-f/faults/$1"
}

# now_ms: the guest's monotonic clock, in milliseconds.
now_ms() {
	local up
	read -r up _ </proc/uptime
	echo $((${up/./} * 10))
}

# write_pattern SEED SECTOR BYTES: writes a pattern there, kept in
# /tmp/SEED for expect_data.
write_pattern() {
	pattern "$1" "$3" >"/tmp/$1"
	write_at $(($2 * 512)) "/tmp/$1"
}

# partial_read SECTOR BYTES OUT: one O_DIRECT read into a buffer filled
# with 0x5a first; the buffer goes to OUT whatever the read did, and the
# errno's name (or OK) is printed: what a failed read transferred.
partial_read() {
	python3 - "$DEV" "$@" <<'PY'
import errno, mmap, os, sys
path, sector, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, n)
buf.write(b"\x5a" * n)
try:
    os.preadv(fd, [buf], sector * 512)
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])
open(out, "wb").write(buf[:])
PY
}

# wait_busy: until the disk has a request in flight (its submitter has
# it open; start-up takes seconds on a debug kernel). For slow requests:
# a fast one is seldom seen in flight.
wait_busy() {
	local r w
	for _ in $(seq 300); do
		read -r r w <"/sys/block/ramdisk-f/inflight"
		[ $((r + w)) -eq 0 ] || return 0
		sleep 0.1
	done
	fail "no request in flight on $DEV"
}

# wait_for_fault NAME: until counter NAME is above 0.
wait_for_fault() {
	for _ in $(seq 300); do
		[ "$(fault "$1")" -eq 0 ] || return 0
		sleep 0.1
	done
	fail "$1 stayed 0"
}

# fio_min_lat JSON: the shortest total latency (submission to completion)
# of fio's first job's reads, in ns.
fio_min_lat() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["jobs"][0]["read"]["lat_ns"]["min"])' "$1"
}

# outcomes N OP BYTES: N O_DIRECT I/Os of BYTES one after another, each
# at its own place, and what each gave: "OK OK EIO ...".
outcomes() {
	local i out=()
	for i in $(seq 0 $(($1 - 1))); do
		out+=("$(dd_io "$2" $((i * $3 / 512)) "$3")")
	done
	echo "${out[*]}"
}

case_settings() {
	refuse_load "io_timeout=0" EINVAL "io_timeout=0 is out of range: allowed 1..3600000"
	refuse_load "queue_mode=bio completion_nsec=1000" EINVAL \
		"completion_nsec=1000 has no meaning with queue_mode=bio: allowed 0"
	refuse_load "queue_mode=bio mbps=16" EINVAL \
		"mbps=16 has no meaning with queue_mode=bio: allowed 0"
	load_none
	mkdir "$F"
	expect_refused EINVAL "badblocks=+9-8 is invalid: allowed +START-END or -START-END" \
		write "$F/badblocks" "+9-8"
	expect_refused EINVAL "badblocks=7 is invalid" write "$F/badblocks" 7
	# 300001 sectors take 587 entries of 512: more than the table holds.
	expect_refused ENOSPC "badblocks=+0-300000: no room in the table (512 ranges of up to 512 sectors)" \
		write "$F/badblocks" "+0-300000"
	expect_eq "bad sectors after refusals" "$(cat "$F/badblocks")" ""
	# A long range is one entry per 512 sectors, in order: 6.1's own
	# badblocks_set() would put them in reverse, where lookups miss them.
	echo "+0-1535" >"$F/badblocks"
	expect_eq "a long range" "$(cat "$F/badblocks")" "0 512
512 512
1024 512"
	echo "-0-1535" >"$F/badblocks"
	expect_refused EINVAL "badblocks_once=2 is invalid: allowed 0 or 1" \
		write "$F/badblocks_once" 2
	expect_refused EINVAL "inject=every=0 is invalid: allowed off, or every=N" \
		write "$F/inject" "every=0"
	expect_refused EINVAL "inject=every=2 probability=5 is invalid" \
		write "$F/inject" "every=2 probability=5"
	expect_refused EINVAL "inject=probability=101 is invalid" \
		write "$F/inject" "probability=101"
	expect_refused EINVAL "inject=every=1 status=oops is invalid" \
		write "$F/inject" "every=1 status=oops"
	expect_refused EINVAL "inject=every=1 colour=red is invalid" \
		write "$F/inject" "every=1 colour=red"
	expect_eq "rule after refusals" "$(cat "$F/inject")" off
	echo "every=3 op=write status=medium times=2" >"$F/inject"
	expect_eq "rule" "$(cat "$F/inject")" "every=3 op=write status=medium times=2"
	echo "probability=7 seed=42" >"$F/inject"
	expect_eq "rule" "$(cat "$F/inject")" "probability=7 seed=42 op=any status=ioerr times=0"
	expect_refused EINVAL "io_timeout=3600001 is out of range" write "$F/io_timeout" 3600001
	expect_eq "io_timeout after a refusal" "$(cat "$F/io_timeout")" 30000
	# A stall needs a request: refused on a bio disk, at the write or at
	# power-on, whichever comes second.
	echo bio >"$F/queue_mode"
	expect_refused EINVAL "inject=status=stall needs queue_mode=mq" \
		write "$F/inject" "every=1 status=stall"
	expect_refused EINVAL "completion_nsec=5 has no meaning with queue_mode=bio" \
		write "$F/completion_nsec" 5
	echo mq >"$F/queue_mode"
	echo "every=1 status=stall" >"$F/inject"
	echo bio >"$F/queue_mode"
	expect_refused EINVAL "inject=status=stall needs queue_mode=mq" write "$F/power" 1
	expect_eq "power after a refused power-on" "$(cat "$F/power")" 0
	echo off >"$F/inject"
	echo 1 >"$F/power"
	wait_for_dev
	# Delays and the timeout are the settings a powered disk takes.
	expect_refused EBUSY "size: ramdisk-f is powered; write 0 to power first" write "$F/size" 1G
	echo 0 >"$F/power"
	echo mq >"$F/queue_mode"
	echo 1 >"$F/power"
	wait_for_dev
	echo 1500 >"$F/io_timeout"
	expect_eq "the queue's io_timeout" "$(sysattr queue/io_timeout)" 1500
	echo 1000 >"$F/completion_nsec"
	echo 5 >"$F/mbps"
	expect_eq "completion_nsec" "$(cat "$F/completion_nsec")" 1000
	expect_eq "mbps" "$(cat "$F/mbps")" 5
	cfs_remove f
}

case_bad_sectors() {
	load_none
	cfs_disk f size=8M
	write_pattern a 0 65536
	echo "+100-103" >"$F/badblocks"
	echo "+200-200" >"$F/badblocks"
	expect_eq "bad sectors" "$(cat "$F/badblocks")" "100 4
200 1"
	expect_errno EIO "ramdisk-f: READ at sector 96 + 8: bad sector 100" \
		dd_io read 96 4096
	expect_errno EIO "ramdisk-f: WRITE at sector 103 + 1: bad sector 103" \
		dd_io write 103 512
	expect_errno EIO "" dd_io read 200 512
	# The neighbours work, and the failed write changed nothing.
	expect_eq "read before" "$(dd_io read 0 51200)" OK
	expect_eq "read after" "$(dd_io read 104 4096)" OK
	expect_eq "write after" "$(dd_io write 104 4096 <(head -c 4096 /tmp/a))" OK
	head -c 51200 /tmp/a | cmp -s - <(read_at 0 51200) ||
		fail "bytes before the bad range changed"
	head -c 4096 /tmp/a | cmp -s - <(read_at 53248 4096) ||
		fail "the write after the bad range did not land"
	expect_eq "bad_block_errors" "$(fault bad_block_errors)" 3
	echo "-100-103" >"$F/badblocks"
	expect_eq "bad sectors after clearing" "$(cat "$F/badblocks")" "200 1"
	head -c 51712 /tmp/a | cmp -s - <(read_at 0 51712) ||
		fail "the healed sectors do not hold what they held"
	expect_eq "bad sectors stay" "$(dd_io read 200 512)" EIO
	echo "-0-1000" >"$F/badblocks"
	expect_eq "read after clearing all" "$(dd_io read 200 512)" OK
}

case_once() {
	load_none
	cfs_disk f size=8M
	echo 1 >"$F/badblocks_once"
	echo "+16-23" >"$F/badblocks"
	echo "+64-64" >"$F/badblocks"
	expect_errno EIO "bad sector 16" dd_io read 8 8192
	# The range the error hit healed, as a remapped sector does; the other
	# is still bad until it fails once.
	expect_eq "bad sectors" "$(cat "$F/badblocks")" "64 1"
	expect_eq "read again" "$(dd_io read 8 8192)" OK
	expect_eq "write of the other" "$(dd_io write 64 512)" EIO
	expect_eq "write again" "$(dd_io write 64 512)" OK
	expect_eq "bad sectors at last" "$(cat "$F/badblocks")" ""
}

case_partial() {
	load_none
	cfs_disk f size=8M
	write_pattern old 0 16384
	echo 1 >"$F/badblocks_partial_io"
	echo "+12-12" >"$F/badblocks"
	# Sectors 8..11 are transferred, 12 and on are not.
	expect_errno EIO "ramdisk-f: READ at sector 8 + 16: bad sector 12" \
		partial_read 8 8192 /tmp/got
	cmp -s <(head -c 2048 /tmp/got) <(tail -c +4097 /tmp/old | head -c 2048) ||
		fail "the good prefix was not read"
	cmp -s <(tail -c +2049 /tmp/got) <(head -c 6144 /dev/zero | tr '\0' '\132') ||
		fail "a read went past the bad sector"
	# A write the same way: the prefix lands, the rest does not.
	pattern new 8192 >/tmp/new
	expect_eq "partial write" "$(dd_io write 8 8192 /tmp/new)" EIO
	echo "-12-12" >"$F/badblocks"
	cat <(head -c 4096 /tmp/old) <(head -c 2048 /tmp/new) \
		<(tail -c +6145 /tmp/old) >/tmp/want
	expect_data 0 /tmp/want
	# A bad first sector: nothing at all.
	echo "+8-8" >"$F/badblocks"
	expect_eq "partial read from a bad sector" "$(partial_read 8 4096 /tmp/got)" EIO
	cmp -s /tmp/got <(head -c 4096 /dev/zero | tr '\0' '\132') ||
		fail "a read starting on a bad sector transferred something"
}

case_every() {
	load_none
	cfs_disk f size=8M
	echo "every=3 op=write" >"$F/inject"
	mark
	expect_eq "every third write" "$(outcomes 9 write 4096)" \
		"OK OK EIO OK OK EIO OK OK EIO"
	dmesg_since | grep -qF "ramdisk-f: WRITE at sector 16 + 8: failed by the injection rule, hit 1" ||
		fail "no log line for the first hit: $(dmesg_since | tail -n 3)"
	expect_eq "reads are not counted" "$(outcomes 4 read 4096)" "OK OK OK OK"
	expect_eq "injected" "$(fault injected)" 3
	# A failed write stored nothing; the others did.
	pattern p 4096 >/tmp/p
	echo off >"$F/inject"
	echo "every=2 op=write times=2" >"$F/inject"
	expect_eq "a count ends the rule" "$(outcomes 6 write 4096)" \
		"OK EIO OK EIO OK OK"
	expect_eq "the rule after its count" "$(cat "$F/inject")" off
	echo "every=1 op=read times=1 status=medium" >"$F/inject"
	expect_eq "status=medium" "$(dd_io read 0 4096)" ENODATA
	echo "every=1 op=write times=1 status=nospc" >"$F/inject"
	expect_eq "status=nospc" "$(dd_io write 0 4096)" ENOSPC
	echo "every=1 times=1 status=timeout" >"$F/inject"
	expect_eq "status=timeout" "$(dd_io read 0 4096)" ETIMEDOUT
	# What a hit write did not store.
	echo "every=1 op=write times=1" >"$F/inject"
	expect_eq "hit write" "$(dd_io write 64 4096 /tmp/p)" EIO
	expect_zero $((64 * 512)) 4096
	expect_eq "write after" "$(dd_io write 64 4096 /tmp/p)" OK
	expect_data $((64 * 512)) /tmp/p
}

case_probability() {
	local first second other
	load_none
	cfs_disk f size=8M
	echo "probability=30 seed=7 op=write" >"$F/inject"
	first=$(outcomes 24 write 4096)
	echo "probability=30 seed=7 op=write" >"$F/inject"
	second=$(outcomes 24 write 4096)
	echo "probability=30 seed=8 op=write" >"$F/inject"
	other=$(outcomes 24 write 4096)
	expect_eq "the same seed" "$second" "$first"
	[ "$other" != "$first" ] || fail "seeds 7 and 8 gave the same hits: $first"
	[[ $first == *EIO* && $first == *OK* ]] ||
		fail "probability=30 hit all or nothing: $first"
}

case_stall() {
	local start took
	load_none
	cfs_disk f size=8M io_timeout=2000
	echo "every=1 op=read times=1 status=stall" >"$F/inject"
	start=$(now_ms)
	expect_errno ETIMEDOUT "ramdisk-f: READ at sector 0 + 8: stalled by the injection rule, hit 1" \
		dd_io read 0 4096
	took=$(($(now_ms) - start))
	# A lower bound only: how much later is the machine's business.
	[ "$took" -ge 2000 ] || fail "the stalled read ended after $took ms, before io_timeout"
	expect_eq "stalled" "$(fault stalled)" 1
	expect_eq "timed_out" "$(fault timed_out)" 1
	expect_eq "the next read" "$(dd_io read 0 4096)" OK
}

# Removal while a request is stalled: the disk is open (every request has
# an opener waiting for it), so power-off is refused at once, not held
# until the timeout; once the timeout ended the request, it goes.
case_stall_removal() {
	local reader
	load_none
	cfs_disk f size=8M io_timeout=6000
	echo "every=1 op=read times=1 status=stall" >"$F/inject"
	dd_io read 0 4096 >/tmp/stalled &
	reader=$!
	wait_for_fault stalled
	expect_refused EBUSY "ramdisk-f: open or mounted (1 openers), not removed" \
		write "$F/power" 0
	wait "$reader"
	expect_eq "the stalled read" "$(cat /tmp/stalled)" ETIMEDOUT
	echo 0 >"$F/power"
	rmdir "$F"
}

case_latency() {
	local min inflight=0 n fio_pid
	load_none
	cfs_disk f size=8M completion_nsec=1000000
	fio --name=qd1 --filename="$DEV" --direct=1 --rw=randread --bs=4k \
		--ioengine=libaio --iodepth=1 --number_ios=200 \
		--output-format=json --output=/tmp/qd1.json >/dev/null
	# Total latency: the driver's clock starts inside io_submit, which
	# fio counts as submission, not completion, latency.
	min=$(fio_min_lat /tmp/qd1.json)
	[ "$min" -ge 1000000 ] || fail "a request ended after $min ns, before completion_nsec"
	# At QD32 the delays overlap: many requests in flight at once. 50 ms
	# each, so that even a debug kernel submits many within one delay.
	echo 50000000 >"$F/completion_nsec"
	fio --name=qd32 --filename="$DEV" --direct=1 --rw=randread --bs=4k \
		--ioengine=libaio --iodepth=32 --time_based --runtime=3 >/dev/null &
	fio_pid=$!
	# Sampled until fio ends: its start-up may take seconds (debug kernels).
	while kill -0 "$fio_pid" 2>/dev/null; do
		read -r n _ <"/sys/block/ramdisk-f/inflight"
		[ "$n" -le "$inflight" ] || inflight=$n
		sleep 0.1
	done
	wait "$fio_pid"
	[ "$inflight" -ge 8 ] || fail "at most $inflight requests were in flight at QD32"
}

case_polled_latency() {
	local min
	load_none
	cfs_disk f size=8M poll_queues=1 completion_nsec=1000000
	fio --name=polled --filename="$DEV" --direct=1 --rw=randread --bs=4k \
		--ioengine=io_uring --hipri=1 --iodepth=4 --number_ios=200 \
		--output-format=json --output=/tmp/polled.json >/dev/null
	min=$(fio_min_lat /tmp/polled.json)
	[ "$min" -ge 1000000 ] || fail "a polled request was reaped after $min ns, before completion_nsec"
	grep -q "^0$" <(sysattr queue/io_poll) && fail "io_poll is off"
	return 0
}

case_bandwidth() {
	local start took
	load_none
	cfs_disk f size=64M mbps=16
	pattern b 33554432 >/tmp/b
	start=$(now_ms)
	dd if=/tmp/b of="$DEV" bs=1M oflag=direct status=none
	took=$(($(now_ms) - start))
	[ "$took" -ge 2000 ] || fail "32 MiB at mbps=16 took $took ms"
	expect_data 0 /tmp/b
	# Four requests in flight do not pass the cap together: 4 MiB at
	# 1 MiB/s take 4 s, where four requests paced each on its own would
	# all end after one.
	# fio's own runtime, from its first submission: not its start-up.
	echo 1 >"$F/mbps"
	fio --name=burst --filename="$DEV" --direct=1 --rw=write --bs=1M \
		--size=4M --ioengine=libaio --iodepth=4 \
		--output-format=json --output=/tmp/burst.json >/dev/null
	took=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["jobs"][0]["write"]["runtime"])' /tmp/burst.json)
	# Milliseconds, rounded down: 4 s may read 3999.
	[ "$took" -ge 3990 ] || fail "4 MiB at QD4 and mbps=1 took $took ms"
	# The cap lifted mid-transfer: the rest goes at once.
	echo 1 >"$F/mbps"
	dd if=/tmp/b of="$DEV" bs=1M count=8 oflag=direct status=none &
	sleep 1
	echo 0 >"$F/mbps"
	wait $!
	# Removal mid-transfer is refused at once: the writer has the disk
	# open. Its data is all there after.
	echo 2 >"$F/mbps"
	dd if=/tmp/b of="$DEV" bs=1M count=8 oflag=direct status=none &
	wait_busy
	expect_refused EBUSY "ramdisk-f: open or mounted (1 openers), not removed" \
		write "$F/power" 0
	wait $!
	head -c 8M /tmp/b >/tmp/b8
	expect_data 0 /tmp/b8
}

case_ext4() {
	local block sector
	load_none
	cfs_disk f size=64M
	mkfs.ext4 -q -b 4096 "$DEV"
	mkdir -p /mnt/f
	mount "$DEV" /mnt/f
	pattern a 1048576 >/mnt/f/a
	pattern b 1048576 >/mnt/f/b
	pattern c 1048576 >/mnt/f/c
	umount /mnt/f
	# The file's third block, as a 512-byte sector.
	block=$(debugfs -R "bmap /b 2" "$DEV" 2>/dev/null)
	sector=$((block * 8))
	echo "+$sector-$((sector + 7))" >"$F/badblocks"
	mount "$DEV" /mnt/f
	! cat /mnt/f/b >/dev/null 2>/tmp/cat.err || fail "a file with a bad block read whole"
	grep -q "Input/output error" /tmp/cat.err || fail "cat said: $(cat /tmp/cat.err)"
	pattern a 1048576 | cmp -s - /mnt/f/a || fail "file a changed"
	pattern c 1048576 | cmp -s - /mnt/f/c || fail "file c changed"
	head -c 8192 /mnt/f/b | cmp -s - <(pattern b 8192) || fail "file b's good blocks changed"
	umount /mnt/f
	# fsck finds the metadata clean, and its surface scan finds the bad
	# block and the file that holds it.
	e2fsck -fn "$DEV" >/tmp/fsck.out 2>&1 || fail "e2fsck -n: $(tail -n 5 /tmp/fsck.out)"
	! e2fsck -fy -c "$DEV" >/tmp/fsck.out 2>&1 || fail "e2fsck -c found nothing"
	grep -q "File /b (inode #" /tmp/fsck.out ||
		fail "e2fsck -c did not name the file: $(tail -n 8 /tmp/fsck.out)"
}

case_zoned() {
	load_none
	# make check-debug's kcsan kernel has no zoned block devices.
	if ! grep -q '^CONFIG_BLK_DEV_ZONED=y' "/boot/config-$(uname -r)"; then
		mkdir "$F"
		echo 1 >"$F/zoned"
		expect_refused EINVAL "zoned=1 needs a kernel with zoned block devices (CONFIG_BLK_DEV_ZONED)" \
			write "$F/power" 1
		return 0
	fi
	cfs_disk f zoned=1 size=16M zone_size=1
	echo "+2060-2060" >"$F/badblocks"
	expect_eq "write over a bad sector" "$(dd_io write 2048 8192)" EIO
	blkzone report -o 2048 -c 1 "$DEV" | grep -q "wptr 0x000000 " ||
		fail "the write pointer moved: $(blkzone report -o 2048 -c 1 "$DEV")"
	echo 1 >"$F/badblocks_partial_io"
	expect_eq "partial write over a bad sector" "$(dd_io write 2048 8192)" EIO
	blkzone report -o 2048 -c 1 "$DEV" | grep -q "wptr 0x00000c " ||
		fail "the write pointer is not after the good part: $(blkzone report -o 2048 -c 1 "$DEV")"
	echo "-2060-2060" >"$F/badblocks"
	expect_eq "write at the write pointer" "$(dd_io write 2060 4096)" OK
}

# Injected errors, stalls and timeouts racing with fio on every CPU, with
# rules and delays changed under it, and with power-off (refused while
# fio has the disk open, done once it is over): every request ends, and
# nothing leaks.
case_race() {
	local round fio_pid
	load_none
	for round in 1 2; do
		cfs_disk f size=16M io_timeout=1000
		echo "probability=20 seed=$round status=ioerr" >"$F/inject"
		echo "+0-4095" >"$F/badblocks"
		fio --name=race --filename="$DEV" --direct=1 --rw=randrw --bs=4k \
			--ioengine=libaio --iodepth=16 --numjobs="$NCPU" \
			--time_based --runtime=300 --continue_on_error=all \
			>/dev/null 2>&1 &
		fio_pid=$!
		# Each step waits for what the one before it started, not for
		# a time: a debug kernel's fio is many times slower. fio has
		# the disk open once the rule has hit. (The refusal is asked in
		# the shell: python's start-up is slow under emulation.)
		wait_for_fault injected
		mark
		! (echo 0 >"$F/power") 2>/tmp/power.err ||
			fail "power-off while fio runs succeeded"
		grep -q "Device or resource busy" /tmp/power.err ||
			fail "power-off while fio runs: $(cat /tmp/power.err)"
		dmesg_since | grep -qF "ramdisk-f: open or mounted (" ||
			fail "no log line for the refused power-off"
		wait_for_fault bad_block_errors
		echo 20000 >"$F/completion_nsec"
		echo "-0-1023" >"$F/badblocks"
		echo "probability=5 seed=$round status=stall" >"$F/inject"
		echo 50 >"$F/mbps"
		wait_for_fault timed_out
		echo "every=7 status=stall" >"$F/inject"
		echo 0 >"$F/mbps"
		sleep 1
		# fio ends on SIGINT once its requests in flight have ended,
		# if its errors have not ended it already.
		kill -INT "$fio_pid" 2>/dev/null || true
		wait "$fio_pid" || true
		[ "$(fault timed_out)" -gt 0 ] || fail "no request timed out in round $round"
		[ "$(fault injected)" -gt "$(fault stalled)" ] ||
			fail "no error injected in round $round"
		[ "$(fault bad_block_errors)" -gt 0 ] || fail "no bad sector hit in round $round"
		echo 0 >"$F/power"
		rmdir "$F"
	done
}

run_case "settings: named refusals, the rule as written, live settings" case_settings
run_case_backings "bad sectors fail reads and writes, neighbours work, - clears" case_bad_sectors
run_case_backings "badblocks_once heals a range after its first error" case_once
run_case_backings "badblocks_partial_io transfers the sectors before the bad one" case_partial
run_case "the rule: every Nth write, exactly those, a count, each status" case_every
run_case "the rule: a seeded probability repeats, another seed differs" case_probability
run_case "a stalled request is ended by the timeout handler after io_timeout" case_stall
run_case "power-off with a stalled request is refused at once; after its timeout it goes" case_stall_removal
run_case "completion_nsec: at least that long at QD1; requests overlap at QD32" case_latency
run_case "completion_nsec: a polled request is not reaped before its time" case_polled_latency
run_case "mbps: 32 MiB at 16 MiB/s take 2 s, 4 MiB at QD4 and 1 MiB/s 4 s; the cap lifted, and power-off, mid-transfer" case_bandwidth
run_case "ext4 with a bad sector in a file: EIO, fsck names it, nothing else lost" case_ext4
run_case_backings "zones: a bad sector fails a write, the write pointer stays or takes the good part" case_zoned
run_case "injected errors, stalls and timeouts racing with I/O and removal" case_race
