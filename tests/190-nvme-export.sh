#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/export: a disk served over NVMe/TCP on 127.0.0.1 (and nvme-loop
# where the kernel has it) carries data both ways and fio's verify; every
# bad request is refused with its message and changes nothing; an export
# holds its disk; a killed run's half-made state is finished by unexport,
# and a run that fails part way undoes itself.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

NQN=nqn.2026-12.local.ramdisk:ramdisk

# nvmet_state: everything under nvmet's configfs tree and the export
# records, one path a line.
nvmet_state() {
	find "$NVMET" "$EXPORT_RECORDS" 2>/dev/null | sort
}

# expect_nvmet_empty: no subsystem, port or record is left.
expect_nvmet_empty() {
	expect_eq "nvmet subsystems, ports and records" \
		"$(find "$NVMET/subsystems" "$NVMET/ports" "$EXPORT_RECORDS" -mindepth 1 \
			-maxdepth 1 2>/dev/null)" ""
}

# refused MESSAGE COMMAND...: COMMAND exits 1 saying MESSAGE, and nvmet's
# tree and the records are as they were.
refused() {
	local want=$1 before out status=0
	shift
	before=$(nvmet_state)
	out=$("$@" 2>&1) || status=$?
	[ "$status" -eq 1 ] || fail "$*: exit status $status, expected 1: $out"
	grep -qF "$want" <<<"$out" || fail "$*: no '$want' in: $out"
	expect_eq "nvmet's tree after '$*'" "$(nvmet_state)" "$before"
}

# both_ways DEVICE: data written through DEVICE (the fabric's) reads back
# on /dev/ramdisk, and data written on /dev/ramdisk reads back through it.
both_ways() {
	pattern "fabric$1" $((1 << 20)) >/tmp/fabric
	DEV=$1 write_at $((1 << 20)) /tmp/fabric
	expect_data $((1 << 20)) /tmp/fabric
	pattern "local$1" $((1 << 20)) >/tmp/local
	write_at $((40 << 20)) /tmp/local
	DEV=$1 expect_data $((40 << 20)) /tmp/local
}

# through_fabric LINE: connects with the nvme connect LINE export
# printed; data both ways and fio's verify through the namespace; then
# disconnects and unexports /dev/ramdisk, which leaves nothing.
through_fabric() {
	local dev
	$1 >/dev/null
	dev=$(nvme_disk "$NQN")
	expect_eq "size through the fabric" "$(blockdev --getsize64 "$dev")" $((64 << 20))
	both_ways "$dev"
	DEV=$dev run_fio_section "$top/fio-jobs/verify-raw.fio" fabric "$NCPU" \
		CPUS="0-$((NCPU - 1))"
	nvme disconnect -n "$NQN" >/dev/null
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	expect_nvmet_empty
}

# The loopback cases keep the guest's THP to madvise while they run
# (lib.sh, THP).
case_tcp_loopback() {
	local line thp
	thp=$(thp_madvise)
	load size=64M
	line=$("$EXPORT" nvme /dev/ramdisk)
	# The initiator's side; a host with static device nodes loads it on
	# the first open of /dev/nvme-fabrics.
	modprobe nvme-tcp
	expect_eq "connect line" "$line" "nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $NQN"
	expect_eq "status" "$("$EXPORT" status)" "/dev/ramdisk tcp 127.0.0.1:4420 $NQN"
	through_fabric "$line"
	expect_eq "status after unexport" "$("$EXPORT" status)" "nothing exported"
	echo "$thp" >"$THP"
}

# Over nvme-loop where the kernel has the module (6.12); where it has not
# (6.1), the export is refused naming it.
case_loop() {
	local line
	load size=64M
	if ! modinfo nvme-loop >/dev/null 2>&1; then
		refused "cannot load the nvme-loop module" \
			"$EXPORT" nvme /dev/ramdisk --transport loop
		return 0
	fi
	line=$("$EXPORT" nvme /dev/ramdisk --transport loop)
	expect_eq "connect line" "$line" "nvme connect -t loop -n $NQN"
	expect_eq "status" "$("$EXPORT" status)" "/dev/ramdisk loop $NQN"
	through_fabric "$line"
}

