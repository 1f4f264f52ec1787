/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ramdisk supports lives here.
 *
 * The driver is written against the 6.12 block API: queue limits are filled
 * in a struct queue_limits and handed to blk_mq_alloc_disk(). Older kernels
 * (Debian's 6.1) take the same limits through blk_queue_*() setters after
 * the disk exists, and need explicitly what 6.12 does by default.
 *
 * The Kbuild file probes the target's headers and defines:
 *   RAMDISK_HAVE_ALLOC_DISK_LIMITS  blk_mq_alloc_disk(set, lim, queuedata)
 *                                   and blk_alloc_disk(lim, node), one
 *                                   change, v6.9 and later (and any
 *                                   backport)
 *   RAMDISK_HAVE_BLK_FEATURES       queue_limits carries BLK_FEAT_* flags,
 *                                   v6.11+; before, they were queue flags
 *   RAMDISK_HAVE_FEAT_ZONED         zoned is BLK_FEAT_ZONED, and the zone
 *                                   limits are queue_limits fields, v6.11+
 *   RAMDISK_HAVE_ZONE_WRITE_PLUGGING the block layer orders zone writes
 *                                   itself and emulates zone append, v6.10+
 *   RAMDISK_HAVE_REVALIDATE_DISK_ONLY blk_revalidate_disk_zones(disk), no
 *                                   driver callback, v6.11+
 *   RAMDISK_HAVE_OPEN_GENDISK       block_device_operations ->open takes
 *                                   the gendisk, ->release no mode, v6.5+
 *   RAMDISK_HAVE_STRUCT_RQ_LIST     ->queue_rqs takes a struct rq_list,
 *                                   v6.13+ and Debian's 6.12.117 (from
 *                                   6.12.25), not a struct request **
 */
#ifndef RAMDISK_COMPAT_H
#define RAMDISK_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>

#ifndef RAMDISK_HAVE_ALLOC_DISK_LIMITS
/*
 * May sleep. The 6.12 limits through the setters of kernels that take
 * them only after the disk exists; shared by both kinds of disk.
 */
static inline void ramdisk_set_limits(struct request_queue *q,
				      const struct queue_limits *lim)
{
	blk_queue_logical_block_size(q, lim->logical_block_size);
	blk_queue_physical_block_size(q, lim->physical_block_size);
	blk_queue_max_hw_sectors(q, lim->max_hw_sectors);
	blk_queue_max_segments(q, lim->max_segments);
	blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
	blk_queue_max_write_zeroes_sectors(q, lim->max_write_zeroes_sectors);
	q->limits.discard_granularity = lim->discard_granularity;
	/* Before 6.11 these were queue flags with the opposite defaults. */
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
}
#endif

/**
 * ramdisk_alloc_disk - allocate a blk-mq disk with the given queue limits
 * @set: the tag set the disk's queue uses
 * @lim: limits as 6.12 understands them; features left at 6.12's defaults
 *       (non-rotational, no entropy contribution)
 * @queuedata: stored in the queue's ->queuedata
 *
 * May sleep.
 *
 * Return: the disk, or an ERR_PTR on failure (never NULL).
 */
#ifdef RAMDISK_HAVE_ALLOC_DISK_LIMITS
static inline struct gendisk *ramdisk_alloc_disk(struct blk_mq_tag_set *set,
						 struct queue_limits *lim,
						 void *queuedata)
{
	return blk_mq_alloc_disk(set, lim, queuedata);
}
#else
static inline struct gendisk *ramdisk_alloc_disk(struct blk_mq_tag_set *set,
						 struct queue_limits *lim,
						 void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(disk))
		ramdisk_set_limits(disk->queue, lim);
	return disk;
}
#endif

/**
 * ramdisk_alloc_bio_disk - allocate a bio-based disk (no tag set)
 * @lim: limits as 6.12 understands them, as for ramdisk_alloc_disk()
 *
 * May sleep. The disk takes REQ_NOWAIT bios, which ->submit_bio serves
 * without sleeping or fails with BLK_STS_AGAIN, and completes every bio
 * before ->submit_bio returns (what swap calls synchronous), as brd does.
 *
 * Return: the disk, or an ERR_PTR on failure (never NULL).
 */
static inline struct gendisk *ramdisk_alloc_bio_disk(struct queue_limits *lim)
{
	struct gendisk *disk;

#ifdef RAMDISK_HAVE_BLK_FEATURES
	lim->features |= BLK_FEAT_NOWAIT | BLK_FEAT_SYNCHRONOUS;
#endif
#ifdef RAMDISK_HAVE_ALLOC_DISK_LIMITS
	disk = blk_alloc_disk(lim, NUMA_NO_NODE);
#else
	/* The old allocator says NULL for every failure. */
	disk = blk_alloc_disk(NUMA_NO_NODE) ?: ERR_PTR(-ENOMEM);
	if (!IS_ERR(disk))
		ramdisk_set_limits(disk->queue, lim);
#endif
#ifndef RAMDISK_HAVE_BLK_FEATURES
	if (!IS_ERR(disk))
		blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
#endif
	return disk;
}

/*
 * A volatile write cache, and FUA if @fua: 6.11+ takes them as features
 * of the limits the disk is allocated with, older kernels as queue flags
 * set after. Both are called; each does nothing where the other works.
 */
