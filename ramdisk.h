/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RAMDISK_H
#define RAMDISK_H

#include <linux/blk-mq.h>
#include <linux/sizes.h>
#include <linux/types.h>

#define RAMDISK_NAME "ramdisk"

/* Parameter defaults; MODULE_PARM_DESC quotes them so text and code agree. */
#define RAMDISK_DEFAULT_SIZE_MIB 64
/* 0: one hardware queue per online CPU, decided at load. */
#define RAMDISK_DEFAULT_NR_HW_QUEUES 0
#define RAMDISK_DEFAULT_QUEUE_DEPTH 128
#define RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE 512
#define RAMDISK_DEFAULT_MAX_PART 16

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

/**
 * struct ramdisk_dev - one RAM-backed disk
 * @store: the disk's bytes, linear, zeroed when allocated; sector s lives
 *         at @store + s * 512
 * @capacity: size of @store in 512-byte sectors
 * @tag_set: blk-mq tags and hardware queues
 * @disk: the gendisk registered as /dev/ramdisk
 */
struct ramdisk_dev {
	void *store;
	sector_t capacity;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
};

#endif /* RAMDISK_H */