# Each refusal before anything is made, then those that need an export
# in place. The modules' case comes first, while none is loaded.
case_refused() {
	local target listener
	target=/lib/modules/$(uname -r)/kernel/drivers/nvme/target
	load size=64M max_part=4
	! grep -q '^nvmet ' /proc/modules || fail "nvmet is loaded already"
	refused "cannot load the nvmet module" unshare -m sh -c \
		"mount -t tmpfs none '$target' && exec '$EXPORT' nvme /dev/ramdisk"
	grep -q '^nvmet ' /proc/modules && fail "nvmet was loaded"
	refused "nvme-cli is not installed" unshare -m sh -c \
		"mount --bind /dev/null '$(command -v nvme)' && exec '$EXPORT' nvme /dev/ramdisk"
	refused "/dev/sda is not a block device" "$EXPORT" nvme /dev/sda
	modprobe brd rd_nr=1 rd_size=4096
	refused "/dev/ram0 is not a ramdisk disk (its major is 1, ramdisk's is $(ramdisk_major))" \
		"$EXPORT" nvme /dev/ram0
	printf 'label: dos\n,\n' | sfdisk -q /dev/ramdisk
	wait_for_dev /dev/ramdisk1
	refused "/dev/ramdisk1 is a partition" "$EXPORT" nvme /dev/ramdisk1
	refused "port '0' is invalid: allowed 1..65535" "$EXPORT" nvme ramdisk --port 0
	refused "port '65536' is invalid" "$EXPORT" nvme ramdisk --port 65536
	refused "port 'x' is invalid" "$EXPORT" nvme ramdisk --port x
	refused "NQN 'ramdisk' is invalid" "$EXPORT" nvme ramdisk --nqn ramdisk
	refused "NQN 'nqn.a/b' is invalid" "$EXPORT" nvme ramdisk --nqn nqn.a/b
	refused "NQN 'nqn.$(printf 'x%.0s' $(seq 220))' is invalid" \
		"$EXPORT" nvme ramdisk --nqn "nqn.$(printf 'x%.0s' $(seq 220))"
	refused "transport 'rdma' is invalid: allowed tcp, loop" \
		"$EXPORT" nvme ramdisk --transport rdma
	refused "address 192.0.2.1 is not one of this machine's (127.0.0.1" \
		"$EXPORT" nvme ramdisk --addr 192.0.2.1
	python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 4430)); s.listen(); time.sleep(60)' &
	listener=$!
	for _ in $(seq 50); do
		[ -n "$(ss -Hltn 'sport = :4430')" ] && break
		sleep 0.1
	done
	refused "port 4430 at 127.0.0.1 is in use: a TCP listener holds 127.0.0.1:4430" \
		"$EXPORT" nvme ramdisk --port 4430
	refused "port 4430 at 0.0.0.0 is in use" \
		"$EXPORT" nvme ramdisk --port 4430 --addr 0.0.0.0
	kill "$listener"

	cfs_disk b size=16M
	"$EXPORT" nvme /dev/ramdisk >/dev/null
	refused "/dev/ramdisk is already exported" "$EXPORT" nvme /dev/ramdisk --port 4421
	refused "subsystem $NQN already exists" \
		"$EXPORT" nvme /dev/ramdisk-b --port 4421 --nqn "$NQN"
	refused "port 4420 at 127.0.0.1 is in use by nvmet port 1 (127.0.0.1:4420)" \
		"$EXPORT" nvme /dev/ramdisk-b
	refused "/dev/ramdisk-b is not exported" "$EXPORT" unexport /dev/ramdisk-b
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	expect_nvmet_empty
	cfs_remove b
	unload
	refused "/dev/ram0 is not a ramdisk disk: the ramdisk module is not loaded" \
		"$EXPORT" nvme /dev/ram0
	refused "/dev/ramdisk is not a block device" "$EXPORT" nvme /dev/ramdisk
	rmmod brd
}

# An export holds its disk open: rmmod, power 0 and rmdir are refused
# until it is undone.
case_held() {
	local out
	load size=16M
	cfs_disk h size=16M
	"$EXPORT" nvme /dev/ramdisk >/dev/null
	"$EXPORT" nvme /dev/ramdisk-h --port 4421 >/dev/null
	expect_eq "status" "$("$EXPORT" status | sort)" \
		"/dev/ramdisk tcp 127.0.0.1:4420 $NQN
/dev/ramdisk-h tcp 127.0.0.1:4421 $NQN-h"
	out=$(rmmod ramdisk 2>&1) && fail "rmmod worked while exported"
	grep -qF "is in use" <<<"$out" || fail "rmmod: $out"
	mark
	expect_eq "power 0 while exported" "$(errno_of write "$CFS/h/power" 0)" EBUSY
	dmesg_since | grep -qF "ramdisk: ramdisk-h: open or mounted (1 openers), not removed" ||
		fail "no log line for power 0: $(dmesg_since | tail -n 3)"
	expect_eq "rmdir while exported" "$(errno_of rmdir "$CFS/h")" EBUSY
	expect_eq "power after the refusals" "$(cat "$CFS/h/power")" 1
	"$EXPORT" unexport /dev/ramdisk-h >/dev/null
	cfs_remove h
	"$EXPORT" unexport ramdisk >/dev/null
	expect_nvmet_empty
	unload
}