static inline void ramdisk_limits_write_cache(struct queue_limits *lim,
					      bool fua)
{
#ifdef RAMDISK_HAVE_BLK_FEATURES
	lim->features |= BLK_FEAT_WRITE_CACHE;
	if (fua)
		lim->features |= BLK_FEAT_FUA;
#endif
}

/* May sleep. See ramdisk_limits_write_cache(). */
static inline void ramdisk_queue_write_cache(struct request_queue *q, bool fua)
{
#ifndef RAMDISK_HAVE_BLK_FEATURES
	blk_queue_write_cache(q, true, fua);
#endif
}

/*
 * Whether zone_append_max_sectors=0 may leave zone append to the block
 * layer: zone write plugging turns appends into writes. Before it, the
 * driver must take appends itself.
 */
#ifdef RAMDISK_HAVE_ZONE_WRITE_PLUGGING
static const bool ramdisk_emulates_zone_append = true;
#else
static const bool ramdisk_emulates_zone_append;
#endif

/**
 * ramdisk_zoned_limits - the queue limits of a zoned disk, before it exists
 * @lim: limits to add to
 * @zones: the disk's zone model
 *
 * Does not sleep. Where limits are set after the disk exists, this does
 * nothing, and ramdisk_register_zones() sets them.
 */
static inline void ramdisk_zoned_limits(struct queue_limits *lim,
					const struct ramdisk_zones *zones)
{
#ifdef RAMDISK_HAVE_FEAT_ZONED
	lim->features |= BLK_FEAT_ZONED;
	lim->chunk_sectors = 1U << zones->shift;
	lim->max_zone_append_sectors = zones->append_max_sectors;
	lim->max_open_zones = zones->max_open;
	lim->max_active_zones = zones->max_active;
#endif
}

/**
 * ramdisk_register_zones - make an allocated disk zoned, before add_disk
 * @disk: the disk, its capacity set
 * @zones: its zone model, all of it reported by ->report_zones
 *
 * May sleep: the block layer reads every zone. Before v6.11 the zoned
 * model and limits are set here; before zone write plugging (v6.10) the
 * disk also needs mq-deadline, whose zone write locking keeps one write
 * per zone in flight, and says it takes REQ_OP_ZONE_RESET_ALL, which 6.12
 * always sends.
 *
 * Return: 0, or the block layer's error.
 */
#ifdef CONFIG_BLK_DEV_ZONED
static inline int ramdisk_register_zones(struct gendisk *disk,
					 const struct ramdisk_zones *zones)
{
#ifndef RAMDISK_HAVE_FEAT_ZONED
	struct request_queue *q = disk->queue;

	disk_set_zoned(disk, BLK_ZONED_HM);
	blk_queue_chunk_sectors(q, 1U << zones->shift);
	blk_queue_max_zone_append_sectors(q, zones->append_max_sectors);
	disk_set_max_open_zones(disk, zones->max_open);
	disk_set_max_active_zones(disk, zones->max_active);
#endif
#ifndef RAMDISK_HAVE_ZONE_WRITE_PLUGGING
	blk_queue_flag_set(QUEUE_FLAG_ZONE_RESETALL, disk->queue);
	blk_queue_required_elevator_features(disk->queue,
					     ELEVATOR_F_ZBD_SEQ_WRITE);
#endif
#ifdef RAMDISK_HAVE_REVALIDATE_DISK_ONLY
	return blk_revalidate_disk_zones(disk);
#else
	return blk_revalidate_disk_zones(disk, NULL);
#endif
}
#else
/*
 * A kernel without zoned block devices (make check-debug's are built
 * without them) declares blk_revalidate_disk_zones() but has no such
 * function; ramdisk_check_zoned() refuses zoned=1 before this is reached.
 */
static inline int ramdisk_register_zones(struct gendisk *disk,
					 const struct ramdisk_zones *zones)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * The driver's open and release, in ramdisk.c, take the gendisk; these
 * adapt them to the block_device_operations of the kernel being built for.
 */
static int ramdisk_open(struct gendisk *disk);
static void ramdisk_release(struct gendisk *disk);

#ifdef RAMDISK_HAVE_OPEN_GENDISK
static int ramdisk_bdops_open(struct gendisk *disk, blk_mode_t mode)
{
	return ramdisk_open(disk);
}

static void ramdisk_bdops_release(struct gendisk *disk)
{
	ramdisk_release(disk);
}
#else
static int ramdisk_bdops_open(struct block_device *bdev, fmode_t mode)
{
	return ramdisk_open(bdev->bd_disk);
}

static void ramdisk_bdops_release(struct gendisk *disk, fmode_t mode)
{
	ramdisk_release(disk);
}
#endif

/*
 * ->queue_rqs walks the same list in both kernels; rq_list_pop() is a
 * function of a struct rq_list * in one and a macro of a struct request **
 * in the other. ramdisk.c handles each request.
 */
static void ramdisk_queue_listed_rq(struct request *rq,
				    struct io_comp_batch *iob);

#ifdef RAMDISK_HAVE_STRUCT_RQ_LIST
static void ramdisk_queue_rqs(struct rq_list *rqlist)
#else
static void ramdisk_queue_rqs(struct request **rqlist)
#endif
{
	DEFINE_IO_COMP_BATCH(iob);
	struct request *rq;

	while ((rq = rq_list_pop(rqlist)))
		ramdisk_queue_listed_rq(rq, &iob);
	if (iob.complete)
		iob.complete(&iob);
}

#endif /* RAMDISK_COMPAT_H */
