/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RAMDISK_H
#define RAMDISK_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>

#define RAMDISK_NAME "ramdisk"

/* Parameter defaults; MODULE_PARM_DESC quotes them so text and code agree. */
#define RAMDISK_DEFAULT_SIZE_MIB 64
/* 0: one hardware queue per online CPU, decided at load. */
#define RAMDISK_DEFAULT_NR_HW_QUEUES 0
#define RAMDISK_DEFAULT_QUEUE_DEPTH 128
#define RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE 512
#define RAMDISK_DEFAULT_MAX_PART 16
/* A bare word: MODULE_PARM_DESC and the parameter stringify it. */
#define RAMDISK_DEFAULT_BACKING linear

#define RAMDISK_MAX_QUEUE_DEPTH 4096

/*
 * A request is one memcpy per segment, so size limits only bound how long
 * one queue_rq call may run. 4 MiB keeps 1 MiB I/O whole (the block layer
 * caps max_sectors_kb at 1280 by default anyway).
 */
#define RAMDISK_MAX_REQUEST_SECTORS (SZ_4M >> SECTOR_SHIFT)

/*
 * Discard and write-zeroes memset the store inside queue_rq, which must
 * not run for long; 64 MiB is a few milliseconds even under emulation, and
 * blkdiscard of a whole disk is split into requests of this size.
 */
#define RAMDISK_MAX_ZEROING_SECTORS (SZ_64M >> SECTOR_SHIFT)

/*
 * A page store refuses new pages while the machine's available memory is
 * under 1/RAMDISK_PAGES_RESERVE_FRACTION of RAM: a thin disk that took the
 * last free page would leave the OOM killer to choose which process dies,
 * and nothing to run rmmod with.
 */
#define RAMDISK_PAGES_RESERVE_FRACTION 32

/**
 * enum ramdisk_backing - where a disk keeps its bytes
 * @RAMDISK_BACKING_LINEAR: one buffer of the disk's size, allocated at load
 * @RAMDISK_BACKING_PAGES: pages allocated on first write, freed on discard
 */
enum ramdisk_backing {
	RAMDISK_BACKING_LINEAR,
	RAMDISK_BACKING_PAGES,
};

/**
 * struct ramdisk_dev - one RAM-backed disk
 * @backing: which of @store and @pages holds the data
 * @store: linear backing: the disk's bytes, zeroed when allocated; sector s
 *         lives at @store + s * 512
 * @pages: page backing: page index -> struct page, holes read as zeros;
 *         looked up under RCU, changed under the xarray's own lock
 * @nr_pages: pages in @pages, for the allocated_bytes attribute
 * @reserve_pages: page backing: available memory, in pages, that new pages
 *                 must leave to the rest of the machine
 * @capacity: size of the disk in 512-byte sectors
 * @tag_set: blk-mq tags and hardware queues
 * @disk: the gendisk registered as /dev/ramdisk
 */
struct ramdisk_dev {
	enum ramdisk_backing backing;
	void *store;
	struct xarray pages;
	atomic_long_t nr_pages;
	unsigned long reserve_pages;
	sector_t capacity;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
};

#endif /* RAMDISK_H */