# killed PATH SYSCALL COMMAND...: runs COMMAND and kills it with SIGKILL
# at its first SYSCALL on PATH, as a crash or a kill -9 would.
killed() {
	local path=$1 syscall=$2 status=0
	shift 2
	strace -f -qq -o /dev/null -P "$path" -e "inject=$syscall:signal=KILL" \
		"$@" >/dev/null 2>&1 || status=$?
	[ "$status" -ne 0 ] || fail "$* was not killed at $syscall of $path"
}

# A run killed part way leaves what it made; status says so, a new export
# is refused, and unexport removes the rest.
case_half_made() {
	local sub=$NVMET/subsystems/$NQN out
	load size=16M
	# Killed in export with the namespace enabled and the port not set up.
	killed "$NVMET/ports/1/addr_trtype" openat "$EXPORT" nvme /dev/ramdisk
	if [ ! -d "$NVMET/ports/1" ] || [ ! -d "$sub/namespaces/1" ]; then
		fail "the killed export left: $(nvmet_state)"
	fi
	expect_eq "status" "$("$EXPORT" status)" \
		"/dev/ramdisk half-made $NQN ('tools/export unexport ramdisk' removes it)"
	refused "/dev/ramdisk has a half-made export from an earlier run" \
		"$EXPORT" nvme /dev/ramdisk
	rmmod ramdisk 2>/dev/null && fail "rmmod worked with the namespace enabled"
	out=$("$EXPORT" unexport /dev/ramdisk)
	expect_eq "unexport" "$out" "removed nvmet port 1
removed subsystem $NQN
unexported /dev/ramdisk"
	expect_nvmet_empty
	# Killed before the namespace had its device.
	killed "$sub/namespaces/1/device_path" openat "$EXPORT" nvme /dev/ramdisk
	[ -d "$sub/namespaces/1" ] || fail "the killed export left: $(nvmet_state)"
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	expect_nvmet_empty
	# Killed in unexport after the port went, the disk still held.
	"$EXPORT" nvme /dev/ramdisk >/dev/null
	killed "$sub/namespaces/1/enable" openat "$EXPORT" unexport /dev/ramdisk
	if [ "$(cat "$sub/namespaces/1/enable")" != 1 ] || [ -d "$NVMET/ports/1" ]; then
		fail "the killed unexport left: $(nvmet_state)"
	fi
	rmmod ramdisk 2>/dev/null && fail "rmmod worked with the namespace enabled"
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	expect_nvmet_empty
	# After all that, a whole export works.
	"$EXPORT" nvme /dev/ramdisk >/dev/null
	"$EXPORT" unexport /dev/ramdisk >/dev/null
	unload
}

# A step that fails after the first mkdir is undone: here the port's
# address file refuses to open (strace's fault injection), as a write the
# kernel rejects would fail.
case_rollback() {
	local before out status=0
	load size=16M
	modprobe nvmet-tcp
	before=$(nvmet_state)
	out=$(strace -f -qq -o /dev/null -P "$NVMET/ports/1/addr_trsvcid" \
		-e inject=openat:error=EACCES "$EXPORT" nvme /dev/ramdisk 2>&1) ||
		status=$?
	[ "$status" -eq 1 ] || fail "exit status $status, expected 1: $out"
	grep -qF "export: failed; undoing" <<<"$out" || fail "no undoing in: $out"
	expect_eq "nvmet's tree after the failed export" "$(nvmet_state)" "$before"
	unload
}

run_case_modes "export over TCP on 127.0.0.1: data both ways, fio crc32c verify, unexport leaves nothing" case_tcp_loopback
run_case "export over nvme-loop, or refused naming the module where the kernel lacks it" case_loop
run_case "bad disks, settings, ports, addresses, modules and nvme-cli refused; nothing changed" case_refused
run_case "an export holds its disk: rmmod, power 0 and rmdir refused until unexport" case_held
run_case "a killed export or unexport leaves half-made state that unexport finishes" case_half_made
run_case "a step failing after the first mkdir is undone" case_rollback
