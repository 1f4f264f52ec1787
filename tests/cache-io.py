#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""I/O on a disk with a volatile write cache, and what survives a power loss.

cache-io.py DEVICE ITEM OP...: each OP in turn on DEVICE (O_DIRECT, in
4 KiB blocks), ITEM being the disk's configfs folder. Prints nothing and
exits 0 if every check held; else names the first that did not, exit 1.

  w:BLOCK:SEED[:COUNT]  a write of COUNT blocks (1), pattern SEED
  f                     a flush (fsync of the device)
  d:BLOCK:COUNT         a discard (BLKDISCARD)
  z:BLOCK:COUNT         a write of zeroes (BLKZEROOUT)
  c:BLOCK:SEED[:COUNT]  those blocks hold pattern SEED; SEED 0: zeroes
  b:BLOCK:HEX           the block holds byte HEX only (rdprobe's 0xa5)
  p:VALUE               VALUE written to ITEM/power_loss

cache-io.py DEVICE ITEM files DIR FIRST FILES CUT: writes FILES files in
DIR, numbered from FIRST, each fsynced, and its folder too; after CUT of
them, one more file's data goes to the disk unsynced, power is cut
(power_loss 1), and the rest are written into the lost power (where a
zoned disk may fail them).
cache-io.py DEVICE ITEM verify DIR N: files 0 to N-1 read back.

A FUA write comes from tests/rdprobe: an O_DSYNC write is followed by a
flush.

cache-io.py DEVICE ITEM model SEED KEEP WRITES: WRITES random writes,
discards (durable at once) and flushes over 32 blocks, then power_loss
"seed=SEED keep=KEEP"; the blocks must then hold what the kernel's
choice gives: its generator (lib/random32.c) is modelled here, so every
outcome is checked, not only its repetition. Prints the volatile writes
kept and dropped, as the disk's counters should say, then K or D for
each, oldest first.

cache-io.py DEVICE ITEM zmodel SEED KEEP WRITES: the same on a zoned disk
of 1 MiB zones, the first conventional: random writes to 32 blocks of the
conventional zone and at the write pointers of sequential zones 1 to 4,
and flushes. Each zone must keep a prefix of its writes (none after the
first lost) and report its write pointer where that prefix ends.
"""

import fcntl
import mmap
import os
import random
import struct
import sys

BLOCK = 4096
BLKDISCARD = 0x1277
BLKZEROOUT = 0x127F
BLKREPORTZONE = 0xC0101282  # _IOWR(0x12, 130, struct blk_zone_report)
BLKRESETZONE = 0x40101283  # _IOW(0x12, 131, struct blk_zone_range)
ZONE_BLOCKS = 256
MASK = 0xFFFFFFFF


def pattern(seed, count):
    if seed == 0:
        return bytes(count * BLOCK)
    return random.Random(seed).randbytes(count * BLOCK)


class Disk:
    def __init__(self, path, item):
        self.item = item
        self.fd = os.open(path, os.O_RDWR | os.O_DIRECT)

    def write(self, block, data):
        buf = mmap.mmap(-1, len(data))
        buf.write(data)
        os.pwritev(self.fd, [buf], block * BLOCK)

    def read(self, block, count):
        buf = mmap.mmap(-1, count * BLOCK)
        os.preadv(self.fd, [buf], block * BLOCK)
        return bytes(buf)

    def ioctl_range(self, request, block, count):
        fcntl.ioctl(self.fd, request,
                    struct.pack("QQ", block * BLOCK, count * BLOCK))

    def write_pointer(self, zone):
        """The zone's write pointer, in blocks from its start."""
        report = bytearray(16 + 64)
        struct.pack_into("QI", report, 0, zone * ZONE_BLOCKS * 8, 1)
        fcntl.ioctl(self.fd, BLKREPORTZONE, report)
        start, _, wp = struct.unpack_from("QQQ", report, 16)
        return (wp - start) // 8

    def power_loss(self, value):
        with open(os.path.join(self.item, "power_loss"), "w") as f:
            f.write(value)


def run(disk, ops):
    for op in ops:
        kind, *args = op.split(":")
        if kind == "p":
            disk.power_loss(args[0])
            continue
        if kind == "f":
            os.fsync(disk.fd)
            continue
        if kind == "b":
            block, byte = int(args[0]), int(args[1], 16)
            if disk.read(block, 1) != bytes([byte]) * BLOCK:
                sys.exit(f"{op}: the block holds something else")
            continue
        block, arg = int(args[0]), int(args[1])
        count = int(args[2]) if len(args) > 2 else 1
        if kind == "w":
            disk.write(block, pattern(arg, count))
        elif kind == "d":
            disk.ioctl_range(BLKDISCARD, block, arg)
        elif kind == "z":
            disk.ioctl_range(BLKZEROOUT, block, arg)
        elif kind == "c":
            if disk.read(block, count) != pattern(arg, count):
                sys.exit(f"{op}: the blocks hold something else")
        else:
            sys.exit(f"unknown op {op}")


class Prandom:
    """prandom_seed_state() and prandom_u32_state() of lib/random32.c."""

    def __init__(self, seed):
        i = ((seed >> 32) ^ (seed << 10) ^ seed) & MASK
        self.s = [i + m if i < m else i for m in (2, 8, 16, 128)]

    @staticmethod
    def taus(s, a, b, c, d):
        return (((s & c) << d) & MASK) ^ ((((s << a) & MASK) ^ s) >> b)

    def u32(self):
        s = self.s
        s[0] = self.taus(s[0], 6, 13, 4294967294, 18)
        s[1] = self.taus(s[1], 2, 27, 4294967288, 2)
        s[2] = self.taus(s[2], 13, 21, 4294967280, 7)
        s[3] = self.taus(s[3], 3, 12, 4294967168, 13)
        return s[0] ^ s[1] ^ s[2] ^ s[3]


def model(disk, seed, keep, writes):
    blocks = 32
    durable = bytearray(blocks * BLOCK)
    disk.write(0, bytes(durable))
    os.fsync(disk.fd)
    rng = random.Random(f"model-{writes}")
    since_flush = []
    for n in range(writes):
        block = rng.randrange(blocks - 8)
        count = rng.randint(1, 8)
        # Flushes only in the first half: the second is what a loss
        # may drop, dense with overwrites.
        kind = rng.choices("wdf", weights=(85, 10, 5 * (n < writes // 2)))[0]
        data = bytes(count * BLOCK)
        if kind == "f":
            os.fsync(disk.fd)
            for b, d, _ in since_flush:
                durable[b * BLOCK:b * BLOCK + len(d)] = d
            since_flush = []
            continue
        if kind == "d":
            disk.ioctl_range(BLKDISCARD, block, count)
        else:
            data = pattern(seed * 1000 + n + 1, count)
            disk.write(block, data)
        since_flush.append((block, data, kind == "w"))
    disk.power_loss(f"seed={seed} keep={keep}")
    choice = Prandom(seed)
    choices = ""
    for block, data, volatile in since_flush:
        if volatile:
            choices += "K" if choice.u32() % 100 < keep else "D"
            if choices[-1] == "D":
                continue
        durable[block * BLOCK:block * BLOCK + len(data)] = data
    got = disk.read(0, blocks)
    for b in range(blocks):
        block = slice(b * BLOCK, (b + 1) * BLOCK)
        if got[block] != durable[block]:
            sys.exit(f"seed={seed} keep={keep}: block {b} is not what "
                     f"the kept writes leave")
    print(choices.count("K"), choices.count("D"), choices or "-")


def zmodel(disk, seed, keep, writes):
    conv, zones = 32, 4
    durable = bytearray(conv * BLOCK)
    disk.write(0, bytes(durable))
    fcntl.ioctl(disk.fd, BLKRESETZONE,
                struct.pack("QQ", ZONE_BLOCKS * 8, zones * ZONE_BLOCKS * 8))
    os.fsync(disk.fd)
    written = [b""] * zones  # what each zone holds, from its start
    kept = [0] * zones  # blocks of it that are durable
    rng = random.Random(f"zmodel-{writes}")
    since_flush = []
    for n in range(writes):
        kind = rng.choices("cwf", weights=(30, 65, 5 * (n < writes // 2)))[0]
        count = rng.randint(1, 4)
        if kind == "f":
            os.fsync(disk.fd)
            for zone, block, data in since_flush:
                if zone is None:
                    durable[block * BLOCK:block * BLOCK + len(data)] = data
            kept = [len(w) // BLOCK for w in written]
            since_flush = []
            continue
        data = pattern(seed * 1000 + n + 1, count)
        if kind == "c":
            zone, block = None, rng.randrange(conv - 4)
            disk.write(block, data)
        else:
            zone = rng.randrange(zones)
            block = len(written[zone]) // BLOCK
            disk.write((zone + 1) * ZONE_BLOCKS + block, data)
            written[zone] += data
        since_flush.append((zone, block, data))
    disk.power_loss(f"seed={seed} keep={keep}")
    choice = Prandom(seed)
    choices = ""
    lost = set()
    for zone, block, data in since_flush:
        keeps = choice.u32() % 100 < keep
        if zone is not None:
            # A sequential zone keeps a prefix of its writes.
            keeps = keeps and zone not in lost
            if not keeps:
                lost.add(zone)
        choices += "K" if keeps else "D"
        if not keeps:
            continue
        if zone is None:
            durable[block * BLOCK:block * BLOCK + len(data)] = data
        else:
            kept[zone] = block + len(data) // BLOCK
    if disk.read(0, conv) != bytes(durable):
        sys.exit(f"seed={seed} keep={keep}: the conventional blocks are "
                 f"not what the kept writes leave")
    for zone in range(zones):
        wp = disk.write_pointer(zone + 1)
        if wp != kept[zone]:
            sys.exit(f"seed={seed} keep={keep}: zone {zone + 1}'s write "
                     f"pointer is at block {wp}, not {kept[zone]}")
        size = len(written[zone])
        want = written[zone][:wp * BLOCK].ljust(size, b"\0")
        if size and disk.read((zone + 1) * ZONE_BLOCKS, size // BLOCK) != want:
            sys.exit(f"seed={seed} keep={keep}: zone {zone + 1} holds "
                     f"more or less than its first {wp} blocks")
    print(choices.count("K"), choices.count("D"), choices or "-")


def file_data(n):
    size = random.Random(n).choice((1, 3, 8, 20, 128)) * 512
    return pattern(10000 + n, 16)[:size]


def unsynced(folder):
    """64 KiB on the disk, O_DIRECT, without fsync: volatile data."""
    buf = mmap.mmap(-1, 16 * BLOCK)
    buf.write(pattern(99, 16))
    fd = os.open(os.path.join(folder, "unsynced"),
                 os.O_WRONLY | os.O_CREAT | os.O_DIRECT)
    os.pwritev(fd, [buf], 0)
    os.close(fd)


def files(item, folder, first, count, cut):
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    for n in range(first, first + count):
        if n == first + cut:
            unsynced(folder)
            with open(os.path.join(item, "power_loss"), "w") as f:
                f.write("1")
        try:
            with open(os.path.join(folder, f"f{n}"), "wb",
                      buffering=0) as f:
                f.write(file_data(n))
                os.fsync(f.fileno())
            os.fsync(dir_fd)
        except OSError:
            # A zoned disk fails writes to its sequential zones while
            # the power is lost; before the cut, nothing may fail.
            if n < first + cut:
                raise


def verify(folder, cut):
    for n in range(cut):
        try:
            with open(os.path.join(folder, f"f{n}"), "rb") as f:
                got, want = f.read(), file_data(n)
            if got != want:
                sys.exit(f"f{n}, fsynced before the power loss, holds "
                         f"{len(got)} bytes ({got.count(0)} zero), not "
                         f"its {len(want)}")
        except FileNotFoundError:
            sys.exit(f"f{n}, fsynced before the power loss, is gone")


def main():
    if sys.argv[3] == "files":
        files(sys.argv[2], sys.argv[4], *(int(a) for a in sys.argv[5:8]))
        return
    if sys.argv[3] == "verify":
        verify(sys.argv[4], int(sys.argv[5]))
        return
    disk = Disk(sys.argv[1], sys.argv[2])
    if sys.argv[3] in ("model", "zmodel"):
        {"model": model, "zmodel": zmodel}[sys.argv[3]](
            disk, *(int(a) for a in sys.argv[4:7]))
    else:
        run(disk, sys.argv[3:])


main()
