// SPDX-License-Identifier: GPL-2.0
/*
 * ramdisk: a blk-mq block device whose data lives in RAM.
 *
 * Disks made at load (nr_disks: /dev/ramdisk, /dev/ramdisk-1, ...) and at
 * runtime through configfs (/dev/ramdisk-NAME), each backed either by one
 * zeroed linear buffer (backing=linear) or by pages allocated on first
 * write (backing=pages).
 * Requests arrive on per-CPU hardware queues; ramdisk_queue_rq() copies
 * each segment to or from the store and completes the request inline,
 * since there is no hardware to wait for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/configfs.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/ctype.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/interval_tree_generic.h>
#include <linux/kstrtox.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "ramdisk.h"
#include "ramdisk_compat.h"

#define CREATE_TRACE_POINTS
#include "ramdisk_trace.h"

static unsigned long long size = (unsigned long long)RAMDISK_DEFAULT_SIZE_MIB
				 << 20;
static unsigned int nr_hw_queues = RAMDISK_DEFAULT_NR_HW_QUEUES;
static unsigned int poll_queues = RAMDISK_DEFAULT_POLL_QUEUES;
static unsigned int queue_depth = RAMDISK_DEFAULT_QUEUE_DEPTH;
static unsigned int logical_block_size = RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE;
static unsigned int max_part = RAMDISK_DEFAULT_MAX_PART;
static char *backing = __stringify(RAMDISK_DEFAULT_BACKING);
static char *queue_mode = __stringify(RAMDISK_DEFAULT_QUEUE_MODE);
static unsigned int nr_disks = RAMDISK_DEFAULT_NR_DISKS;
static unsigned int zoned;
static unsigned int zone_size = RAMDISK_DEFAULT_ZONE_SIZE_MIB;
static unsigned int zone_capacity;
static unsigned int zone_nr_conv;
static unsigned int zone_max_open;
static unsigned int zone_max_active;
static unsigned int zone_append_max_sectors = RAMDISK_MAX_REQUEST_SECTORS;
static unsigned int completion_nsec;
static unsigned int mbps;
static unsigned int io_timeout = RAMDISK_DEFAULT_IO_TIMEOUT_MSEC;
static unsigned int cache_size;
static unsigned int fua = 1;

/*
 * The length of @val without a trailing newline: configfs writes from
 * echo carry one, and log lines quote the value without it.
 */
static int ramdisk_value_len(const char *val)
{
	return strcspn(val, "\n");
}

/*
 * Checks only the syntax; ramdisk_config_validate() checks the value.
 * Shared by the size parameter and the size attribute.
 */
static int ramdisk_parse_size(const char *val, u64 *bytes)
{
	char *end;

	*bytes = memparse(val, &end);
	if (*end == '\n')
		end++;
	if (end == val || *end) {
		pr_err("size=%.*s is not a byte count (suffixes K, M, G allowed)\n",
		       ramdisk_value_len(val), val);
		return -EINVAL;
	}
	return 0;
}

static int ramdisk_set_size(const char *val, const struct kernel_param *kp)
{
	u64 bytes;
	int err;

	err = ramdisk_parse_size(val, &bytes);
	if (err)
		return err;
	*(unsigned long long *)kp->arg = bytes;
	return 0;
}

static const struct kernel_param_ops ramdisk_size_ops = {
	.set = ramdisk_set_size,
	.get = param_get_ullong,
};

/* MODULE_PARM_DESC quoting the default from the constant the code uses. */
#define RAMDISK_PARM_DESC(name, text, default_value, unit) \
	MODULE_PARM_DESC(name,                             \
			 text " Default: " __stringify(default_value) unit)

module_param_cb(size, &ramdisk_size_ops, &size, 0444);
RAMDISK_PARM_DESC(size,
		  "Bytes (K/M/G suffixes), a multiple of logical_block_size.",
		  RAMDISK_DEFAULT_SIZE_MIB, "M");
module_param(nr_hw_queues, uint, 0444);
RAMDISK_PARM_DESC(nr_hw_queues, "1..possible CPUs; 0: one per online CPU.",
		  RAMDISK_DEFAULT_NR_HW_QUEUES, "");
module_param(poll_queues, uint, 0444);
#define RAMDISK_POLL_QUEUES_TEXT \
	"0..possible CPUs; queues for polled I/O (io_uring IOPOLL), besides nr_hw_queues."
RAMDISK_PARM_DESC(poll_queues, RAMDISK_POLL_QUEUES_TEXT,
		  RAMDISK_DEFAULT_POLL_QUEUES, "");
module_param(queue_depth, uint, 0444);
RAMDISK_PARM_DESC(queue_depth,
		  "Tags per queue, 1.." __stringify(RAMDISK_MAX_QUEUE_DEPTH) ".",
		  RAMDISK_DEFAULT_QUEUE_DEPTH, "");
module_param(logical_block_size, uint, 0444);
RAMDISK_PARM_DESC(logical_block_size, "A power of two from 512 to PAGE_SIZE.",
		  RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE, "");
module_param(max_part, uint, 0444);
RAMDISK_PARM_DESC(max_part, "Minors for the disk and its partitions, 1..256.",
		  RAMDISK_DEFAULT_MAX_PART, "");
module_param(backing, charp, 0444);
/* modinfo prints the text on one line; so does the source, for grep. */
#define RAMDISK_BACKING_TEXT \
	"linear: all memory allocated at load; pages: allocated on write, freed on discard, size may exceed RAM."
RAMDISK_PARM_DESC(backing, RAMDISK_BACKING_TEXT, RAMDISK_DEFAULT_BACKING, "");
module_param(queue_mode, charp, 0444);
#define RAMDISK_QUEUE_MODE_TEXT \
	"mq: blk-mq requests on hardware queues; bio: bios straight from submit_bio, no tag set (null_blk's 2 and 0 accepted too)."
RAMDISK_PARM_DESC(queue_mode, RAMDISK_QUEUE_MODE_TEXT,
		  RAMDISK_DEFAULT_QUEUE_MODE, "");
module_param(nr_disks, uint, 0444);
#define RAMDISK_NR_DISKS_RANGE "0.." __stringify(RAMDISK_MAX_NR_DISKS) " "
#define RAMDISK_NR_DISKS_TEXT \
	"disks made at load: ramdisk, ramdisk-1, ...; the other parameters are their settings and the defaults of configfs disks."
RAMDISK_PARM_DESC(nr_disks, RAMDISK_NR_DISKS_RANGE RAMDISK_NR_DISKS_TEXT,
		  RAMDISK_DEFAULT_NR_DISKS, "");

module_param(zoned, uint, 0444);
#define RAMDISK_ZONED_TEXT \
	"1: host-managed zoned disks (queue_mode=mq), as null_blk's zoned=1."
RAMDISK_PARM_DESC(zoned, RAMDISK_ZONED_TEXT, 0, "");
module_param(zone_size, uint, 0444);
#define RAMDISK_ZONE_SIZE_TEXT                      \
	"MiB, a power of two up to " __stringify(   \
		RAMDISK_MAX_ZONE_SIZE_MIB) "; the " \
					   "last zone may be smaller."
RAMDISK_PARM_DESC(zone_size, RAMDISK_ZONE_SIZE_TEXT,
		  RAMDISK_DEFAULT_ZONE_SIZE_MIB, "");
module_param(zone_capacity, uint, 0444);
#define RAMDISK_ZONE_CAPACITY_TEXT \
	"MiB writable per sequential zone, at most zone_size; 0: zone_size."
RAMDISK_PARM_DESC(zone_capacity, RAMDISK_ZONE_CAPACITY_TEXT, 0, "");
module_param(zone_nr_conv, uint, 0444);
#define RAMDISK_ZONE_NR_CONV_TEXT \
	"Conventional zones at the start of the disk; at least one zone must be sequential."
RAMDISK_PARM_DESC(zone_nr_conv, RAMDISK_ZONE_NR_CONV_TEXT, 0, "");
module_param(zone_max_open, uint, 0444);
#define RAMDISK_ZONE_MAX_OPEN_TEXT \
	"Open zones at most, at most zone_max_active if that is set; 0: no limit."
RAMDISK_PARM_DESC(zone_max_open, RAMDISK_ZONE_MAX_OPEN_TEXT, 0, "");
module_param(zone_max_active, uint, 0444);
RAMDISK_PARM_DESC(zone_max_active,
		  "Open and closed zones at most; 0: no limit.", 0, "");
module_param(zone_append_max_sectors, uint, 0444);
#define RAMDISK_ZONE_APPEND_TEXT \
	"Longest zone append in 512-byte sectors, up to the default; 0: the block layer emulates zone append (6.10+)."
RAMDISK_PARM_DESC(zone_append_max_sectors, RAMDISK_ZONE_APPEND_TEXT,
		  RAMDISK_MAX_REQUEST_SECTORS, "");

module_param(completion_nsec, uint, 0444);
#define RAMDISK_COMPLETION_NSEC_TEXT \
	"Every request ends this many nanoseconds after it came, from a timer (queue_mode=mq); 0: at once."
RAMDISK_PARM_DESC(completion_nsec, RAMDISK_COMPLETION_NSEC_TEXT, 0, "");
module_param(mbps, uint, 0444);
#define RAMDISK_MBPS_TEXT \
	"MiB/s the disk transfers at most, paced by timers (queue_mode=mq); 0: no limit."
RAMDISK_PARM_DESC(mbps, RAMDISK_MBPS_TEXT, 0, "");
module_param(io_timeout, uint, 0444);
#define RAMDISK_IO_TIMEOUT_TEXT                                           \
	"Milliseconds, 1.." __stringify(                                  \
		RAMDISK_MAX_IO_TIMEOUT_MSEC) ", before blk-mq's timeout " \
					     "handler ends a stalled request."
RAMDISK_PARM_DESC(io_timeout, RAMDISK_IO_TIMEOUT_TEXT,
		  RAMDISK_DEFAULT_IO_TIMEOUT_MSEC, "");
module_param(cache_size, uint, 0444);
#define RAMDISK_CACHE_SIZE_TEXT                                             \
	"MiB of volatile write cache, 0.." __stringify(                     \
		RAMDISK_MAX_CACHE_SIZE_MIB) ": writes are durable after a " \
					    "flush, or FUA; 0: none."
RAMDISK_PARM_DESC(cache_size, RAMDISK_CACHE_SIZE_TEXT, 0, "");
module_param(fua, uint, 0444);
#define RAMDISK_FUA_TEXT \
	"With cache_size: 1: FUA writes are taken; 0: the block layer flushes after each instead."
RAMDISK_PARM_DESC(fua, RAMDISK_FUA_TEXT, 1, "");

static const char *const ramdisk_backing_names[] = {
	[RAMDISK_BACKING_LINEAR] = "linear",
	[RAMDISK_BACKING_PAGES] = "pages",
};

/* Shared by the backing parameter and the backing attribute. */
static int ramdisk_parse_backing(const char *val,
				 enum ramdisk_backing *backing_out)
{
	int match = sysfs_match_string(ramdisk_backing_names, val);

	if (match < 0) {
		pr_err("backing=%.*s is invalid: allowed linear or pages\n",
		       ramdisk_value_len(val), val);
		return -EINVAL;
	}
	*backing_out = match;
	return 0;
}

static const char *const ramdisk_queue_mode_names[] = {
	[RAMDISK_QUEUE_MQ] = "mq",
	[RAMDISK_QUEUE_BIO] = "bio",
};

/*
 * Shared by the queue_mode parameter and attribute. null_blk's numbers
 * are accepted so that its users' scripts port: 0 is its bio mode, 2 its
 * blk-mq mode (1, the legacy request queue, left the kernel in 5.0).
 */
static int ramdisk_parse_queue_mode(const char *val,
				    enum ramdisk_queue_mode *mode)
{
	int match = sysfs_match_string(ramdisk_queue_mode_names, val);

	if (match < 0 && sysfs_streq(val, "0"))
		match = RAMDISK_QUEUE_BIO;
	if (match < 0 && sysfs_streq(val, "2"))
		match = RAMDISK_QUEUE_MQ;
	if (match < 0) {
		pr_err("queue_mode=%.*s is invalid: allowed mq (or 2) and bio (or 0)\n",
		       ramdisk_value_len(val), val);
		return -EINVAL;
	}
	*mode = match;
	return 0;
}

static int ramdisk_check_range(const char *name, unsigned long long value,
			       unsigned long long min, unsigned long long max)
{
	if (value >= min && value <= max)
		return 0;
	pr_err("%s=%llu is out of range: allowed %llu..%llu\n", name, value,
	       min, max);
	return -EINVAL;
}

/*
 * A setting of the tag set, on a disk that has none: refused unless it is
 * what the disk was given (@base), so that nobody believes it took effect.
 */
static int ramdisk_check_no_tag_set(const char *name, unsigned int value,
				    unsigned int base)
{
	if (value == base)
		return 0;
	pr_err("%s=%u has no meaning with queue_mode=bio: allowed %u\n", name,
	       value, base);
	return -EINVAL;
}

/*
 * The zone settings one by one. How they fit together and with the disk's
 * size is checked when a disk is made, by ramdisk_check_zoned(), so that
 * null_blk's scripts may write them in any order.
 */
static int ramdisk_check_zone_settings(const struct ramdisk_config *config)
{
	int err;

	err = ramdisk_check_range("zoned", config->zoned, 0, 1);
	if (err)
		return err;
	if (!is_power_of_2(config->zone_size) ||
	    config->zone_size > RAMDISK_MAX_ZONE_SIZE_MIB) {
		pr_err("zone_size=%u is invalid: allowed a power of two from 1 to %u (MiB)\n",
		       config->zone_size, RAMDISK_MAX_ZONE_SIZE_MIB);
		return -EINVAL;
	}
	return ramdisk_check_range("zone_append_max_sectors",
				   config->zone_append_max_sectors, 0,
				   RAMDISK_MAX_REQUEST_SECTORS);
}

/*
 * A zoned disk's settings together, when it is made: at load for the
 * parameters, at power on for configfs. Logs the first that does not fit.
 */
static int ramdisk_check_zoned(const struct ramdisk_config *config)
{
	u64 zone_bytes = (u64)config->zone_size << 20;
	unsigned int nr_zones, lbs_sectors;

	if (!config->zoned)
		return 0;
	if (!IS_ENABLED(CONFIG_BLK_DEV_ZONED)) {
		pr_err("zoned=1 needs a kernel with zoned block devices (CONFIG_BLK_DEV_ZONED)\n");
		return -EINVAL;
	}
	if (config->queue_mode != RAMDISK_QUEUE_MQ) {
		pr_err("zoned=1 needs queue_mode=mq: zone writes are ordered per zone by blk-mq (mq-deadline, or zone write plugging)\n");
		return -EINVAL;
	}
	if (zone_bytes > config->size) {
		pr_err("zone_size=%u (MiB) is invalid: allowed at most size=%llu\n",
		       config->zone_size, config->size);
		return -EINVAL;
	}
	if (config->zone_capacity > config->zone_size) {
		pr_err("zone_capacity=%u is invalid: allowed 0..zone_size (%u)\n",
		       config->zone_capacity, config->zone_size);
		return -EINVAL;
	}
	/* As null_blk: no real device has both. */
	if (config->zone_capacity &&
	    config->zone_capacity != config->zone_size &&
	    config->size % zone_bytes) {
		pr_err("size=%llu is invalid with zone_capacity=%u: allowed a multiple of zone_size (%u MiB) when zone_capacity is less than zone_size\n",
		       config->size, config->zone_capacity, config->zone_size);
		return -EINVAL;
	}
	nr_zones = DIV_ROUND_UP_ULL(config->size, zone_bytes);
	if (config->zone_nr_conv >= nr_zones) {
		pr_err("zone_nr_conv=%u is invalid: allowed 0..%u (the disk has %u zones, one must be sequential)\n",
		       config->zone_nr_conv, nr_zones - 1, nr_zones);
		return -EINVAL;
	}
	if (config->zone_max_active &&
	    config->zone_max_open > config->zone_max_active) {
		pr_err("zone_max_open=%u is invalid: allowed 0..zone_max_active (%u)\n",
		       config->zone_max_open, config->zone_max_active);
		return -EINVAL;
	}
	lbs_sectors = config->logical_block_size >> SECTOR_SHIFT;
	if (config->zone_append_max_sectors % lbs_sectors) {
		pr_err("zone_append_max_sectors=%u is invalid: allowed a multiple of logical_block_size (%u sectors)\n",
		       config->zone_append_max_sectors, lbs_sectors);
		return -EINVAL;
	}
	if (!config->zone_append_max_sectors && !ramdisk_emulates_zone_append) {
		pr_err("zone_append_max_sectors=0 is invalid: this kernel's block layer does not emulate zone append; allowed 1..%u\n",
		       RAMDISK_MAX_REQUEST_SECTORS);
		return -EINVAL;
	}
	return 0;
}

/**
 * ramdisk_config_validate - check every setting of one disk
 * @config: filled from the module parameters or from configfs writes
 * @base: the settings @config started from (the built-in defaults, or
 *        the module parameters for a configfs disk): with queue_mode=bio,
 *        the tag set's settings must keep these values
 *
 * Logs one line naming the first bad setting, its value and what is
 * allowed. Memory is checked apart, by ramdisk_check_memory(): whether a
 * size fits depends on the moment and on how many disks are made.
 *
 * Return: 0, or -EINVAL.
 */
static int ramdisk_config_validate(const struct ramdisk_config *config,
				   const struct ramdisk_config *base)
{
	unsigned int lbs = config->logical_block_size;
	int err;

	if (lbs < SECTOR_SIZE || lbs > PAGE_SIZE || !is_power_of_2(lbs)) {
		pr_err("logical_block_size=%u is invalid: allowed a power of two from %u to %lu\n",
		       lbs, SECTOR_SIZE, PAGE_SIZE);
		return -EINVAL;
	}
	if (!config->size || config->size % lbs) {
		pr_err("size=%llu is invalid: allowed a non-zero multiple of logical_block_size (%u)\n",
		       config->size, lbs);
		return -EINVAL;
	}
	err = ramdisk_check_range("nr_hw_queues", config->nr_hw_queues, 0,
				  nr_cpu_ids);
	if (err)
		return err;
	err = ramdisk_check_range("poll_queues", config->poll_queues, 0,
				  nr_cpu_ids);
	if (err)
		return err;
	err = ramdisk_check_range("queue_depth", config->queue_depth, 1,
				  RAMDISK_MAX_QUEUE_DEPTH);
	if (err)
		return err;
	err = ramdisk_check_range("max_part", config->max_part, 1,
				  DISK_MAX_PARTS);
	if (err)
		return err;
	err = ramdisk_check_zone_settings(config);
	if (err)
		return err;
	err = ramdisk_check_range("io_timeout", config->io_timeout, 1,
				  RAMDISK_MAX_IO_TIMEOUT_MSEC);
	if (err)
		return err;
	err = ramdisk_check_range("cache_size", config->cache_size, 0,
				  RAMDISK_MAX_CACHE_SIZE_MIB);
	if (err)
		return err;
	err = ramdisk_check_range("fua", config->fua, 0, 1);
	if (err || config->queue_mode != RAMDISK_QUEUE_BIO)
		return err;
	/* A bio ends in its submitter's call: no request to delay or time. */
	err = ramdisk_check_no_tag_set("completion_nsec",
				       config->completion_nsec, 0);
	if (err)
		return err;
	err = ramdisk_check_no_tag_set("mbps", config->mbps, 0);
	if (err)
		return err;
	err = ramdisk_check_no_tag_set("io_timeout", config->io_timeout,
				       base->io_timeout);
	if (err)
		return err;
	err = ramdisk_check_no_tag_set("nr_hw_queues", config->nr_hw_queues,
				       base->nr_hw_queues);
	if (err)
		return err;
	err = ramdisk_check_no_tag_set("queue_depth", config->queue_depth,
				       base->queue_depth);
	if (err)
		return err;
	return ramdisk_check_no_tag_set("poll_queues", config->poll_queues, 0);
}

/*
 * Refuses linear stores that cannot fit rather than push the machine into
 * OOM; @count disks of @config are about to be made. A page store only
 * needs memory for what is written.
 */
static int ramdisk_check_memory(const struct ramdisk_config *config,
				unsigned int count)
{
	unsigned long avail_mib = si_mem_available() >> (20 - PAGE_SHIFT);

	if (config->backing != RAMDISK_BACKING_LINEAR || !count)
		return 0;
	if (config->size >> 20 >= avail_mib / count) {
		pr_err("size=%llu is more than the %lu MiB of memory available to %u disk(s)\n",
		       config->size, avail_mib, count);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The module parameters as a configuration: the settings of load-time
 * disks, and the defaults of configfs disks. Filled once at load.
 */
static struct ramdisk_config ramdisk_defaults;

/* What the module parameters are when none is given. */
static const struct ramdisk_config ramdisk_builtin = {
	.nr_hw_queues = RAMDISK_DEFAULT_NR_HW_QUEUES,
	.queue_depth = RAMDISK_DEFAULT_QUEUE_DEPTH,
	.io_timeout = RAMDISK_DEFAULT_IO_TIMEOUT_MSEC,
	.fua = 1,
};

/* Rejects bad parameters; fills in nr_hw_queues=0 so sysfs shows the truth. */
static int __init ramdisk_check_params(void)
{
	struct ramdisk_config *config = &ramdisk_defaults;
	int err;

	err = ramdisk_parse_backing(backing, &config->backing);
	if (err)
		return err;
	err = ramdisk_parse_queue_mode(queue_mode, &config->queue_mode);
	if (err)
		return err;
	config->size = size;
	config->logical_block_size = logical_block_size;
	config->nr_hw_queues = nr_hw_queues;
	config->poll_queues = poll_queues;
	config->queue_depth = queue_depth;
	config->max_part = max_part;
	config->zoned = zoned;
	config->zone_size = zone_size;
	config->zone_capacity = zone_capacity;
	config->zone_nr_conv = zone_nr_conv;
	config->zone_max_open = zone_max_open;
	config->zone_max_active = zone_max_active;
	config->zone_append_max_sectors = zone_append_max_sectors;
	config->completion_nsec = completion_nsec;
	config->mbps = mbps;
	config->io_timeout = io_timeout;
	config->cache_size = cache_size;
	config->fua = fua;
	err = ramdisk_config_validate(config, &ramdisk_builtin) ?:
		      ramdisk_check_zoned(config);
	if (err)
		return err;
	err = ramdisk_check_range("nr_disks", nr_disks, 0,
				  RAMDISK_MAX_NR_DISKS);
	if (err)
		return err;
	err = ramdisk_check_memory(config, nr_disks);
	if (err)
		return err;

	if (!nr_hw_queues)
		nr_hw_queues = num_online_cpus();
	config->nr_hw_queues = nr_hw_queues;
	return 0;
}

static int ramdisk_major;

/*
 * Serialises making and removing disks (load, configfs power and rmdir)
 * and configfs writes, and protects ramdisk_devs and each item's ->rd.
 */
static DEFINE_MUTEX(ramdisk_lock);
static LIST_HEAD(ramdisk_devs);
static DEFINE_IDA(ramdisk_indexes);

/* Kept out of line: it only runs when something above us is broken. */
static noinline blk_status_t ramdisk_out_of_range(struct ramdisk_dev *rd,
						  const struct ramdisk_io *io)
{
	pr_err_ratelimited("sector %llu + %u is beyond capacity %llu\n",
			   (unsigned long long)io->sector,
			   io->bytes >> SECTOR_SHIFT,
			   (unsigned long long)rd->capacity);
	return BLK_STS_IOERR;
}

static noinline blk_status_t ramdisk_unsupported(const struct ramdisk_io *io)
{
	pr_err_ratelimited("operation %s (%u) is not supported\n",
			   blk_op_str(io->op), (__force unsigned int)io->op);
	return BLK_STS_NOTSUPP;
}

/* Does not sleep: copies one page-sized segment at a time. */
static void ramdisk_linear_read(struct ramdisk_dev *rd,
				const struct ramdisk_io *io)
{
	void *src = rd->store + (io->sector << SECTOR_SHIFT);
	struct bvec_iter iter;
	struct bio_vec bvec;
	struct bio *bio;

	/* Every segment in order, bio by bio, as rq_for_each_segment(). */
	for (bio = io->bio; bio; bio = bio->bi_next) {
		bio_for_each_segment(bvec, bio, iter) {
			memcpy_to_bvec(&bvec, src);
			src += bvec.bv_len;
		}
	}
}

/* Does not sleep: copies one page-sized segment at a time. */
static void ramdisk_linear_write(struct ramdisk_dev *rd,
				 const struct ramdisk_io *io)
{
	void *dst = rd->store + (io->sector << SECTOR_SHIFT);
	struct bvec_iter iter;
	struct bio_vec bvec;
	struct bio *bio;

	for (bio = io->bio; bio; bio = bio->bi_next) {
		bio_for_each_segment(bvec, bio, iter) {
			memcpy_from_bvec(dst, &bvec);
			dst += bvec.bv_len;
		}
	}
}

/*
 * Does not sleep. Discard zeroes too: a later read must not return what
 * was there, and zeroes are what an unwritten sector reads as.
 */
static void ramdisk_linear_zero(struct ramdisk_dev *rd,
				const struct ramdisk_io *io)
{
	memset(rd->store + (io->sector << SECTOR_SHIFT), 0, io->bytes);
}

/*
 * The page store. A segment of a request may start anywhere in a store
 * page (512-byte blocks), so each segment is copied in pieces that do not
 * cross a store page: ramdisk_piece() gives the length of the next one.
 */
static unsigned int ramdisk_piece(u64 pos, unsigned int len)
{
	return min_t(unsigned int, len, PAGE_SIZE - (pos & ~PAGE_MASK));
}

/*
 * Does not sleep. RCU keeps the page alive while it is copied even if a
 * discard on another queue removes it meanwhile (ramdisk_pages_discard()).
 */
static void ramdisk_pages_copy_out(struct ramdisk_dev *rd, struct page *to,
				   unsigned int to_off, u64 pos,
				   unsigned int len)
{
	struct page *page;

	rcu_read_lock();
	page = xa_load(&rd->pages, pos >> PAGE_SHIFT);
	if (page)
		memcpy_page(to, to_off, page, pos & ~PAGE_MASK, len);
	else
		memzero_page(to, to_off, len);
	rcu_read_unlock();
}

/* Does not sleep. One segment, in pieces that do not cross a store page. */
static void ramdisk_pages_read_segment(struct ramdisk_dev *rd, u64 pos,
				       const struct bio_vec *bvec)
{
	unsigned int done, len;

	for (done = 0; done < bvec->bv_len; done += len, pos += len) {
		len = ramdisk_piece(pos, bvec->bv_len - done);
		ramdisk_pages_copy_out(rd, bvec->bv_page,
				       bvec->bv_offset + done, pos, len);
	}
}

/* Does not sleep. */
static void ramdisk_pages_read(struct ramdisk_dev *rd,
			       const struct ramdisk_io *io)
{
	u64 pos = (u64)io->sector << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bvec;
	struct bio *bio;

	for (bio = io->bio; bio; bio = bio->bi_next) {
		bio_for_each_segment(bvec, bio, iter) {
			ramdisk_pages_read_segment(rd, pos, &bvec);
			pos += bvec.bv_len;
		}
	}
}

static void ramdisk_free_page_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

/*
 * May sleep with @gfp GFP_NOIO: in queue_rq, which BLK_MQ_F_BLOCKING lets
 * sleep, or in submit_bio's caller. GFP_NOIO because this write may be the
 * kernel writing out dirty pages to free memory: reclaim must not wait for
 * I/O that could queue behind it. With GFP_NOWAIT (a REQ_NOWAIT bio) it
 * does not sleep, and fails with -EAGAIN where sleeping might have found
 * a page. __GFP_RETRY_MAYFAIL makes a machine without memory fail the
 * write instead of retrying forever; the reserve check fails it before the
 * machine gets there. Losing a race with another queue inserting the same
 * index is success: the caller finds the winner's page.
 */
static int ramdisk_pages_insert(struct ramdisk_dev *rd, pgoff_t index,
				gfp_t gfp)
{
	struct page *page, *old;

	/* The cheap counter first; si_mem_available() only when it is low. */
	if (global_zone_page_state(NR_FREE_PAGES) < 2 * rd->reserve_pages &&
	    si_mem_available() < (long)rd->reserve_pages)
		return -ENOMEM;
	gfp |= __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);
	if (!page)
		goto out_failed;
	old = xa_cmpxchg(&rd->pages, index, NULL, page, gfp);
	if (!old) {
		atomic_long_inc(&rd->nr_pages);
		return 0;
	}
	__free_page(page);
	if (!xa_is_err(old))
		return 0;
out_failed:
	/* An allocation that could not sleep may succeed later. */
	return gfpflags_allow_blocking(gfp) ? -ENOMEM : -EAGAIN;
}

static noinline blk_status_t ramdisk_no_memory(u64 pos)
{
	pr_err_ratelimited("sector %llu: no memory for a new page\n",
			   pos >> SECTOR_SHIFT);
	return BLK_STS_NOSPC;
}

/*
 * May sleep, in ramdisk_pages_insert(), unless @gfp forbids it. A
 * REQ_NOWAIT bio that would have to wait for a page fails with
 * BLK_STS_AGAIN, which its submitter retries where it may sleep.
 */
static blk_status_t ramdisk_pages_copy_in(struct ramdisk_dev *rd, u64 pos,
					  struct page *from,
					  unsigned int from_off,
					  unsigned int len, gfp_t gfp)
{
	struct page *page;
	int err;

	for (;;) {
		rcu_read_lock();
		page = xa_load(&rd->pages, pos >> PAGE_SHIFT);
		if (likely(page)) {
			memcpy_page(page, pos & ~PAGE_MASK, from, from_off,
				    len);
			rcu_read_unlock();
			return BLK_STS_OK;
		}
		rcu_read_unlock();
		/* Allocation sleeps, so it happens outside the RCU section. */
		err = ramdisk_pages_insert(rd, pos >> PAGE_SHIFT, gfp);
		if (unlikely(err))
			return err == -EAGAIN ? BLK_STS_AGAIN :
						ramdisk_no_memory(pos);
	}
}

/* May sleep as ramdisk_pages_copy_in() may. One segment, as above. */
static blk_status_t ramdisk_pages_write_segment(struct ramdisk_dev *rd, u64 pos,
						const struct bio_vec *bvec,
						gfp_t gfp)
{
	unsigned int done, len;
	blk_status_t status;

	for (done = 0; done < bvec->bv_len; done += len, pos += len) {
		len = ramdisk_piece(pos, bvec->bv_len - done);
		status = ramdisk_pages_copy_in(rd, pos, bvec->bv_page,
					       bvec->bv_offset + done, len,
					       gfp);
		if (unlikely(status))
			return status;
	}
	return BLK_STS_OK;
}

/*
 * May sleep as ramdisk_pages_copy_in() may. On failure, the pieces before
 * the one that failed are written; the block layer reports the whole
 * request or bio as failed.
 */
static blk_status_t ramdisk_pages_write(struct ramdisk_dev *rd,
					const struct ramdisk_io *io)
{
	u64 pos = (u64)io->sector << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bvec;
	blk_status_t status;
	struct bio *bio;

	for (bio = io->bio; bio; bio = bio->bi_next) {
		bio_for_each_segment(bvec, bio, iter) {
			status = ramdisk_pages_write_segment(rd, pos, &bvec,
							     io->gfp);
			if (unlikely(status))
				return status;
			pos += bvec.bv_len;
		}
	}
	return BLK_STS_OK;
}

/* Does not sleep. Zeroes part of one store page, if it exists. */
static void ramdisk_pages_zero_piece(struct ramdisk_dev *rd, u64 pos,
				     unsigned int len)
{
	struct page *page;

	rcu_read_lock();
	page = xa_load(&rd->pages, pos >> PAGE_SHIFT);
	if (page)
		memzero_page(page, pos & ~PAGE_MASK, len);
	rcu_read_unlock();
}

/*
 * Does not sleep. Removes whole pages first..last; a reader that found
 * one just before holds rcu_read_lock(), so the page is freed only after
 * every such reader is done.
 */
static void ramdisk_pages_discard(struct ramdisk_dev *rd, pgoff_t first,
				  pgoff_t last)
{
	struct page *page;
	unsigned long index;

	xa_for_each_range(&rd->pages, index, page, first, last) {
		if (xa_erase(&rd->pages, index) != page)
			continue;
		atomic_long_dec(&rd->nr_pages);
		call_rcu(&page->rcu_head, ramdisk_free_page_rcu);
	}
}

/*
 * Does not sleep. Discard and write-zeroes give whole pages back to the
 * machine, since a hole reads as zeros; the partial pages at either end
 * are zeroed in place.
 */
static void ramdisk_pages_zero(struct ramdisk_dev *rd,
			       const struct ramdisk_io *io)
{
	u64 pos = (u64)io->sector << SECTOR_SHIFT;
	u64 end = pos + io->bytes;
	u64 head_end = min(end, round_up(pos, PAGE_SIZE));

	if (head_end > pos) {
		ramdisk_pages_zero_piece(rd, pos, head_end - pos);
		pos = head_end;
	}
	if (end - pos >= PAGE_SIZE)
		ramdisk_pages_discard(rd, pos >> PAGE_SHIFT,
				      (end >> PAGE_SHIFT) - 1);
	pos = max(pos, round_down(end, PAGE_SIZE));
	if (end > pos)
		ramdisk_pages_zero_piece(rd, pos, end - pos);
}

/*
 * The stores, for one I/O in range. Linear backing: does not sleep. Page
 * backing: a write may sleep allocating a page, as @io->gfp allows.
 */
static __always_inline blk_status_t
ramdisk_store_io_inline(struct ramdisk_dev *rd, const struct ramdisk_io *io)
{
	switch (io->op) {
	case REQ_OP_READ:
		if (rd->backing == RAMDISK_BACKING_PAGES)
			ramdisk_pages_read(rd, io);
		else
			ramdisk_linear_read(rd, io);
		return BLK_STS_OK;
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND: /* ramdisk_zoned_io() set where it goes */
		if (rd->backing == RAMDISK_BACKING_PAGES)
			return ramdisk_pages_write(rd, io);
		ramdisk_linear_write(rd, io);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		/* RAM has no volatile cache: everything written is stored. */
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		if (rd->backing == RAMDISK_BACKING_PAGES)
			ramdisk_pages_zero(rd, io);
		else
			ramdisk_linear_zero(rd, io);
		return BLK_STS_OK;
	default:
		return ramdisk_unsupported(io);
	}
}

/* The zone model's way to the stores: as above, out of line. */
static blk_status_t ramdisk_store_io(struct ramdisk_dev *rd,
				     const struct ramdisk_io *io)
{
	return ramdisk_store_io_inline(rd, io);
}

/*
 * Zones (zoned=1): a host-managed zoned disk, as ZBC and ZNS define one and
 * null_blk models it. Conventional zones first, then sequential zones,
 * each written only at its write pointer. The stores below do not know
 * about zones; this section stands between them and the entry points.
 *
 * The store holds zeroes past every write pointer (a reset zeroes what
 * was written, or gives the pages back), so reads need no zone lookup but
 * for an offline zone, and read zeroes past the write pointer, as a ZNS
 * drive that deallocates to zeroes does.
 *
 * A write takes its range (moves the write pointer) before it copies, so
 * that the write pointer, the condition and the counts change together
 * under the state lock; if the copy then fails (a page store out of
 * memory), the write pointer stays where the write would have ended, as a
 * drive's may after a failed write, and reporting the zones shows it.
 */

static unsigned int ramdisk_zone_no(const struct ramdisk_zones *zones,
				    sector_t sector)
{
	return sector >> zones->shift;
}

static sector_t ramdisk_zone_start(const struct ramdisk_zones *zones,
				   unsigned int zno)
{
	return (sector_t)zno << zones->shift;
}

/* The last zone may be shorter than the others. */
static sector_t ramdisk_zone_len(const struct ramdisk_dev *rd, unsigned int zno)
{
	sector_t start = ramdisk_zone_start(rd->zones, zno);

	return min_t(sector_t, 1ULL << rd->zones->shift, rd->capacity - start);
}

static sector_t ramdisk_zone_end_of_capacity(const struct ramdisk_dev *rd,
					     unsigned int zno)
{
	return ramdisk_zone_start(rd->zones, zno) +
	       min(rd->zones->capacity, ramdisk_zone_len(rd, zno));
}

static bool ramdisk_zone_is_conv(const struct ramdisk_zones *zones,
				 unsigned int zno)
{
	return zno < zones->nr_conv;
}

/*
 * Does not sleep. Whether @sector of @rd is in a sequential zone, and in
 * which (*@zno).
 */
static bool ramdisk_zone_seq(const struct ramdisk_dev *rd, sector_t sector,
			     unsigned int *zno)
{
	if (!rd->zones)
		return false;
	*zno = ramdisk_zone_no(rd->zones, sector);
	return !ramdisk_zone_is_conv(rd->zones, *zno);
}

/* The count a condition is kept in, if any. Under the state lock. */
static unsigned int *ramdisk_zone_count(struct ramdisk_zones *zones,
					enum blk_zone_cond cond)
{
	switch (cond) {
	case BLK_ZONE_COND_IMP_OPEN:
		return &zones->nr_imp_open;
	case BLK_ZONE_COND_EXP_OPEN:
		return &zones->nr_exp_open;
	case BLK_ZONE_COND_CLOSED:
		return &zones->nr_closed;
	default:
		return NULL;
	}
}

/* Does not sleep. Every change of condition, under the state lock. */
static void ramdisk_zone_set_cond(struct ramdisk_zones *zones,
				  struct ramdisk_zone *zone,
				  enum blk_zone_cond cond)
{
	unsigned int *count;

	lockdep_assert_held(&zones->state_lock);
	count = ramdisk_zone_count(zones, zone->cond);
	if (count)
		(*count)--;
	count = ramdisk_zone_count(zones, cond);
	if (count)
		(*count)++;
	/* Reads look at it without the lock, for an offline zone. */
	WRITE_ONCE(zone->cond, cond);
}

/*
 * Does not sleep; under the state lock. An open zone stops being open:
 * closed, or empty again if nothing was written to it.
 */
static void ramdisk_zone_close(struct ramdisk_zones *zones, unsigned int zno)
{
	struct ramdisk_zone *zone = &zones->zone[zno];

	ramdisk_zone_set_cond(zones, zone,
			      zone->wp == ramdisk_zone_start(zones, zno) ?
				      BLK_ZONE_COND_EMPTY :
				      BLK_ZONE_COND_CLOSED);
}

/*
 * Does not sleep; under the state lock. Closes the next implicitly open
 * zone, going round the sequential zones: the close ZBC's "manage open
 * zone resources" makes room with. An empty one becomes empty again.
 */
static bool ramdisk_zone_close_implicit(struct ramdisk_dev *rd)
{
	struct ramdisk_zones *zones = rd->zones;
	unsigned int nr_seq = zones->nr_zones - zones->nr_conv;
	unsigned int i, zno = zones->next_close;

	for (i = 0; i < nr_seq; i++) {
		if (zno < zones->nr_conv || zno >= zones->nr_zones)
			zno = zones->nr_conv;
		if (zones->zone[zno].cond != BLK_ZONE_COND_IMP_OPEN) {
			zno++;
			continue;
		}
		ramdisk_zone_close(zones, zno);
		zones->next_close = zno + 1;
		return true;
	}
	return false;
}

/*
 * Does not sleep; under the state lock. Whether @zone, empty or closed,
 * may open: an empty zone becomes active, which the active limit may
 * forbid; any zone that opens needs room under the open limit, made by
 * closing an implicitly open zone if there is one.
 */
static blk_status_t ramdisk_zone_may_open(struct ramdisk_dev *rd,
					  struct ramdisk_zone *zone)
{
	struct ramdisk_zones *zones = rd->zones;

	if (zone->cond == BLK_ZONE_COND_EMPTY && zones->max_active &&
	    zones->nr_imp_open + zones->nr_exp_open + zones->nr_closed >=
		    zones->max_active)
		return BLK_STS_ZONE_ACTIVE_RESOURCE;
	if (!zones->max_open ||
	    zones->nr_imp_open + zones->nr_exp_open < zones->max_open)
		return BLK_STS_OK;
	if (ramdisk_zone_close_implicit(rd))
		return BLK_STS_OK;
	return BLK_STS_ZONE_OPEN_RESOURCE;
}

/* Logs a refused I/O, of which nothing was done. */
static noinline blk_status_t ramdisk_zone_refuse(struct ramdisk_dev *rd,
						 struct ramdisk_io *io,
						 const char *why)
{
	pr_err_ratelimited("%s: %s at sector %llu + %u: %s\n",
			   rd->disk->disk_name, blk_op_str(io->op),
			   (unsigned long long)io->sector,
			   io->bytes >> SECTOR_SHIFT, why);
	io->bytes = 0;
	return BLK_STS_IOERR;
}

/*
 * Does not sleep; under the zone's lock. Takes the range a write or an
 * append is to fill: at the write pointer, within the zone's capacity.
 * Sets @io->sector to where an append goes.
 */
static blk_status_t ramdisk_zone_take_range(struct ramdisk_dev *rd,
					    struct ramdisk_zone *zone,
					    unsigned int zno,
					    struct ramdisk_io *io)
{
	struct ramdisk_zones *zones = rd->zones;
	sector_t sectors = io->bytes >> SECTOR_SHIFT;
	sector_t end = ramdisk_zone_end_of_capacity(rd, zno);
	blk_status_t status = BLK_STS_OK;
	const char *why = NULL;

	spin_lock(&zones->state_lock);
	switch (zone->cond) {
	case BLK_ZONE_COND_FULL:
		why = "the zone is full";
		break;
	case BLK_ZONE_COND_READONLY:
		why = "the zone is read-only";
		break;
	case BLK_ZONE_COND_OFFLINE:
		why = "the zone is offline";
		break;
	default:
		if (io->op == REQ_OP_ZONE_APPEND)
			io->sector = zone->wp;
		if (io->sector != zone->wp)
			why = "not at the write pointer";
		else if (sectors > end - zone->wp)
			why = "past the zone's capacity";
		break;
	}
	/* Only a write that will be done may close another zone. */
	if (!why && (zone->cond == BLK_ZONE_COND_EMPTY ||
		     zone->cond == BLK_ZONE_COND_CLOSED))
		status = ramdisk_zone_may_open(rd, zone);
	if (why || status)
		goto out_unlock;
	if (zone->cond != BLK_ZONE_COND_EXP_OPEN)
		ramdisk_zone_set_cond(zones, zone, BLK_ZONE_COND_IMP_OPEN);
	zone->wp += sectors;
	if (zone->wp == end)
		ramdisk_zone_set_cond(zones, zone, BLK_ZONE_COND_FULL);
out_unlock:
	spin_unlock(&zones->state_lock);
	if (why)
		return ramdisk_zone_refuse(rd, io, why);
	if (status)
		io->bytes = 0;
	return status;
}

/* Does not sleep. Zeroes or frees what a zone holds up to @end. */
static void ramdisk_zone_clear(struct ramdisk_dev *rd, unsigned int zno,
			       sector_t end)
{
	const struct ramdisk_io clear = {
		.op = REQ_OP_DISCARD,
		.sector = ramdisk_zone_start(rd->zones, zno),
		.bytes = (end - ramdisk_zone_start(rd->zones, zno))
			 << SECTOR_SHIFT,
	};

	/* A discard, which each store turns into zeroes or freed pages. */
	ramdisk_store_io(rd, &clear);
}

/*
 * Does not sleep; under the zone's lock. The zone management operations,
 * as ZBC and ZNS (and null_blk) define their transitions. A refused one
 * is logged, as a refused write is.
 */
static blk_status_t ramdisk_zone_manage(struct ramdisk_dev *rd,
					struct ramdisk_zone *zone,
					unsigned int zno, struct ramdisk_io *io)
{
	struct ramdisk_zones *zones = rd->zones;
	sector_t start = ramdisk_zone_start(zones, zno);
	sector_t written = min(zone->wp, ramdisk_zone_end_of_capacity(rd, zno));
	blk_status_t status = BLK_STS_OK;
	enum blk_zone_cond cond;
	const char *why = NULL;

	spin_lock(&zones->state_lock);
	/* Under the lock: an implicit close may change it meanwhile. */
	cond = zone->cond;
	if (cond == BLK_ZONE_COND_READONLY || cond == BLK_ZONE_COND_OFFLINE) {
		why = cond == BLK_ZONE_COND_READONLY ? "the zone is read-only" :
						       "the zone is offline";
		goto out_unlock;
	}
	switch (io->op) {
	case REQ_OP_ZONE_OPEN:
		if (cond == BLK_ZONE_COND_FULL)
			why = "the zone is full";
		else if (cond == BLK_ZONE_COND_EMPTY ||
			 cond == BLK_ZONE_COND_CLOSED)
			status = ramdisk_zone_may_open(rd, zone);
		if (!why && !status)
			ramdisk_zone_set_cond(zones, zone,
					      BLK_ZONE_COND_EXP_OPEN);
		break;
	case REQ_OP_ZONE_CLOSE:
		if (cond == BLK_ZONE_COND_EMPTY)
			why = "the zone is empty";
		else if (cond == BLK_ZONE_COND_FULL)
			why = "the zone is full";
		else
			ramdisk_zone_close(zones, zno);
		break;
	case REQ_OP_ZONE_FINISH:
		if (cond == BLK_ZONE_COND_EMPTY || cond == BLK_ZONE_COND_CLOSED)
			status = ramdisk_zone_may_open(rd, zone);
		if (!status) {
			ramdisk_zone_set_cond(zones, zone, BLK_ZONE_COND_FULL);
			zone->wp = start + ramdisk_zone_len(rd, zno);
		}
		break;
	default: /* REQ_OP_ZONE_RESET */
		ramdisk_zone_set_cond(zones, zone, BLK_ZONE_COND_EMPTY);
		zone->wp = start;
		break;
	}
out_unlock:
	spin_unlock(&zones->state_lock);
	if (why)
		return ramdisk_zone_refuse(rd, io, why);
	if (io->op == REQ_OP_ZONE_RESET && written > start)
		ramdisk_zone_clear(rd, zno, written);
	return status;
}

/* May sleep: takes every zone's lock in turn. */
static blk_status_t ramdisk_zone_reset_all(struct ramdisk_dev *rd)
{
	struct ramdisk_zones *zones = rd->zones;
	struct ramdisk_io reset = { .op = REQ_OP_ZONE_RESET };
	struct ramdisk_zone *zone;
	enum blk_zone_cond cond;
	unsigned int zno;

	for (zno = zones->nr_conv; zno < zones->nr_zones; zno++) {
		zone = &zones->zone[zno];
		reset.sector = ramdisk_zone_start(zones, zno);
		mutex_lock(&zone->lock);
		cond = READ_ONCE(zone->cond);
		/* As a drive does: read-only and offline zones stay so. */
		if (cond != BLK_ZONE_COND_EMPTY &&
		    cond != BLK_ZONE_COND_READONLY &&
		    cond != BLK_ZONE_COND_OFFLINE)
			ramdisk_zone_manage(rd, zone, zno, &reset);
		mutex_unlock(&zone->lock);
	}
	return BLK_STS_OK;
}

/*
 * May sleep, as the store's write may. A write or append to sequential
 * zone @zno; the zone's lock keeps a reset out until the copy is done.
 */
static blk_status_t ramdisk_zone_write(struct ramdisk_dev *rd, unsigned int zno,
				       struct ramdisk_io *io)
{
	struct ramdisk_zone *zone = &rd->zones->zone[zno];
	blk_status_t status;

	mutex_lock(&zone->lock);
	status = ramdisk_zone_take_range(rd, zone, zno, io);
	if (!status)
		status = ramdisk_store_io(rd, io);
	mutex_unlock(&zone->lock);
	return status;
}

/**
 * ramdisk_zoned_io - one I/O of a zoned disk, through the zone model
 * @rd: the disk
 * @io: what to do; a zone append's @io->sector becomes where it went, and
 *      one the zone model refuses ends with @io->bytes 0: nothing was done
 *
 * May sleep: a zone's lock is a mutex, held across the copy (zoned disks'
 * queues are BLK_MQ_F_BLOCKING), and a page store's write may allocate.
 * The bounds check is done.
 *
 * Return: how the I/O ended.
 */
static noinline blk_status_t ramdisk_zoned_io(struct ramdisk_dev *rd,
					      struct ramdisk_io *io)
{
	struct ramdisk_zones *zones = rd->zones;
	sector_t sectors = io->bytes >> SECTOR_SHIFT;
	unsigned int zno = ramdisk_zone_no(zones, io->sector);
	struct ramdisk_zone *zone;
	blk_status_t status;

	if (io->op == REQ_OP_FLUSH)
		return BLK_STS_OK;
	if (io->op == REQ_OP_ZONE_RESET_ALL)
		return ramdisk_zone_reset_all(rd);
	/* The block layer splits I/O at zone boundaries (chunk_sectors). */
	if (zno >= zones->nr_zones ||
	    (sectors &&
	     ramdisk_zone_no(zones, io->sector + sectors - 1) != zno))
		return ramdisk_zone_refuse(rd, io, "not within one zone");
	zone = &zones->zone[zno];
	switch (io->op) {
	case REQ_OP_READ:
		if (READ_ONCE(zone->cond) == BLK_ZONE_COND_OFFLINE)
			return ramdisk_zone_refuse(rd, io,
						   "the zone is offline");
		return ramdisk_store_io(rd, io);
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		if (!ramdisk_zone_is_conv(zones, zno))
			return ramdisk_zone_write(rd, zno, io);
		if (io->op == REQ_OP_ZONE_APPEND)
			return ramdisk_zone_refuse(rd, io,
						   "a conventional zone");
		return ramdisk_store_io(rd, io);
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_OPEN:
	case REQ_OP_ZONE_CLOSE:
	case REQ_OP_ZONE_FINISH:
		if (ramdisk_zone_is_conv(zones, zno))
			return ramdisk_zone_refuse(rd, io,
						   "a conventional zone");
		mutex_lock(&zone->lock);
		status = ramdisk_zone_manage(rd, zone, zno, io);
		mutex_unlock(&zone->lock);
		return status;
	default:
		/* Zoned disks take no discard or write-zeroes (see ramdisk_add_disk()). */
		return ramdisk_unsupported(io);
	}
}

/* Does not sleep. One zone as ->report_zones gives it. */
static void ramdisk_zone_report(struct ramdisk_dev *rd, unsigned int zno,
				struct blk_zone *blkz)
{
	struct ramdisk_zones *zones = rd->zones;
	struct ramdisk_zone *zone = &zones->zone[zno];

	*blkz = (struct blk_zone){
		.start = ramdisk_zone_start(zones, zno),
		.len = ramdisk_zone_len(rd, zno),
	};
	blkz->capacity = ramdisk_zone_end_of_capacity(rd, zno) - blkz->start;
	if (ramdisk_zone_is_conv(zones, zno)) {
		blkz->type = BLK_ZONE_TYPE_CONVENTIONAL;
		blkz->cond = BLK_ZONE_COND_NOT_WP;
		blkz->wp = blkz->start + blkz->len;
		return;
	}
	blkz->type = BLK_ZONE_TYPE_SEQWRITE_REQ;
	spin_lock(&zones->state_lock);
	blkz->cond = zone->cond;
	blkz->wp = zone->wp;
	spin_unlock(&zones->state_lock);
}

/*
 * May sleep. ->report_zones: blkzone report, filesystems, and the block
 * layer's own revalidation. A copy per zone: the callback may change it
 * (device mapper remaps), and must not run under the state lock.
 */
static int ramdisk_report_zones(struct gendisk *disk, sector_t sector,
				unsigned int nr_zones, report_zones_cb cb,
				void *data)
{
	struct ramdisk_dev *rd = disk->private_data;
	unsigned int first, i;
	struct blk_zone blkz;
	int err;

	if (!rd->zones)
		return -EOPNOTSUPP;
	first = ramdisk_zone_no(rd->zones, sector);
	if (first >= rd->zones->nr_zones)
		return 0;
	nr_zones = min(nr_zones, rd->zones->nr_zones - first);
	for (i = 0; i < nr_zones; i++) {
		ramdisk_zone_report(rd, first + i, &blkz);
		err = cb(&blkz, i, data);
		if (err)
			return err;
	}
	return nr_zones;
}

/*
 * Does not sleep. The limits a zoned disk is made with, kept in its zone
 * model: the settings that may change while the disk is off.
 */
static void ramdisk_zones_set_limits(struct ramdisk_zones *zones,
				     const struct ramdisk_config *config)
{
	zones->max_open = config->zone_max_open;
	zones->max_active = config->zone_max_active;
	zones->append_max_sectors = config->zone_append_max_sectors;
}

/*
 * Does not sleep. What the power going leaves of the open zones: closed,
 * or empty if nothing was written.
 */
static void ramdisk_zones_close_open(struct ramdisk_zones *zones)
{
	enum blk_zone_cond cond;
	unsigned int zno;

	spin_lock(&zones->state_lock);
	for (zno = zones->nr_conv; zno < zones->nr_zones; zno++) {
		cond = zones->zone[zno].cond;
		if (cond == BLK_ZONE_COND_IMP_OPEN ||
		    cond == BLK_ZONE_COND_EXP_OPEN)
			ramdisk_zone_close(zones, zno);
	}
	spin_unlock(&zones->state_lock);
}

/*
 * Does not sleep; the disk does not exist yet. A kept zone model at power
 * on: as a drive coming back on, open zones are closed, every write
 * pointer and written byte stays, and the limits are the new settings'
 * (the zones themselves did not change: ramdisk_same_store()).
 */
static void ramdisk_zones_power_on(struct ramdisk_zones *zones,
				   const struct ramdisk_config *config)
{
	ramdisk_zones_close_open(zones);
	spin_lock(&zones->state_lock);
	ramdisk_zones_set_limits(zones, config);
	spin_unlock(&zones->state_lock);
}

/*
 * May sleep: takes the zone's lock. A power loss lost what sequential
 * zone @zno held from @sector on (the store holds zeroes there again):
 * its write pointer goes back, and the zone is closed, or empty. A
 * read-only or offline zone has no write pointer to move. Moving back
 * may leave more zones active than max_active, as on a drive whose
 * full zones lost their last writes; finishing or resetting one frees
 * the resource again.
 */
static void ramdisk_zone_roll_back(struct ramdisk_dev *rd, unsigned int zno,
				   sector_t sector)
{
	struct ramdisk_zones *zones = rd->zones;
	struct ramdisk_zone *zone = &zones->zone[zno];

	mutex_lock(&zone->lock);
	spin_lock(&zones->state_lock);
	if (zone->cond != BLK_ZONE_COND_READONLY &&
	    zone->cond != BLK_ZONE_COND_OFFLINE && sector < zone->wp) {
		zone->wp = sector;
		ramdisk_zone_close(zones, zno);
	}
	spin_unlock(&zones->state_lock);
	mutex_unlock(&zone->lock);
}

/*
 * May sleep. zone_readonly and zone_offline: put the zone holding @sector
 * in @cond, as null_blk does, or, if it is in @cond already, back to
 * empty. Leaving an open or closed condition gives back the resources it
 * counted in (ramdisk_zone_set_cond()).
 */
static int ramdisk_zone_set_fault(struct ramdisk_dev *rd, u64 sector,
				  enum blk_zone_cond cond)
{
	struct ramdisk_zones *zones = rd->zones;
	sector_t start, written;
	struct ramdisk_zone *zone;
	unsigned int zno;

	if (sector >= rd->capacity) {
		pr_err("%s: sector %llu is beyond capacity %llu\n",
		       rd->disk->disk_name, sector,
		       (unsigned long long)rd->capacity);
		return -EINVAL;
	}
	zno = ramdisk_zone_no(zones, sector);
	if (ramdisk_zone_is_conv(zones, zno)) {
		pr_err("%s: sector %llu is in conventional zone %u, which has no condition to set\n",
		       rd->disk->disk_name, sector, zno);
		return -EINVAL;
	}
	zone = &zones->zone[zno];
	start = ramdisk_zone_start(zones, zno);
	mutex_lock(&zone->lock);
	written = min(zone->wp, ramdisk_zone_end_of_capacity(rd, zno));
	spin_lock(&zones->state_lock);
	if (zone->cond == cond) {
		ramdisk_zone_set_cond(zones, zone, BLK_ZONE_COND_EMPTY);
		zone->wp = start;
	} else {
		ramdisk_zone_set_cond(zones, zone, cond);
		/* What ZBC reports for a write pointer without meaning. */
		zone->wp = ULLONG_MAX;
	}
	spin_unlock(&zones->state_lock);
	/* A zone coming back is empty: what it held is gone. */
	if (READ_ONCE(zone->cond) == BLK_ZONE_COND_EMPTY)
		ramdisk_zone_clear(rd, zno, written);
	mutex_unlock(&zone->lock);
	return 0;
}

/* What lies below the cache: the zone model, if any, and the store. */
static blk_status_t ramdisk_media_io(struct ramdisk_dev *rd,
				     struct ramdisk_io *io)
{
	if (rd->zones)
		return ramdisk_zoned_io(rd, io);
	return ramdisk_store_io(rd, io);
}

/*
 * The volatile write cache (cache_size): what a drive with a write-back
 * cache promises, and what it loses when the power goes. A write ends
 * volatile; a flush makes every write that ended before it durable; a
 * FUA write is durable when it ends. Discard and write-zeroes are
 * durable when they end too: they need no room in the cache, and a page
 * store gives the pages back at once.
 *
 * The store holds what a read returns, so reads pass by. Each volatile
 * write keeps a copy of what it overwrote (struct ramdisk_cached_write);
 * the writes are listed in the order they reached the store, under one
 * lock. A flush forgets every copy. A full cache writes back its oldest
 * write first: it forgets that write's copy, which keeps the copies of
 * the newer ones right, since each was taken over the older writes. A
 * power loss writes the copies of the lost writes back into the store,
 * newest first, except over sectors a newer write that survives owns.
 *
 * A zoned disk's cache sits above its zone model. A sequential zone is
 * written at its write pointer only, over zeroes, so its writes need no
 * copy; and since a write pointer cannot pass data its zone lost, each
 * zone keeps a prefix of its writes: a power loss keeps none of a zone's
 * writes after one it loses, moves the write pointer back to the first
 * it lost, and a durable write, reset or finish in a zone makes the
 * zone's older writes durable. Power loss also closes the open zones.
 */

static inline sector_t ramdisk_cw_start(const struct ramdisk_cached_write *cw)
{
	return cw->sector;
}

static inline sector_t ramdisk_cw_last(const struct ramdisk_cached_write *cw)
{
	return cw->sector + cw->sectors - 1;
}

INTERVAL_TREE_DEFINE(struct ramdisk_cached_write, claim, sector_t, subtree_last,
		     ramdisk_cw_start, ramdisk_cw_last, static inline,
		     ramdisk_claims)

/* May sleep; frees @cw and its copy. */
static void ramdisk_cw_free(struct ramdisk_dev *rd,
			    struct ramdisk_cached_write *cw)
{
	unsigned int i;

	for (i = 0; i < cw->nr_pages; i++)
		__free_page(cw->undo[i].bv_page);
	atomic_long_sub(cw->nr_pages << PAGE_SHIFT, &rd->held_bytes);
	kfree(cw);
}

/*
 * May sleep as @io->gfp allows. The cache's record of @io, with room for
 * a copy of @copy_bytes (0 for a durable write).
 *
 * Return: the write, not listed yet, or NULL without memory.
 */
static struct ramdisk_cached_write *
ramdisk_cw_alloc(struct ramdisk_dev *rd, const struct ramdisk_io *io,
		 unsigned int copy_bytes, bool durable)
{
	gfp_t gfp = io->gfp | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	unsigned int nr_pages = DIV_ROUND_UP(copy_bytes, PAGE_SIZE);
	struct ramdisk_cached_write *cw;
	unsigned int len;

	cw = kzalloc(struct_size(cw, undo, nr_pages), gfp);
	if (!cw)
		return NULL;
	cw->sector = io->sector;
	cw->sectors = io->bytes >> SECTOR_SHIFT;
	cw->durable = durable;
	for (; cw->nr_pages < nr_pages; cw->nr_pages++, copy_bytes -= len) {
		len = min_t(unsigned int, copy_bytes, PAGE_SIZE);
		cw->undo[cw->nr_pages].bv_page =
			alloc_page(gfp | __GFP_HIGHMEM);
		if (!cw->undo[cw->nr_pages].bv_page) {
			ramdisk_cw_free(rd, cw);
			return NULL;
		}
		cw->undo[cw->nr_pages].bv_len = len;
		atomic_long_add(PAGE_SIZE, &rd->held_bytes);
	}
	return cw;
}

/*
 * May sleep as the store may. Reads (@op REQ_OP_READ) the sectors
 * @from..@to (exclusive) of @cw's range from the store into its copy, or
 * writes them from the copy into the store: the store's own functions,
 * on a bio made over the copy.
 */
static blk_status_t ramdisk_cw_store_io(struct ramdisk_dev *rd,
					struct ramdisk_cached_write *cw,
					enum req_op op, sector_t from,
					sector_t to, gfp_t gfp)
{
	struct ramdisk_io io = {
		.op = op,
		.sector = from,
		.bytes = (to - from) << SECTOR_SHIFT,
		.gfp = gfp,
	};
	blk_status_t status;
	struct bio bio;

	bio_init(&bio, NULL, cw->undo, cw->nr_pages, op);
	bio.bi_vcnt = cw->nr_pages;
	bio.bi_iter.bi_size = cw->sectors << SECTOR_SHIFT;
	bvec_iter_advance(cw->undo, &bio.bi_iter,
			  (from - cw->sector) << SECTOR_SHIFT);
	bio.bi_iter.bi_size = io.bytes;
	io.bio = &bio;
	status = ramdisk_store_io(rd, &io);
	bio_uninit(&bio);
	return status;
}

/* Does not sleep. Whether the copy of @from..@to in @cw is all zeroes. */
static bool ramdisk_cw_zeroes(const struct ramdisk_cached_write *cw,
			      sector_t from, sector_t to)
{
	u64 pos = (u64)(from - cw->sector) << SECTOR_SHIFT;
	u64 end = (u64)(to - cw->sector) << SECTOR_SHIFT;
	unsigned int off, len;
	bool zeroes = true;
	void *addr;

	/* No copy: it wrote past a write pointer, where zeroes were. */
	if (!cw->nr_pages)
		return true;
	for (; pos < end && zeroes; pos += len) {
		off = pos & ~PAGE_MASK;
		len = min_t(u64, end - pos, PAGE_SIZE - off);
		addr = kmap_local_page(cw->undo[pos >> PAGE_SHIFT].bv_page);
		zeroes = !memchr_inv(addr + off, 0, len);
		kunmap_local(addr);
	}
	return zeroes;
}

/*
 * May sleep. Undoes @cw on @from..@to: what the sectors held before it
 * goes back into the store. Zeroes are written as a write-zeroes, so that
 * a page store gives back the pages the lost write took. The store may
 * only fail for want of a page, and has then said so in the log.
 */
static void ramdisk_cw_undo(struct ramdisk_dev *rd,
			    struct ramdisk_cached_write *cw, sector_t from,
			    sector_t to)
{
	struct ramdisk_io zero = {
		.op = REQ_OP_WRITE_ZEROES,
		.sector = from,
		.bytes = (to - from) << SECTOR_SHIFT,
	};

	if (ramdisk_cw_zeroes(cw, from, to))
		ramdisk_store_io(rd, &zero);
	else
		ramdisk_cw_store_io(rd, cw, REQ_OP_WRITE, from, to, GFP_NOIO);
}

/* Does not sleep. @cw is written back: no power loss can undo it now. */
static void ramdisk_cw_settle(struct ramdisk_dev *rd,
			      struct ramdisk_cached_write *cw)
{
	if (cw->durable)
		return;
	cw->durable = true;
	atomic_long_sub(cw->sectors << SECTOR_SHIFT, &rd->volatile_bytes);
	atomic_long_inc(&rd->written_back);
}

/* May sleep. Makes the oldest write durable: its copy is forgotten. */
static void ramdisk_cache_write_back_oldest(struct ramdisk_dev *rd)
{
	struct ramdisk_cache *cache = rd->cache;
	struct ramdisk_cached_write *cw;

	lockdep_assert_held(&cache->lock);
	cw = list_first_entry(&cache->writes, struct ramdisk_cached_write,
			      list);
	list_del(&cw->list);
	cache->nr_writes--;
	ramdisk_cw_settle(rd, cw);
	ramdisk_cw_free(rd, cw);
}

/*
 * Does not sleep. Before @io, a durable write, reset or finish in
 * sequential zones, the volatile writes of those zones are written back:
 * a write pointer cannot pass data its zone lost, and a reset or finish
 * cannot be undone. Their writes keep no copy to forget.
 *
 * Return: whether @io is in sequential zones, where no older write is
 * volatile now.
 */
static bool ramdisk_cache_settle_zones(struct ramdisk_dev *rd,
				       const struct ramdisk_io *io)
{
	struct ramdisk_zones *zones = rd->zones;
	struct ramdisk_cached_write *cw;
	sector_t from, to;
	unsigned int zno;

	lockdep_assert_held(&rd->cache->lock);
	if (zones && io->op == REQ_OP_ZONE_RESET_ALL) {
		from = ramdisk_zone_start(zones, zones->nr_conv);
		to = rd->capacity;
	} else if (ramdisk_zone_seq(rd, io->sector, &zno)) {
		from = ramdisk_zone_start(zones, zno);
		to = from + ramdisk_zone_len(rd, zno);
	} else {
		return false;
	}
	list_for_each_entry(cw, &rd->cache->writes, list)
		if (cw->sector >= from && cw->sector < to)
			ramdisk_cw_settle(rd, cw);
	return true;
}

/*
 * May sleep. Writes back the oldest writes until @bytes more of volatile
 * data fit, and one more write may be listed.
 */
static void ramdisk_cache_make_room(struct ramdisk_dev *rd, unsigned int bytes)
{
	struct ramdisk_cache *cache = rd->cache;

	while (atomic_long_read(&rd->volatile_bytes) + bytes >
		       cache->capacity ||
	       cache->nr_writes >= cache->max_writes)
		ramdisk_cache_write_back_oldest(rd);
}

/* Does not sleep. Lists @cw, the newest write, after making room for it. */
static void ramdisk_cache_list(struct ramdisk_dev *rd,
			       struct ramdisk_cached_write *cw)
{
	lockdep_assert_held(&rd->cache->lock);
	list_add_tail(&cw->list, &rd->cache->writes);
	rd->cache->nr_writes++;
	if (!cw->durable)
		atomic_long_add(cw->sectors << SECTOR_SHIFT,
				&rd->volatile_bytes);
}

/* May sleep. Every write so far is durable. */
static void ramdisk_cache_write_back(struct ramdisk_dev *rd)
{
	lockdep_assert_held(&rd->cache->lock);
	while (!list_empty(&rd->cache->writes))
		ramdisk_cache_write_back_oldest(rd);
}

/* May sleep. Every write so far is durable, and no copy is left. */
static void ramdisk_cache_forget(struct ramdisk_dev *rd)
{
	struct ramdisk_cache *cache = rd->cache;
	struct ramdisk_cached_write *cw, *next;

	lockdep_assert_held(&cache->lock);
	list_for_each_entry_safe(cw, next, &cache->writes, list)
		ramdisk_cw_free(rd, cw);
	INIT_LIST_HEAD(&cache->writes);
	cache->nr_writes = 0;
	atomic_long_set(&rd->volatile_bytes, 0);
}

/*
 * May sleep as the store may. A write that is durable when it ends: FUA,
 * discard, write-zeroes, or one the cache cannot take. It is listed only
 * if older writes could be lost beneath it. A REQ_NOWAIT bio that would
 * wait for memory to list it fails with BLK_STS_AGAIN.
 */
static blk_status_t ramdisk_cache_write_through(struct ramdisk_dev *rd,
						struct ramdisk_io *io)
{
	struct ramdisk_cache *cache = rd->cache;
	struct ramdisk_cached_write *cw;

	/* In a sequential zone no older write is volatile now: none to list. */
	if (!ramdisk_cache_settle_zones(rd, io) &&
	    !list_empty(&cache->writes)) {
		ramdisk_cache_make_room(rd, 0);
		cw = ramdisk_cw_alloc(rd, io, 0, true);
		if (!cw && !gfpflags_allow_blocking(io->gfp))
			return BLK_STS_AGAIN;
		if (cw)
			ramdisk_cache_list(rd, cw);
		else
			ramdisk_cache_write_back(rd);
	}
	return ramdisk_media_io(rd, io);
}

/*
 * May sleep as the store may. A volatile write: room is made, oldest
 * first; its copy is taken, then it is stored. A write the cache cannot
 * hold, or cannot get memory to copy for, is written through, after what
 * the cache holds, as a drive may do with any write; but a REQ_NOWAIT bio
 * fails with BLK_STS_AGAIN, to be retried where it may wait for memory.
 */
static blk_status_t ramdisk_cache_write(struct ramdisk_dev *rd,
					struct ramdisk_io *io)
{
	struct ramdisk_cache *cache = rd->cache;
	struct ramdisk_cached_write *cw;
	blk_status_t status = BLK_STS_OK;
	unsigned int zno;
	bool seq;

	if (io->bytes > cache->capacity)
		goto out_write_through;
	seq = ramdisk_zone_seq(rd, io->sector, &zno);
	ramdisk_cache_make_room(rd, io->bytes);
	cw = ramdisk_cw_alloc(rd, io, seq ? 0 : io->bytes, false);
	/* A REQ_NOWAIT bio is retried where it may sleep, and copied then. */
	if (!cw && !gfpflags_allow_blocking(io->gfp))
		return BLK_STS_AGAIN;
	if (!cw)
		goto out_write_through;
	if (!seq)
		status = ramdisk_cw_store_io(rd, cw, REQ_OP_READ, cw->sector,
					     cw->sector + cw->sectors, io->gfp);
	if (status == BLK_STS_OK)
		status = ramdisk_media_io(rd, io);
	/* Where an append went; a write the zones refused did nothing. */
	cw->sector = io->sector;
	if (!io->bytes) {
		ramdisk_cw_free(rd, cw);
		return status;
	}
	/* Listed even if the store failed: it may have written a part. */
	ramdisk_cache_list(rd, cw);
	return status;

out_write_through:
	ramdisk_cache_write_back(rd);
	return ramdisk_media_io(rd, io);
}

/*
 * Does not sleep. A write, or a zone's command, into the lost power:
 * ended, and nothing stored, as dm-flakey's drop_writes. But one to a
 * sequential zone fails: an append would have to say where it went, and
 * there is no write pointer to move; a filesystem that sees the failure
 * stops writing, and can be unmounted.
 */
static blk_status_t ramdisk_cache_drop(struct ramdisk_dev *rd,
				       struct ramdisk_io *io)
{
	unsigned int zno;

	atomic_long_inc(&rd->lost_writes);
	if (io->op == REQ_OP_ZONE_RESET_ALL ||
	    ramdisk_zone_seq(rd, io->sector, &zno))
		return ramdisk_zone_refuse(rd, io, "the power is lost");
	return BLK_STS_OK;
}

/**
 * ramdisk_cached_io - an I/O of a disk with a volatile write cache
 * @rd: the disk
 * @io: the I/O, in range
 *
 * May sleep as the store may, and waits for the cache's lock; a
 * REQ_NOWAIT bio that would wait for the lock fails with BLK_STS_AGAIN.
 *
 * Return: how the I/O ended.
 */
static noinline blk_status_t ramdisk_cached_io(struct ramdisk_dev *rd,
					       struct ramdisk_io *io)
{
	struct ramdisk_cache *cache = rd->cache;
	blk_status_t status = BLK_STS_OK;

	if (io->op == REQ_OP_READ)
		return ramdisk_media_io(rd, io);
	if (gfpflags_allow_blocking(io->gfp))
		mutex_lock(&cache->lock);
	else if (!mutex_trylock(&cache->lock))
		return BLK_STS_AGAIN;
	if (io->flags & REQ_PREFLUSH || io->op == REQ_OP_FLUSH) {
		atomic_long_inc(&rd->flushes);
		ramdisk_cache_forget(rd);
	}
	/* A flush, or a bio's empty write that only carried REQ_PREFLUSH. */
	if (io->op == REQ_OP_FLUSH || (io->op == REQ_OP_WRITE && !io->bytes))
		goto out_unlock;
	if (cache->lost) {
		status = ramdisk_cache_drop(rd, io);
		goto out_unlock;
	}
	switch (io->op) {
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		if (!(io->flags & REQ_FUA)) {
			status = ramdisk_cache_write(rd, io);
			break;
		}
		atomic_long_inc(&rd->fua_writes);
		fallthrough;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		status = ramdisk_cache_write_through(rd, io);
		break;
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_RESET_ALL:
	case REQ_OP_ZONE_FINISH:
		ramdisk_cache_settle_zones(rd, io);
		fallthrough;
	default:
		status = ramdisk_media_io(rd, io);
	}
out_unlock:
	mutex_unlock(&cache->lock);
	return status;
}

/*
 * May sleep. Decides, oldest write first, which volatile writes survive
 * the power loss, so that a seed names one outcome of one sequence of
 * writes.
 */
static void ramdisk_cache_choose(struct ramdisk_dev *rd)
{
	struct ramdisk_cache *cache = rd->cache;
	const struct ramdisk_power_loss *loss = &cache->loss;
	struct ramdisk_cached_write *cw;
	struct rnd_state rnd;
	long kept = 0, dropped = 0;
	unsigned int zno;

	prandom_seed_state(&rnd, loss->seed);
	if (rd->zones)
		bitmap_zero(cache->zone_lost, rd->zones->nr_zones);
	list_for_each_entry(cw, &cache->writes, list) {
		if (cw->durable) {
			cw->keep = true;
			continue;
		}
		cw->keep = loss->seeded &&
			   prandom_u32_state(&rnd) % 100 < loss->keep;
		/* A zone keeps a prefix of its writes. */
		if (ramdisk_zone_seq(rd, cw->sector, &zno)) {
			if (test_bit(zno, cache->zone_lost))
				cw->keep = false;
			else if (!cw->keep)
				__set_bit(zno, cache->zone_lost);
		}
		if (cw->keep)
			kept++;
		else
			dropped++;
	}
	atomic_long_set(&rd->kept_writes, kept);
	atomic_long_set(&rd->dropped_writes, dropped);
}

/*
 * May sleep. Undoes @cw where no newer write that survives owns the
 * sectors: the claims in @claims, which come in order of their start.
 */
static void ramdisk_cache_undo_unclaimed(struct ramdisk_dev *rd,
					 struct rb_root_cached *claims,
					 struct ramdisk_cached_write *cw)
{
	sector_t pos = cw->sector, last = ramdisk_cw_last(cw);
	struct ramdisk_cached_write *claim;

	for (claim = ramdisk_claims_iter_first(claims, pos, last); claim;
	     claim = ramdisk_claims_iter_next(claim, pos, last)) {
		if (claim->sector > pos)
			ramdisk_cw_undo(rd, cw, pos, claim->sector);
		pos = max(pos, ramdisk_cw_last(claim) + 1);
		if (pos > last)
			return;
	}
	ramdisk_cw_undo(rd, cw, pos, last + 1);
}

/**
 * ramdisk_cache_lose_power - a power cut: the lost writes are undone
 * @rd: the disk, with a cache
 * @loss: which volatile writes survive
 *
 * May sleep. From here until ramdisk_cache_restore_power(), writes end
 * without being stored, and reads see the durable data.
 *
 * Return: 0, or -EALREADY if power is lost already.
 */
static int ramdisk_cache_lose_power(struct ramdisk_dev *rd,
				    const struct ramdisk_power_loss *loss)
{
	struct ramdisk_cache *cache = rd->cache;
	struct rb_root_cached claims = RB_ROOT_CACHED;
	struct ramdisk_cached_write *cw;
	unsigned int zno;

	mutex_lock(&cache->lock);
	if (cache->lost) {
		mutex_unlock(&cache->lock);
		return -EALREADY;
	}
	cache->loss = *loss;
	ramdisk_cache_choose(rd);
	/* Newest first: a write's copy is what the older writes left. */
	list_for_each_entry_reverse(cw, &cache->writes, list) {
		if (cw->keep) {
			ramdisk_claims_insert(cw, &claims);
		} else {
			ramdisk_cache_undo_unclaimed(rd, &claims, cw);
			if (ramdisk_zone_seq(rd, cw->sector, &zno))
				ramdisk_zone_roll_back(rd, zno, cw->sector);
		}
		cond_resched();
	}
	if (rd->zones)
		ramdisk_zones_close_open(rd->zones);
	/* What survived is on the media now: nothing is volatile. */
	ramdisk_cache_forget(rd);
	atomic_long_set(&rd->lost_writes, 0);
	cache->lost = true;
	mutex_unlock(&cache->lock);
	return 0;
}

/* May sleep. Power is back: writes are stored again. */
static void ramdisk_cache_restore_power(struct ramdisk_dev *rd)
{
	mutex_lock(&rd->cache->lock);
	rd->cache->lost = false;
	mutex_unlock(&rd->cache->lock);
}

/*
 * May sleep; runs when a disk is made. Undone by ramdisk_free_cache().
 *
 * Return: 0, or -ENOMEM.
 */
static int ramdisk_alloc_cache(struct ramdisk_dev *rd,
			       const struct ramdisk_config *config)
{
	struct ramdisk_cache *cache;

	if (!config->cache_size)
		return 0;
	cache = kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return -ENOMEM;
	if (rd->zones) {
		cache->zone_lost =
			bitmap_zalloc(rd->zones->nr_zones, GFP_KERNEL);
		if (!cache->zone_lost)
			goto out_free_cache;
	}
	mutex_init(&cache->lock);
	INIT_LIST_HEAD(&cache->writes);
	cache->capacity = (u64)config->cache_size << 20;
	cache->max_writes = cache->capacity >> SECTOR_SHIFT;
	rd->cache = cache;
	return 0;

out_free_cache:
	kfree(cache);
	return -ENOMEM;
}

/*
 * May sleep. Mirrors ramdisk_alloc_cache(), when no I/O can reach the
 * disk any more. What the cache holds is durable: a clean power-off, as
 * a drive writes its cache back when it is told it will lose power.
 */
static void ramdisk_free_cache(struct ramdisk_dev *rd)
{
	if (!rd->cache)
		return;
	mutex_lock(&rd->cache->lock);
	ramdisk_cache_forget(rd);
	mutex_unlock(&rd->cache->lock);
	mutex_destroy(&rd->cache->lock);
	bitmap_free(rd->cache->zone_lost);
	kfree(rd->cache);
	rd->cache = NULL;
}

/*
 * Failing on purpose: the bad sectors and the injection rule of a
 * configfs disk (struct ramdisk_faults, kept by its item). The request
 * path comes here only while one of them is set: the rule first, then the
 * bad sectors, then the zone model and the store as usual.
 */

/* Does not sleep. Whether @faults can fail anything now. */
static bool ramdisk_faults_armed(const struct ramdisk_faults *faults)
{
	return READ_ONCE(faults->rule_on) || READ_ONCE(faults->bb.count);
}

static bool ramdisk_rule_counts(const struct ramdisk_rule *rule, enum req_op op)
{
	switch (rule->op) {
	case RAMDISK_RULE_READ:
		return op == REQ_OP_READ;
	case RAMDISK_RULE_WRITE:
		return op == REQ_OP_WRITE || op == REQ_OP_ZONE_APPEND;
	default:
		return true;
	}
}

/*
 * Does not sleep. Counts an I/O of @op against the rule, which is one
 * sequence for the whole disk, so that a test that submits one I/O at a
 * time sees the same hits on every run.
 *
 * Return: which hit of the rule the I/O is, from 1; then *@rule is the
 * rule. 0: the rule does not hit it.
 */
static unsigned int ramdisk_rule_hits(struct ramdisk_faults *faults,
				      enum req_op op, struct ramdisk_rule *rule)
{
	unsigned int hit = 0;

	spin_lock(&faults->lock);
	if (!faults->rule_on || !ramdisk_rule_counts(&faults->rule, op))
		goto out_unlock;
	if (faults->rule.every) {
		hit = !--faults->until_hit;
		if (hit)
			faults->until_hit = faults->rule.every;
	} else {
		hit = prandom_u32_state(&faults->rnd) % 100 <
		      faults->rule.probability;
	}
	if (!hit)
		goto out_unlock;
	hit = ++faults->hits;
	if (hit == faults->rule.times)
		WRITE_ONCE(faults->rule_on, false);
	*rule = faults->rule;
out_unlock:
	spin_unlock(&faults->lock);
	return hit;
}

/* Kept out of line, as every report of a failure is. */
static noinline void ramdisk_fault_log(struct ramdisk_dev *rd,
				       const struct ramdisk_io *io,
				       const char *what, u64 sector)
{
	pr_err_ratelimited("%s: %s at sector %llu + %u: %s %llu\n",
			   rd->disk->disk_name, blk_op_str(io->op),
			   (unsigned long long)io->sector,
			   io->bytes >> SECTOR_SHIFT, what, sector);
}

/* The operations that read or write sectors, which a bad sector fails. */
static bool ramdisk_op_touches_media(enum req_op op)
{
	return op == REQ_OP_READ || op == REQ_OP_WRITE ||
	       op == REQ_OP_ZONE_APPEND || op == REQ_OP_WRITE_ZEROES;
}

/* As ramdisk_handle_io() after its bounds check and the faults. */
static blk_status_t ramdisk_do_io(struct ramdisk_dev *rd, struct ramdisk_io *io)
{
	if (rd->cache)
		return ramdisk_cached_io(rd, io);
	return ramdisk_media_io(rd, io);
}

/*
 * May sleep as ramdisk_do_io() may. Does the first @io->bytes of @io
 * only. The stores walk the whole bio chain, so for the walk the bio
 * holding the end is cut there, and mended after: the I/O is the
 * driver's until it ends it, and nothing else looks at its bios.
 */
static blk_status_t ramdisk_do_prefix(struct ramdisk_dev *rd,
				      struct ramdisk_io *io)
{
	unsigned int left = io->bytes, size;
	struct bio *bio = io->bio, *next;
	blk_status_t status;

	if (!bio_has_data(bio))
		return ramdisk_do_io(rd, io);
	while (left > bio->bi_iter.bi_size) {
		left -= bio->bi_iter.bi_size;
		bio = bio->bi_next;
	}
	size = bio->bi_iter.bi_size;
	next = bio->bi_next;
	bio->bi_iter.bi_size = left;
	bio->bi_next = NULL;
	status = ramdisk_do_io(rd, io);
	bio->bi_iter.bi_size = size;
	bio->bi_next = next;
	return status;
}

/**
 * ramdisk_faulty_io - an I/O of a disk with a rule or bad sectors set
 * @rd: the disk
 * @io: the I/O, in range; on failure @io->bytes is what was transferred
 *      (0, or the sectors before the first bad one with
 *      badblocks_partial_io), and @io->stall is set if the rule stalls it
 *
 * May sleep as ramdisk_handle_io() may.
 *
 * Return: how the I/O ended.
 */
static noinline blk_status_t ramdisk_faulty_io(struct ramdisk_dev *rd,
					       struct ramdisk_io *io)
{
	struct ramdisk_faults *faults = rd->faults;
	unsigned int lbs_sectors;
	struct ramdisk_rule rule;
	unsigned int hit = 0;
	sector_t first_bad;
	blk_status_t status;
	int bad_sectors;

	if (READ_ONCE(faults->rule_on))
		hit = ramdisk_rule_hits(faults, io->op, &rule);
	if (hit) {
		atomic_long_inc(&rd->injected);
		io->stall = rule.stall;
		ramdisk_fault_log(rd, io,
				  io->stall ?
					  "stalled by the injection rule, hit" :
					  "failed by the injection rule, hit",
				  hit);
		io->bytes = 0;
		return rule.stall ? BLK_STS_TIMEOUT : rule.status;
	}
	if (!ramdisk_op_touches_media(io->op) ||
	    !badblocks_check(&faults->bb, io->sector, io->bytes >> SECTOR_SHIFT,
			     &first_bad, &bad_sectors))
		return ramdisk_do_io(rd, io);

	atomic_long_inc(&rd->bad_block_errors);
	ramdisk_fault_log(rd, io, "bad sector", max(first_bad, io->sector));
	/* As a drive that remaps a sector once it failed. */
	if (READ_ONCE(faults->badblocks_once))
		badblocks_clear(&faults->bb, first_bad, bad_sectors);
	lbs_sectors = queue_logical_block_size(rd->disk->queue) >> SECTOR_SHIFT;
	/* What a real disk does: the blocks before the bad one are done. */
	if (READ_ONCE(faults->badblocks_partial_io) && first_bad > io->sector)
		io->bytes = round_down(first_bad - io->sector, lbs_sectors)
			    << SECTOR_SHIFT;
	else
		io->bytes = 0;
	if (io->bytes) {
		status = ramdisk_do_prefix(rd, io);
		if (status != BLK_STS_OK)
			return status;
	}
	return BLK_STS_IOERR;
}

/**
 * ramdisk_handle_io - do one I/O, whichever entry point it came through
 * @rd: the disk
 * @io: what to do, where, and the data; a zone append's @io->sector is
 *      set to where it was written
 *
 * The one core below ramdisk_queue_rq() and ramdisk_submit_bio(): the
 * bounds check, the faults a configfs disk is set to have, the write
 * cache of a disk with one, the zone model of a zoned disk, then the
 * store. Linear backing: does not sleep, unless the disk is zoned or has
 * a cache. Page backing: a write may sleep allocating a page, as
 * @io->gfp allows.
 *
 * Inlined into each entry point: as a call of its own, with the I/O
 * passed through memory, it cost the request path 0.3% of its 4 KiB reads
 * (make check's floor, instruction-counted).
 *
 * Return: how the I/O ended.
 */
static __always_inline blk_status_t ramdisk_handle_io(struct ramdisk_dev *rd,
						      struct ramdisk_io *io)
{
	sector_t sectors = io->bytes >> SECTOR_SHIFT;

	/*
	 * The block core checks bios against the disk's size, but passthrough
	 * requests skip that check, kernels before 6.7 accepted partitions
	 * reaching past the disk, a caller of ->submit_bio may skip the core,
	 * and the store must never be overrun. A flush has no place: blk-mq
	 * gives it sector -1.
	 */
	if (unlikely(sectors > rd->capacity ||
		     io->sector > rd->capacity - sectors) &&
	    io->op != REQ_OP_FLUSH)
		return ramdisk_out_of_range(rd, io);
	if (unlikely(rd->faults) && unlikely(ramdisk_faults_armed(rd->faults)))
		return ramdisk_faulty_io(rd, io);
	if (unlikely(rd->cache))
		return ramdisk_cached_io(rd, io);
	if (unlikely(rd->zones))
		return ramdisk_zoned_io(rd, io);
	return ramdisk_store_io_inline(rd, io);
}

/* The list of requests parked on polled hardware queue @hctx. */
static struct llist_head *ramdisk_parked(struct ramdisk_dev *rd,
					 struct blk_mq_hw_ctx *hctx)
{
	return &rd->parked[hctx->queue_num -
			   rd->tag_set.map[HCTX_TYPE_POLL].queue_offset];
}

/*
 * Delays and bandwidth (completion_nsec, mbps): a request is copied at
 * once and then ended later, from a timer, or by ->poll on a polled
 * queue; nothing waits in queue_rq. With mbps the disk is a link that
 * moves one request's bytes at a time: each transfer starts when the one
 * before it is done, so that requests in flight overlap their latency but
 * not their transfers, and a burst cannot pass the cap.
 */

/*
 * Does not sleep. When a request of @bytes (0 for one that moves no data)
 * that came at @now may end, in CLOCK_MONOTONIC nanoseconds.
 */
static u64 ramdisk_due(struct ramdisk_dev *rd, unsigned int bytes, u64 now)
{
	u64 due = now + READ_ONCE(rd->completion_nsec);
	unsigned int rate = READ_ONCE(rd->mbps);
	s64 start, end, free;
	u64 transfer;

	if (!rate || !bytes)
		return due;
	transfer = div_u64((u64)bytes * NSEC_PER_SEC, rate) >> 20;
	free = atomic64_read(&rd->link_free);
	do {
		start = max_t(s64, free, now);
		end = start + transfer;
	} while (!atomic64_try_cmpxchg(&rd->link_free, &free, end));
	return max_t(u64, due, end);
}

/* Does not sleep: runs in hard interrupt context. */
static enum hrtimer_restart ramdisk_rq_timer(struct hrtimer *timer)
{
	struct ramdisk_cmd *cmd =
		container_of(timer, struct ramdisk_cmd, timer);

	blk_mq_end_request(blk_mq_rq_from_pdu(cmd), cmd->status);
	return HRTIMER_NORESTART;
}

/* Not for I/O: runs when the tag set's requests are made. */
static int ramdisk_init_request(struct blk_mq_tag_set *set, struct request *rq,
				unsigned int hctx_idx, unsigned int numa_node)
{
	struct ramdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	hrtimer_init(&cmd->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	cmd->timer.function = ramdisk_rq_timer;
	atomic_set(&cmd->stalled, 0);
	return 0;
}

/*
 * Does not sleep. A request that failed: a stalled one is left for the
 * timeout handler (true); one partly done (badblocks_partial_io) ends
 * the bios or parts of bios that were transferred now, as a disk that
 * reports how far it got, and is then ended with its error as any other.
 */
static noinline bool ramdisk_rq_failed(struct ramdisk_dev *rd,
				       struct request *rq,
				       const struct ramdisk_io *io)
{
	struct ramdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	if (io->stall) {
		atomic_long_inc(&rd->stalled);
		atomic_set(&cmd->stalled, 1);
		return true;
	}
	if (io->bytes && io->bytes < blk_rq_bytes(rq))
		blk_update_request(rq, BLK_STS_OK, io->bytes);
	return false;
}

/*
 * Linear backing: does not sleep, the work is a memcpy. Page backing: may
 * sleep allocating a page, which BLK_MQ_F_BLOCKING permits.
 *
 * Copies the request. One on a polled queue is then parked for
 * ramdisk_poll() to end: its submitter polls for the completion, and an
 * end here would complete it before anyone polled. A delayed one is left
 * to its timer, a stalled one to the timeout handler. Others are left for
 * the caller to end.
 *
 * Return: true if the request was parked, delayed or stalled.
 */
static bool ramdisk_copy_or_park(struct blk_mq_hw_ctx *hctx, struct request *rq,
				 blk_status_t *status)
{
	struct ramdisk_dev *rd = hctx->queue->queuedata;
	struct ramdisk_io io = {
		.op = req_op(rq),
		.flags = rq->cmd_flags,
		.sector = blk_rq_pos(rq),
		.bytes = blk_rq_bytes(rq),
		.bio = rq->bio,
		.gfp = GFP_NOIO,
	};
	struct ramdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u64 now = 0;

	/* Timed before the copy, as a device times from the doorbell. */
	if (unlikely(READ_ONCE(rd->completion_nsec) || READ_ONCE(rd->mbps)))
		now = ktime_get_ns();
	blk_mq_start_request(rq);
	*status = ramdisk_handle_io(rd, &io);
	/* Where an append went: the block layer tells its submitter. */
	if (unlikely(io.op == REQ_OP_ZONE_APPEND))
		rq->__sector = io.sector;
	trace_ramdisk_rq_done(rq->q->disk, &io, hctx->queue_num, *status);
	if (unlikely(*status != BLK_STS_OK) && ramdisk_rq_failed(rd, rq, &io))
		return true;
	cmd->status = *status;
	cmd->due = 0;
	if (unlikely(now)) {
		cmd->due = ramdisk_due(rd, bio_has_data(rq->bio) ? io.bytes : 0,
				       now);
		if (hctx->type != HCTX_TYPE_POLL) {
			hrtimer_start(&cmd->timer, ns_to_ktime(cmd->due),
				      HRTIMER_MODE_ABS);
			return true;
		}
	}
	if (hctx->type != HCTX_TYPE_POLL)
		return false;
	/* A full barrier: ramdisk_poll() sees the copy done. */
	llist_add(&cmd->parked, ramdisk_parked(rd, hctx));
	return true;
}

/* May sleep as ramdisk_copy_or_park() may. */
static blk_status_t ramdisk_queue_rq(struct blk_mq_hw_ctx *hctx,
				     const struct blk_mq_queue_data *bd)
{
	blk_status_t status;

	if (!ramdisk_copy_or_park(hctx, bd->rq, &status))
		blk_mq_end_request(bd->rq, status);
	/* The request is ended or parked; an error here would end it twice. */
	return BLK_STS_OK;
}

/*
 * May sleep as ramdisk_copy_or_park() may. ramdisk_queue_rqs() (in
 * ramdisk_compat.h) calls this for each request of a plugged list, several
 * requests a task submitted at once; those that ended well are then ended
 * together by one blk_mq_end_request_batch(), which frees their tags in
 * batches.
 */
static void ramdisk_queue_listed_rq(struct request *rq,
				    struct io_comp_batch *iob)
{
	blk_status_t status;

	if (ramdisk_copy_or_park(rq->mq_hctx, rq, &status))
		return;
	if (!blk_mq_add_to_batch(rq, iob, status != BLK_STS_OK,
				 blk_mq_end_request_batch))
		blk_mq_end_request(rq, status);
}

/*
 * Does not sleep. Ends every request parked on @hctx: in @iob's batch
 * when there is one (io_uring's), one by one otherwise (ramdisk_timeout(),
 * or a caller polling without a batch, as a polled passthrough does).
 *
 * Return: how many requests it ended, itself or by adding them to @iob.
 */
static int ramdisk_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	struct ramdisk_dev *rd = hctx->queue->queuedata;
	struct llist_node *parked;
	struct ramdisk_cmd *cmd, *next;
	struct request *rq;
	int ended = 0, batched = 0;

	u64 now = 0;

	parked = llist_del_all(ramdisk_parked(rd, hctx));
	if (!parked)
		return 0;
	/* The list is newest first; end requests in the order they came. */
	llist_for_each_entry_safe(cmd, next, llist_reverse_order(parked),
				  parked) {
		/* A delayed request is not reaped before its time. */
		if (unlikely(cmd->due)) {
			if (!now)
				now = ktime_get_ns();
			if (cmd->due > now) {
				llist_add(&cmd->parked,
					  ramdisk_parked(rd, hctx));
				continue;
			}
		}
		rq = blk_mq_rq_from_pdu(cmd);
		if (blk_mq_add_to_batch(rq, iob, cmd->status != BLK_STS_OK,
					blk_mq_end_request_batch))
			batched++;
		else
			blk_mq_end_request(rq, cmd->status);
		ended++;
	}
	trace_ramdisk_poll(hctx->queue_num, ended, batched);
	return ended;
}

/*
 * Does not sleep. A request the injection rule stalled is ended now, with
 * BLK_STS_TIMEOUT, as a driver whose device never answered ends it.
 * Other requests on the other queues end inside queue_rq or from their
 * timer, so one times out only while it is still being copied (a page
 * store's allocation waiting on reclaim) or delayed longer than the
 * timeout; it gets more time. One parked on a polled queue whose
 * submitter stopped polling (an io_uring IOPOLL ring never reaped) is
 * ended now, if its delay is over.
 */
static enum blk_eh_timer_return ramdisk_timeout(struct request *rq)
{
	struct ramdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blk_mq_hw_ctx *hctx = rq->mq_hctx;
	struct ramdisk_dev *rd = hctx->queue->queuedata;
	bool parked = hctx->type == HCTX_TYPE_POLL;

	if (atomic_xchg(&cmd->stalled, 0)) {
		atomic_long_inc(&rd->timed_out);
		trace_ramdisk_rq_timeout(rq, hctx->queue_num, false);
		blk_mq_end_request(rq, BLK_STS_TIMEOUT);
		return BLK_EH_DONE;
	}
	if (parked)
		ramdisk_poll(hctx, NULL);
	/* The caller holds a reference: the request cannot be reused yet. */
	parked = parked && blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT;
	trace_ramdisk_rq_timeout(rq, hctx->queue_num, parked);
	return parked ? BLK_EH_DONE : BLK_EH_RESET_TIMER;
}

/*
 * Not for I/O: runs when the tag set is made. The default queues take
 * every CPU, and so do the polled queues after them; a bio picks its map
 * by REQ_POLLED. No reads-only map: reads go to the default queues. A
 * kdump kernel cuts the set to one queue and one map: then no polling.
 */
static void ramdisk_map_queues(struct blk_mq_tag_set *set)
{
	struct ramdisk_dev *rd = set->driver_data;
	unsigned int polled = set->nr_maps > HCTX_TYPE_POLL ? rd->poll_queues :
							      0;
	struct blk_mq_queue_map *map = &set->map[HCTX_TYPE_DEFAULT];

	map->nr_queues = set->nr_hw_queues - polled;
	map->queue_offset = 0;
	blk_mq_map_queues(map);
	if (!polled)
		return;
	set->map[HCTX_TYPE_READ].nr_queues = 0;
	map = &set->map[HCTX_TYPE_POLL];
	map->nr_queues = polled;
	map->queue_offset = set->nr_hw_queues - polled;
	blk_mq_map_queues(map);
}

static const struct blk_mq_ops ramdisk_mq_ops = {
	.queue_rq = ramdisk_queue_rq,
	.queue_rqs = ramdisk_queue_rqs,
	.poll = ramdisk_poll,
	.timeout = ramdisk_timeout,
	.map_queues = ramdisk_map_queues,
	.init_request = ramdisk_init_request,
};

/*
 * The bio path (queue_mode=bio): no tag set, no request, no hardware
 * queues. The block core hands each bio to ->submit_bio in the
 * submitter's context, and it is copied and ended here, before the
 * submitter goes on, as brd does.
 *
 * May sleep as ramdisk_handle_io() may, but not for a REQ_NOWAIT bio.
 */
static void ramdisk_submit_bio(struct bio *bio)
{
	struct ramdisk_dev *rd = bio->bi_bdev->bd_disk->private_data;
	struct ramdisk_io io;

	/*
	 * The block core splits bios only for blk-mq disks. Reads and writes
	 * need no limit here, but zeroing keeps the request path's: one
	 * memset of 64 MiB at most, and a page store's discards cut on page
	 * boundaries. So do a write cache's writes: each keeps a copy of
	 * what it overwrote, in one allocation of a page per 4 KiB. The rest
	 * of a split bio is resubmitted to us.
	 */
	if (unlikely(bio_op(bio) == REQ_OP_DISCARD ||
		     bio_op(bio) == REQ_OP_WRITE_ZEROES ||
		     (rd->cache && op_is_write(bio_op(bio))))) {
		bio = bio_split_to_limits(bio);
		if (!bio)
			return;
	}
	io = (struct ramdisk_io){
		.op = bio_op(bio),
		.flags = bio->bi_opf,
		.sector = bio->bi_iter.bi_sector,
		.bytes = bio->bi_iter.bi_size,
		.bio = bio,
		.gfp = bio->bi_opf & REQ_NOWAIT ? GFP_NOWAIT : GFP_NOIO,
	};
	bio->bi_status = ramdisk_handle_io(rd, &io);
	trace_ramdisk_bio_done(bio->bi_bdev->bd_disk, &io, 0, bio->bi_status);
	bio_endio(bio);
}

/*
 * The configfs subsystem, /sys/kernel/config/ramdisk; defined with its
 * attributes below. ramdisk_open() needs it to depend on an item.
 */
static struct configfs_subsystem ramdisk_subsys;

/*
 * May sleep. Called for each open of the disk or (first open of) each of
 * its partitions, under the disk's open_mutex. A runtime disk's configfs
 * item is depended on while the disk is open: configfs then refuses rmdir
 * with EBUSY itself, and an rmdir already under way makes the dependency,
 * and so the open, fail. A disk being removed refuses new opens.
 *
 * configfs_depend_item() would take the configfs root's inode lock here,
 * under open_lock and the disk's open_mutex, while a power write holds
 * configfs's attribute lock and takes ramdisk_lock, then open_lock or
 * (del_gendisk()) open_mutex, and rmdir takes that attribute lock under an
 * inode lock of the same lockdep class: a cycle lockdep reports. The
 * unlocked variant takes no inode lock; the root lock only keeps the
 * subsystem registered, and the open itself does that, holding the module
 * (fops.owner), which unregisters the subsystem only on unload.
 */
static int ramdisk_open(struct gendisk *disk)
{
	struct ramdisk_dev *rd = disk->private_data;
	int err = 0;

	mutex_lock(&rd->open_lock);
	if (rd->removing)
		err = -ENXIO;
	else if (!rd->openers && rd->item)
		err = configfs_depend_item_unlocked(&ramdisk_subsys, rd->item);
	if (!err)
		rd->openers++;
	mutex_unlock(&rd->open_lock);
	/* configfs says ENOENT for an item that rmdir is taking away. */
	return err == -ENOENT ? -ENXIO : err;
}

/* May sleep. Mirrors ramdisk_open(). */
static void ramdisk_release(struct gendisk *disk)
{
	struct ramdisk_dev *rd = disk->private_data;

	mutex_lock(&rd->open_lock);
	if (!--rd->openers && rd->item)
		configfs_undepend_item(rd->item);
	mutex_unlock(&rd->open_lock);
}

/* A disk whose operations have ->submit_bio is bio-based: two tables. */
static const struct block_device_operations ramdisk_mq_fops = {
	/* Holds the module while the disk is open or mounted. */
	.owner = THIS_MODULE,
	.open = ramdisk_bdops_open,
	.release = ramdisk_bdops_release,
	/* Called only for a disk the queue limits call zoned. */
	.report_zones = ramdisk_report_zones,
};

static const struct block_device_operations ramdisk_bio_fops = {
	.owner = THIS_MODULE,
	.submit_bio = ramdisk_submit_bio,
	.open = ramdisk_bdops_open,
	.release = ramdisk_bdops_release,
};

/*
 * What the disk holds in memory now: all of it for a linear store, and
 * the copies a write cache keeps.
 */
static ssize_t allocated_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct ramdisk_dev *rd = dev_to_disk(dev)->private_data;
	unsigned long long bytes;

	if (rd->backing == RAMDISK_BACKING_PAGES)
		bytes = (unsigned long long)atomic_long_read(&rd->nr_pages)
			<< PAGE_SHIFT;
	else
		bytes = (unsigned long long)rd->capacity << SECTOR_SHIFT;
	/* The cache's part: cache/held_bytes. */
	bytes += atomic_long_read(&rd->held_bytes);
	return sysfs_emit(buf, "%llu\n", bytes);
}
static DEVICE_ATTR_RO(allocated_bytes);

static struct attribute *ramdisk_disk_attrs[] = {
	&dev_attr_allocated_bytes.attr,
	NULL,
};

static const struct attribute_group ramdisk_disk_group = {
	.attrs = ramdisk_disk_attrs,
};

/*
 * /sys/block/DISK/faults/NAME and /sys/block/DISK/cache/NAME: counters,
 * each the atomic_long_t of struct ramdisk_dev that has its name.
 */
static ssize_t ramdisk_count_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct ramdisk_dev *rd = dev_to_disk(dev)->private_data;
	struct dev_ext_attribute *ext;

	ext = container_of(attr, struct dev_ext_attribute, attr);
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read((void *)rd + (size_t)ext->var));
}

#define RAMDISK_COUNT_ATTR(counter)                                   \
	static struct dev_ext_attribute ramdisk_attr_##counter = {    \
		.attr = { .attr = { .name = __stringify(counter),     \
				    .mode = 0444 },                   \
			  .show = ramdisk_count_show },               \
		.var = (void *)offsetof(struct ramdisk_dev, counter), \
	}

RAMDISK_COUNT_ATTR(bad_block_errors);
RAMDISK_COUNT_ATTR(injected);
RAMDISK_COUNT_ATTR(stalled);
RAMDISK_COUNT_ATTR(timed_out);

static struct attribute *ramdisk_fault_attrs[] = {
	&ramdisk_attr_bad_block_errors.attr.attr,
	&ramdisk_attr_injected.attr.attr,
	&ramdisk_attr_stalled.attr.attr,
	&ramdisk_attr_timed_out.attr.attr,
	NULL,
};

static const struct attribute_group ramdisk_fault_group = {
	.name = "faults",
	.attrs = ramdisk_fault_attrs,
};

RAMDISK_COUNT_ATTR(volatile_bytes);
RAMDISK_COUNT_ATTR(held_bytes);
RAMDISK_COUNT_ATTR(flushes);
RAMDISK_COUNT_ATTR(fua_writes);
RAMDISK_COUNT_ATTR(written_back);
RAMDISK_COUNT_ATTR(dropped_writes);
RAMDISK_COUNT_ATTR(kept_writes);
RAMDISK_COUNT_ATTR(lost_writes);

static struct attribute *ramdisk_cache_attrs[] = {
	&ramdisk_attr_volatile_bytes.attr.attr,
	&ramdisk_attr_held_bytes.attr.attr,
	&ramdisk_attr_flushes.attr.attr,
	&ramdisk_attr_fua_writes.attr.attr,
	&ramdisk_attr_written_back.attr.attr,
	&ramdisk_attr_dropped_writes.attr.attr,
	&ramdisk_attr_kept_writes.attr.attr,
	&ramdisk_attr_lost_writes.attr.attr,
	NULL,
};

static const struct attribute_group ramdisk_cache_group = {
	.name = "cache",
	.attrs = ramdisk_cache_attrs,
};

static const struct attribute_group *ramdisk_disk_groups[] = {
	&ramdisk_disk_group,
	&ramdisk_fault_group,
	&ramdisk_cache_group,
	NULL,
};

/*
 * May sleep; runs when a disk is made, never for I/O, so GFP_KERNEL is
 * right. The store is zeroed here so that a read of a never-written sector
 * cannot return old kernel memory. kvmalloc() refuses sizes above INT_MAX,
 * so larger stores come from vmalloc directly. __GFP_RETRY_MAYFAIL makes a
 * size the machine cannot hold fail instead of invoking the OOM killer.
 */
static void *ramdisk_alloc_store(unsigned long long bytes)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;

	if (bytes > INT_MAX)
		return __vmalloc(bytes, gfp);
	return kvmalloc(bytes, gfp);
}

/* May sleep. Only when no I/O can reach the disk any more. */
static void ramdisk_pages_destroy(struct ramdisk_dev *rd)
{
	struct page *page;
	unsigned long index;

	xa_for_each(&rd->pages, index, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&rd->pages);
	/* Pages discarded earlier may still wait for their RCU callback. */
	rcu_barrier();
}

/**
 * ramdisk_alloc_zones - the zone model of a zoned disk, every zone empty
 * @rd: the disk being made; its capacity is set
 * @config: its settings, checked by ramdisk_check_zoned()
 *
 * May sleep; runs when a disk is made. Undone by kvfree(rd->zones->zone)
 * and kfree(rd->zones): ramdisk_free_zones().
 *
 * Return: 0, or -ENOMEM.
 */
static int ramdisk_alloc_zones(struct ramdisk_dev *rd,
			       const struct ramdisk_config *config)
{
	struct ramdisk_zones *zones;
	unsigned int zno;

	zones = kzalloc(sizeof(*zones), GFP_KERNEL);
	if (!zones)
		goto out_no_memory;
	zones->shift = ilog2(config->zone_size) + 20 - SECTOR_SHIFT;
	zones->nr_zones = DIV_ROUND_UP_ULL(rd->capacity, 1ULL << zones->shift);
	zones->nr_conv = config->zone_nr_conv;
	zones->capacity = (sector_t)(config->zone_capacity ?: config->zone_size)
			  << (20 - SECTOR_SHIFT);
	ramdisk_zones_set_limits(zones, config);
	spin_lock_init(&zones->state_lock);
	zones->zone =
		kvcalloc(zones->nr_zones, sizeof(*zones->zone), GFP_KERNEL);
	if (!zones->zone)
		goto out_free_zones;
	for (zno = 0; zno < zones->nr_zones; zno++) {
		mutex_init(&zones->zone[zno].lock);
		zones->zone[zno].wp = ramdisk_zone_start(zones, zno);
		zones->zone[zno].cond = zno < zones->nr_conv ?
						BLK_ZONE_COND_NOT_WP :
						BLK_ZONE_COND_EMPTY;
	}
	rd->zones = zones;
	return 0;

out_free_zones:
	kfree(zones);
out_no_memory:
	pr_err("zoned=1: no memory for the zones of a %llu-byte disk\n",
	       config->size);
	return -ENOMEM;
}

/* Mirrors ramdisk_alloc_zones(); nothing for a disk without zones. */
static void ramdisk_free_zones(struct ramdisk_dev *rd)
{
	if (!rd->zones)
		return;
	kvfree(rd->zones->zone);
	kfree(rd->zones);
}

/* Mirrors ramdisk_alloc_backing(). */
static void ramdisk_free_backing(struct ramdisk_dev *rd)
{
	if (rd->backing == RAMDISK_BACKING_PAGES)
		ramdisk_pages_destroy(rd);
	else
		kvfree(rd->store);
}

/* May sleep; the page store starts empty and costs nothing until written. */
static int ramdisk_alloc_backing(struct ramdisk_dev *rd, u64 bytes)
{
	if (rd->backing == RAMDISK_BACKING_PAGES) {
		xa_init(&rd->pages);
		rd->reserve_pages =
			totalram_pages() / RAMDISK_PAGES_RESERVE_FRACTION;
		return 0;
	}
	rd->store = ramdisk_alloc_store(bytes);
	if (!rd->store) {
		pr_err("size=%llu: cannot allocate the backing store\n", bytes);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Whether @part is a name the block layer would give a partition of a
 * disk named @disk: the disk's name, a 'p' if that ends in a digit, and a
 * partition number.
 */
static bool ramdisk_is_partition_name(const char *part, const char *disk)
{
	size_t len = strlen(disk);
	unsigned int partno;

	if (strncmp(part, disk, len))
		return false;
	part += len;
	if (isdigit(disk[len - 1]) && *part++ != 'p')
		return false;
	return isdigit(*part) && *part != '0' && !kstrtouint(part, 10, &partno);
}

/*
 * A disk named @name must not take a partition's name from a disk of
 * ours, nor have partitions named like one ("ramdisk-a" and "ramdisk-a1").
 * Load-time names are "ramdisk" and "ramdisk-N" and configfs names are
 * unique in their folder, so whole names cannot be equal.
 */
static int ramdisk_check_name(const char *name)
{
	struct ramdisk_dev *other;
	const char *taken;

	lockdep_assert_held(&ramdisk_lock);
	list_for_each_entry(other, &ramdisk_devs, list) {
		taken = other->disk->disk_name;
		if (ramdisk_is_partition_name(name, taken)) {
			pr_err("%s: the name of a partition of %s\n", name,
			       taken);
			return -EEXIST;
		}
		if (ramdisk_is_partition_name(taken, name)) {
			pr_err("%s: its partitions would take the name of %s\n",
			       name, taken);
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * May sleep. Whether any block device, whole disk or partition, of any
 * driver, already has the name @name: adding the disk would then fail in
 * sysfs, with a warning. @disk is allocated, not added; it gives the block
 * device class, which is not exported.
 */
static int ramdisk_check_name_free(struct gendisk *disk, const char *name)
{
	struct device *other;

	other = class_find_device_by_name(disk_to_dev(disk)->class, name);
	if (!other)
		return 0;
	put_device(other);
	pr_err("%s: a block device of that name exists\n", name);
	return -EEXIST;
}

/**
 * ramdisk_alloc_mq_disk - the tag set and a blk-mq disk on it
 * @rd: the disk being made; its tag set and polled lists are filled in
 * @config: its settings
 * @lim: the queue limits
 *
 * May sleep. queue_mode=mq. Undone by ramdisk_free_queue() after
 * put_disk(); on failure, undoes itself.
 *
 * Return: the disk, or an ERR_PTR.
 */
static struct gendisk *
ramdisk_alloc_mq_disk(struct ramdisk_dev *rd,
		      const struct ramdisk_config *config,
		      struct queue_limits *lim)
{
	struct gendisk *disk;
	int err;

	rd->poll_queues = config->poll_queues;
	rd->tag_set.ops = &ramdisk_mq_ops;
	rd->tag_set.nr_hw_queues =
		(config->nr_hw_queues ?: num_online_cpus()) + rd->poll_queues;
	/* Without polled queues, one map: a polled bio is then refused. */
	rd->tag_set.nr_maps = rd->poll_queues ? HCTX_MAX_TYPES : 1;
	rd->tag_set.cmd_size = sizeof(struct ramdisk_cmd);
	rd->tag_set.queue_depth = config->queue_depth;
	rd->tag_set.numa_node = NUMA_NO_NODE;
	/* An I/O scheduler only delays a device that completes inline. */
	rd->tag_set.flags = BLK_MQ_F_SHOULD_MERGE |
			    BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	/*
	 * A page store allocates in queue_rq, and GFP_NOIO may sleep; a
	 * zoned disk holds a zone's mutex across the copy, and a write cache
	 * its own, and allocates copies.
	 */
	if (rd->backing == RAMDISK_BACKING_PAGES || rd->zones || rd->cache)
		rd->tag_set.flags |= BLK_MQ_F_BLOCKING;
	rd->tag_set.driver_data = rd;
	rd->parked = kcalloc(rd->poll_queues, sizeof(*rd->parked), GFP_KERNEL);
	if (!rd->parked)
		return ERR_PTR(-ENOMEM);
	err = blk_mq_alloc_tag_set(&rd->tag_set);
	if (err)
		goto out_free_parked;
	disk = ramdisk_alloc_disk(&rd->tag_set, lim, rd);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_free_tags;
	}
	return disk;

out_free_tags:
	blk_mq_free_tag_set(&rd->tag_set);
out_free_parked:
	kfree(rd->parked);
	return ERR_PTR(err);
}

/* May sleep. Mirrors ramdisk_alloc_mq_disk(); a bio disk has no queue. */
static void ramdisk_free_queue(struct ramdisk_dev *rd)
{
	if (rd->queue_mode != RAMDISK_QUEUE_MQ)
		return;
	blk_mq_free_tag_set(&rd->tag_set);
	kfree(rd->parked);
}

/**
 * ramdisk_alloc_dev - a disk's store and zones, without a disk yet
 * @config: its settings, already validated; copied into ->made_with
 *
 * May sleep. Undone by ramdisk_free_dev(). A configfs disk's store
 * outlives its gendisk from power 0 to power 1 (ramdisk_item_power_on()).
 *
 * Return: the device, or an ERR_PTR.
 */
static struct ramdisk_dev *
ramdisk_alloc_dev(const struct ramdisk_config *config)
{
	struct ramdisk_dev *rd;
	int err;

	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return ERR_PTR(-ENOMEM);
	mutex_init(&rd->open_lock);
	rd->made_with = *config;
	rd->capacity = config->size >> SECTOR_SHIFT;
	rd->backing = config->backing;
	err = ramdisk_alloc_backing(rd, config->size);
	if (err)
		goto out_free_dev;
	if (config->zoned) {
		err = ramdisk_alloc_zones(rd, config);
		if (err)
			goto out_free_backing;
	}
	return rd;

out_free_backing:
	ramdisk_free_backing(rd);
out_free_dev:
	kfree(rd);
	return ERR_PTR(err);
}

/* May sleep. Mirrors ramdisk_alloc_dev(); the disk is removed already. */
static void ramdisk_free_dev(struct ramdisk_dev *rd)
{
	ramdisk_free_zones(rd);
	ramdisk_free_backing(rd);
	kfree(rd);
}

/*
 * Does not sleep. The settings a disk takes while it runs: the delay and
 * the cap apply to requests that come after, the timeout to requests
 * started after.
 */
static void ramdisk_set_live(struct ramdisk_dev *rd,
			     const struct ramdisk_config *config)
{
	WRITE_ONCE(rd->completion_nsec, config->completion_nsec);
	WRITE_ONCE(rd->mbps, config->mbps);
	if (rd->queue_mode == RAMDISK_QUEUE_MQ)
		blk_queue_rq_timeout(rd->disk->queue,
				     msecs_to_jiffies(config->io_timeout));
}

/**
 * ramdisk_add_disk - make the gendisk of a store and register it
 * @rd: the store, from ramdisk_alloc_dev(), without a disk
 * @config: the disk's settings, already validated; read, not kept
 * @name: its name, e.g. "ramdisk-1"
 * @item: its configfs item, or NULL for a load-time disk
 *
 * May sleep. Called under ramdisk_lock. Undone by ramdisk_remove_disk();
 * on failure, @rd is as it was.
 *
 * Return: 0, or a negative errno.
 */
static int ramdisk_add_disk(struct ramdisk_dev *rd,
			    const struct ramdisk_config *config,
			    const char *name, struct config_item *item)
{
	struct queue_limits lim = {
		.logical_block_size = config->logical_block_size,
		/* So partitioning tools align to pages, as brd does. */
		.physical_block_size = PAGE_SIZE,
		.max_hw_sectors = RAMDISK_MAX_REQUEST_SECTORS,
		/* Segments cost one memcpy each; their number needs no cap. */
		.max_segments = USHRT_MAX,
		.max_hw_discard_sectors = RAMDISK_MAX_ZEROING_SECTORS,
		.discard_granularity = config->logical_block_size,
		.max_write_zeroes_sectors = RAMDISK_MAX_ZEROING_SECTORS,
	};
	struct gendisk *disk;
	int err;

	lockdep_assert_held(&ramdisk_lock);
	err = ramdisk_check_name(name);
	if (err)
		return err;
	/* Set before the disk can be opened: release undoes what open did. */
	rd->item = item;
	/* A kept store's last disk left these behind. */
	rd->removing = false;
	rd->poll_queues = 0;
	memset(&rd->tag_set, 0, sizeof(rd->tag_set));
	atomic64_set(&rd->link_free, 0);
	atomic_long_set(&rd->bad_block_errors, 0);
	atomic_long_set(&rd->injected, 0);
	atomic_long_set(&rd->stalled, 0);
	atomic_long_set(&rd->timed_out, 0);
	atomic_long_set(&rd->flushes, 0);
	atomic_long_set(&rd->fua_writes, 0);
	atomic_long_set(&rd->written_back, 0);
	atomic_long_set(&rd->dropped_writes, 0);
	atomic_long_set(&rd->kept_writes, 0);
	atomic_long_set(&rd->lost_writes, 0);

	rd->index = ida_alloc_max(&ramdisk_indexes, RAMDISK_MAX_DISKS - 1,
				  GFP_KERNEL);
	if (rd->index < 0) {
		pr_err("%s: no free minors: %u disks exist\n", name,
		       RAMDISK_MAX_DISKS);
		return rd->index;
	}

	/*
	 * A page is freed only by a discard that covers all of it; with page
	 * granularity the block layer splits long discards on page
	 * boundaries, so no page is left half-covered by two requests.
	 */
	if (rd->backing == RAMDISK_BACKING_PAGES)
		lim.discard_granularity = PAGE_SIZE;

	err = ramdisk_alloc_cache(rd, config);
	if (err)
		goto out_free_index;
	if (rd->cache)
		ramdisk_limits_write_cache(&lim, config->fua);

	if (rd->zones) {
		/*
		 * As null_blk: a zone gives its space back by a reset, and a
		 * write of zeroes must go through the write pointer like any
		 * write, which the block layer's fallback (writes of zero
		 * pages) does.
		 */
		lim.max_hw_discard_sectors = 0;
		lim.discard_granularity = 0;
		lim.max_write_zeroes_sectors = 0;
		ramdisk_zoned_limits(&lim, rd->zones);
	}

	rd->queue_mode = config->queue_mode;
	if (rd->queue_mode == RAMDISK_QUEUE_BIO)
		disk = ramdisk_alloc_bio_disk(&lim);
	else
		disk = ramdisk_alloc_mq_disk(rd, config, &lim);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_free_cache;
	}
	rd->disk = disk;
	if (rd->cache)
		ramdisk_queue_write_cache(disk->queue, config->fua);
	err = ramdisk_check_name_free(disk, name);
	if (err)
		goto out_cleanup_disk;
	disk->major = ramdisk_major;
	disk->first_minor = rd->index * DISK_MAX_PARTS;
	disk->minors = config->max_part;
	disk->fops = rd->queue_mode == RAMDISK_QUEUE_BIO ? &ramdisk_bio_fops :
							   &ramdisk_mq_fops;
	disk->private_data = rd;
	strscpy(disk->disk_name, name, DISK_NAME_LEN);
	set_capacity(disk, rd->capacity);
	ramdisk_set_live(rd, config);
	if (rd->zones) {
		err = ramdisk_register_zones(disk, rd->zones);
		if (err)
			goto out_cleanup_disk;
	}

	/*
	 * A new disk is all zeros: there is no partition table to find. And
	 * a scan would open the disk from inside add_disk, and since 6.9 the
	 * last put of that file waits until the task returns to user space,
	 * by which time a failed insmod has freed the module it calls into.
	 */
	set_bit(GD_SUPPRESS_PART_SCAN, &disk->state);
	err = device_add_disk(NULL, disk, ramdisk_disk_groups);
	clear_bit(GD_SUPPRESS_PART_SCAN, &disk->state);
	if (err)
		goto out_cleanup_disk;
	list_add_tail(&rd->list, &ramdisk_devs);
	if (rd->queue_mode == RAMDISK_QUEUE_BIO)
		pr_info("%s: %llu bytes, %s store, bio-based (queue_mode=bio), %u-byte blocks\n",
			name, config->size, ramdisk_backing_names[rd->backing],
			config->logical_block_size);
	else
		pr_info("%s: %llu bytes, %s store, %u hardware queues of depth %u, %u-byte blocks\n",
			name, config->size, ramdisk_backing_names[rd->backing],
			rd->tag_set.nr_hw_queues - rd->poll_queues,
			config->queue_depth, config->logical_block_size);
	if (rd->poll_queues)
		pr_info("%s: %u polled hardware queues\n", name,
			rd->poll_queues);
	if (rd->cache)
		pr_info("%s: volatile write cache of %u MiB, FUA %s\n", name,
			config->cache_size, config->fua ? "on" : "off");
	if (rd->zones)
		pr_info("%s: zoned, %u zones of %u MiB (%u conventional), zone append %s\n",
			name, rd->zones->nr_zones, config->zone_size,
			rd->zones->nr_conv,
			rd->zones->append_max_sectors ? "native" : "emulated");
	return 0;

out_cleanup_disk:
	put_disk(disk);
	rd->disk = NULL;
	ramdisk_free_queue(rd);
out_free_cache:
	ramdisk_free_cache(rd);
out_free_index:
	ida_free(&ramdisk_indexes, rd->index);
	return err;
}

/*
 * May sleep. Mirrors ramdisk_add_disk(); the store stays. The disk must
 * have no openers and refuse new ones: ramdisk_claim_for_removal(), or
 * module unload.
 */
static void ramdisk_remove_disk(struct ramdisk_dev *rd)
{
	lockdep_assert_held(&ramdisk_lock);
	list_del(&rd->list);
	del_gendisk(rd->disk);
	put_disk(rd->disk);
	rd->disk = NULL;
	ramdisk_free_queue(rd);
	ramdisk_free_cache(rd);
	ida_free(&ramdisk_indexes, rd->index);
}

/**
 * ramdisk_add - make a store and its disk, and register it
 * @config: its settings, already validated; read, not kept
 * @name: its name, e.g. "ramdisk-1"
 * @item: its configfs item, or NULL for a load-time disk
 *
 * May sleep. Called under ramdisk_lock.
 *
 * Return: the disk, or an ERR_PTR.
 */
static struct ramdisk_dev *ramdisk_add(const struct ramdisk_config *config,
				       const char *name,
				       struct config_item *item)
{
	struct ramdisk_dev *rd = ramdisk_alloc_dev(config);
	int err;

	if (IS_ERR(rd))
		return rd;
	err = ramdisk_add_disk(rd, config, name, item);
	if (err) {
		ramdisk_free_dev(rd);
		return ERR_PTR(err);
	}
	return rd;
}

/* May sleep. Mirrors ramdisk_add(), under ramdisk_lock. */
static void ramdisk_remove(struct ramdisk_dev *rd)
{
	ramdisk_remove_disk(rd);
	ramdisk_free_dev(rd);
}

/*
 * May sleep. From here on the disk refuses opens, unless it is open now:
 * then it stays as it is and the caller gets -EBUSY.
 */
static int ramdisk_claim_for_removal(struct ramdisk_dev *rd)
{
	unsigned int openers;

	mutex_lock(&rd->open_lock);
	openers = rd->openers;
	if (!openers)
		rd->removing = true;
	mutex_unlock(&rd->open_lock);
	if (openers) {
		pr_err("%s: open or mounted (%u openers), not removed\n",
		       rd->disk->disk_name, openers);
		return -EBUSY;
	}
	return 0;
}

/* configfs: /sys/kernel/config/ramdisk/NAME, one runtime disk per folder. */

static struct ramdisk_item *to_ramdisk_item(struct config_item *item)
{
	return container_of(item, struct ramdisk_item, item);
}

/* The unsigned int settings, by attribute name. */
static const struct {
	const char *name;
	size_t offset;
} ramdisk_uint_settings[] = {
	{ "logical_block_size",
	  offsetof(struct ramdisk_config, logical_block_size) },
	{ "nr_hw_queues", offsetof(struct ramdisk_config, nr_hw_queues) },
	{ "poll_queues", offsetof(struct ramdisk_config, poll_queues) },
	{ "queue_depth", offsetof(struct ramdisk_config, queue_depth) },
	{ "max_part", offsetof(struct ramdisk_config, max_part) },
	{ "zoned", offsetof(struct ramdisk_config, zoned) },
	{ "zone_size", offsetof(struct ramdisk_config, zone_size) },
	{ "zone_capacity", offsetof(struct ramdisk_config, zone_capacity) },
	{ "zone_nr_conv", offsetof(struct ramdisk_config, zone_nr_conv) },
	{ "zone_max_open", offsetof(struct ramdisk_config, zone_max_open) },
	{ "zone_max_active", offsetof(struct ramdisk_config, zone_max_active) },
	{ "zone_append_max_sectors",
	  offsetof(struct ramdisk_config, zone_append_max_sectors) },
	{ "completion_nsec", offsetof(struct ramdisk_config, completion_nsec) },
	{ "mbps", offsetof(struct ramdisk_config, mbps) },
	{ "io_timeout", offsetof(struct ramdisk_config, io_timeout) },
	{ "cache_size", offsetof(struct ramdisk_config, cache_size) },
	{ "fua", offsetof(struct ramdisk_config, fua) },
};

static unsigned int *ramdisk_uint_setting(struct ramdisk_config *config,
					  const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ramdisk_uint_settings); i++)
		if (!strcmp(name, ramdisk_uint_settings[i].name))
			return (void *)config + ramdisk_uint_settings[i].offset;
	return NULL;
}

/* Settings a powered disk takes at once: how it delays and times out. */
static bool ramdisk_is_live_setting(const char *name)
{
	return !strcmp(name, "completion_nsec") || !strcmp(name, "mbps") ||
	       !strcmp(name, "io_timeout");
}

/* Parses the value of setting @name into @config; logs what is wrong. */
static int ramdisk_config_parse(struct ramdisk_config *config, const char *name,
				const char *val)
{
	unsigned int *uint_setting;

	if (!strcmp(name, "size"))
		return ramdisk_parse_size(val, &config->size);
	if (!strcmp(name, "backing"))
		return ramdisk_parse_backing(val, &config->backing);
	if (!strcmp(name, "queue_mode"))
		return ramdisk_parse_queue_mode(val, &config->queue_mode);
	uint_setting = ramdisk_uint_setting(config, name);
	if (kstrtouint(val, 10, uint_setting)) {
		pr_err("%s=%.*s is not a number\n", name,
		       ramdisk_value_len(val), val);
		return -EINVAL;
	}
	return 0;
}

static ssize_t ramdisk_item_show(struct config_item *item, char *page,
				 const char *name)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	ssize_t len;

	mutex_lock(&ramdisk_lock);
	if (!strcmp(name, "size"))
		len = sprintf(page, "%llu\n", ri->config.size);
	else if (!strcmp(name, "backing"))
		len = sprintf(page, "%s\n",
			      ramdisk_backing_names[ri->config.backing]);
	else if (!strcmp(name, "queue_mode"))
		len = sprintf(page, "%s\n",
			      ramdisk_queue_mode_names[ri->config.queue_mode]);
	else
		len = sprintf(page, "%u\n",
			      *ramdisk_uint_setting(&ri->config, name));
	mutex_unlock(&ramdisk_lock);
	return len;
}

/*
 * May sleep. A setting is parsed into a copy of the configuration, which
 * is validated whole and only then kept: a refused write changes nothing.
 */
static ssize_t ramdisk_item_store(struct config_item *item, const char *page,
				  size_t count, const char *name)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	struct ramdisk_config config;
	int err;

	mutex_lock(&ramdisk_lock);
	config = ri->config;
	if (ri->rd && !ramdisk_is_live_setting(name)) {
		pr_err("%s: ramdisk-%s is powered; write 0 to power first\n",
		       name, config_item_name(item));
		err = -EBUSY;
	} else {
		err = ramdisk_config_parse(&config, name, page) ?:
			      ramdisk_config_validate(&config,
						      &ramdisk_defaults);
	}
	if (!err) {
		ri->config = config;
		if (ri->rd)
			ramdisk_set_live(ri->rd, &config);
	}
	mutex_unlock(&ramdisk_lock);
	return err ?: count;
}

#define RAMDISK_SETTING_ATTR(name)                                          \
	static ssize_t ramdisk_item_##name##_show(struct config_item *item, \
						  char *page)               \
	{                                                                   \
		return ramdisk_item_show(item, page, #name);                \
	}                                                                   \
	static ssize_t ramdisk_item_##name##_store(                         \
		struct config_item *item, const char *page, size_t count)   \
	{                                                                   \
		return ramdisk_item_store(item, page, count, #name);        \
	}                                                                   \
	CONFIGFS_ATTR(ramdisk_item_, name)

RAMDISK_SETTING_ATTR(size);
RAMDISK_SETTING_ATTR(backing);
RAMDISK_SETTING_ATTR(queue_mode);
RAMDISK_SETTING_ATTR(logical_block_size);
RAMDISK_SETTING_ATTR(nr_hw_queues);
RAMDISK_SETTING_ATTR(poll_queues);
RAMDISK_SETTING_ATTR(queue_depth);
RAMDISK_SETTING_ATTR(max_part);
RAMDISK_SETTING_ATTR(zoned);
RAMDISK_SETTING_ATTR(zone_size);
RAMDISK_SETTING_ATTR(zone_capacity);
RAMDISK_SETTING_ATTR(zone_nr_conv);
RAMDISK_SETTING_ATTR(zone_max_open);
RAMDISK_SETTING_ATTR(zone_max_active);
RAMDISK_SETTING_ATTR(zone_append_max_sectors);
RAMDISK_SETTING_ATTR(completion_nsec);
RAMDISK_SETTING_ATTR(mbps);
RAMDISK_SETTING_ATTR(io_timeout);
RAMDISK_SETTING_ATTR(cache_size);
RAMDISK_SETTING_ATTR(fua);

static ssize_t ramdisk_item_disk_name_show(struct config_item *item, char *page)
{
	return sprintf(page, RAMDISK_NAME "-%s\n", config_item_name(item));
}
CONFIGFS_ATTR_RO(ramdisk_item_, disk_name);

/*
 * The faults of a configfs disk, powered or not: the bad sectors, their
 * two modes and the injection rule. Each takes effect on the next I/O.
 */

/*
 * Does not sleep. Marks sectors @start..@end bad (@bad), or heals them.
 * A range that might not fit is refused whole rather than added in part.
 *
 * Return: 0, or -ENOSPC.
 */
static int ramdisk_badblocks_change(struct badblocks *bb, bool bad, u64 start,
				    u64 end)
{
	int err = 0;

	if (!bad)
		return badblocks_clear(bb, start, end - start + 1) ? -ENOSPC :
								     0;
	if (READ_ONCE(bb->count) + DIV_ROUND_UP(end - start + 1, BB_MAX_LEN) >
	    MAX_BADBLOCKS)
		return -ENOSPC;
	/*
	 * One table entry per call: 6.1's badblocks_set() puts the entries
	 * of a longer range in reverse order, where lookups miss them.
	 */
	for (; start <= end && !err; start += BB_MAX_LEN)
		err = badblocks_set(bb, start,
				    min_t(u64, end - start + 1, BB_MAX_LEN), 1);
	return err ? -ENOSPC : 0;
}

/* May sleep. null_blk's format: +START-END adds, -START-END clears. */
static ssize_t ramdisk_item_badblocks_store(struct config_item *item,
					    const char *page, size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	unsigned long long start, end;
	char sign, dash;
	int err;

	if (sscanf(page, "%c%llu%c%llu", &sign, &start, &dash, &end) != 4 ||
	    (sign != '+' && sign != '-') || dash != '-' || start > end ||
	    end >= MAX_LFS_FILESIZE >> SECTOR_SHIFT) {
		pr_err("badblocks=%.*s is invalid: allowed +START-END or -START-END, sectors, START <= END\n",
		       ramdisk_value_len(page), page);
		return -EINVAL;
	}
	/* Writers one at a time, so that a room check holds. */
	mutex_lock(&ramdisk_lock);
	err = ramdisk_badblocks_change(&ri->faults.bb, sign == '+', start, end);
	mutex_unlock(&ramdisk_lock);
	if (err)
		pr_err("badblocks=%.*s: no room in the table (%lu ranges of up to %d sectors)\n",
		       ramdisk_value_len(page), page, MAX_BADBLOCKS,
		       BB_MAX_LEN);
	return err ?: count;
}

/* "START LENGTH" per range, as null_blk and md show them. */
static ssize_t ramdisk_item_badblocks_show(struct config_item *item, char *page)
{
	return badblocks_show(&to_ramdisk_item(item)->faults.bb, page, 0);
}
CONFIGFS_ATTR(ramdisk_item_, badblocks);

static ssize_t ramdisk_item_fault_mode_store(const char *page, size_t count,
					     const char *name, bool *mode)
{
	bool value;

	if (kstrtobool(page, &value)) {
		pr_err("%s=%.*s is invalid: allowed 0 or 1\n", name,
		       ramdisk_value_len(page), page);
		return -EINVAL;
	}
	WRITE_ONCE(*mode, value);
	return count;
}

static ssize_t ramdisk_item_badblocks_once_show(struct config_item *item,
						char *page)
{
	return sprintf(page, "%d\n",
		       READ_ONCE(to_ramdisk_item(item)->faults.badblocks_once));
}

static ssize_t ramdisk_item_badblocks_once_store(struct config_item *item,
						 const char *page, size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);

	return ramdisk_item_fault_mode_store(page, count, "badblocks_once",
					     &ri->faults.badblocks_once);
}
CONFIGFS_ATTR(ramdisk_item_, badblocks_once);

static ssize_t ramdisk_item_badblocks_partial_io_show(struct config_item *item,
						      char *page)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);

	return sprintf(page, "%d\n",
		       READ_ONCE(ri->faults.badblocks_partial_io));
}

static ssize_t ramdisk_item_badblocks_partial_io_store(struct config_item *item,
						       const char *page,
						       size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);

	return ramdisk_item_fault_mode_store(page, count,
					     "badblocks_partial_io",
					     &ri->faults.badblocks_partial_io);
}
CONFIGFS_ATTR(ramdisk_item_, badblocks_partial_io);

/* What a hit I/O ends with, by the name the inject attribute gives it. */
static const struct {
	const char *name;
	blk_status_t status;
} ramdisk_rule_statuses[] = {
	{ "ioerr", BLK_STS_IOERR },	    { "medium", BLK_STS_MEDIUM },
	{ "timeout", BLK_STS_TIMEOUT },	    { "nospc", BLK_STS_NOSPC },
	{ "transport", BLK_STS_TRANSPORT }, { "target", BLK_STS_TARGET },
	{ "resource", BLK_STS_RESOURCE },   { "notsupp", BLK_STS_NOTSUPP },
	{ "stall", BLK_STS_TIMEOUT },
};

static const char *const ramdisk_rule_op_names[] = {
	[RAMDISK_RULE_ANY] = "any",
	[RAMDISK_RULE_READ] = "read",
	[RAMDISK_RULE_WRITE] = "write",
};

/* One KEY=VALUE of a rule into @rule; logs what is wrong. */
static int ramdisk_rule_parse_one(struct ramdisk_rule *rule, char *word)
{
	char *value = strchr(word, '=');
	int i;

	if (!value)
		goto out_invalid;
	*value++ = '\0';
	if (!strcmp(word, "every"))
		return kstrtouint(value, 10, &rule->every) || !rule->every ?
			       -EINVAL :
			       0;
	if (!strcmp(word, "probability"))
		return kstrtouint(value, 10, &rule->probability) ||
				       !rule->probability ||
				       rule->probability > 100 ?
			       -EINVAL :
			       0;
	if (!strcmp(word, "seed"))
		return kstrtou64(value, 0, &rule->seed);
	if (!strcmp(word, "times"))
		return kstrtouint(value, 10, &rule->times);
	if (!strcmp(word, "op")) {
		i = match_string(ramdisk_rule_op_names,
				 ARRAY_SIZE(ramdisk_rule_op_names), value);
		if (i < 0)
			return -EINVAL;
		rule->op = i;
		return 0;
	}
	if (!strcmp(word, "status")) {
		for (i = 0; i < ARRAY_SIZE(ramdisk_rule_statuses); i++)
			if (!strcmp(value, ramdisk_rule_statuses[i].name))
				break;
		if (i == ARRAY_SIZE(ramdisk_rule_statuses))
			return -EINVAL;
		rule->status = ramdisk_rule_statuses[i].status;
		rule->stall = !strcmp(value, "stall");
		return 0;
	}
out_invalid:
	return -EINVAL;
}

/*
 * A rule from "every=N" or "probability=P [seed=S]", with op=, status=
 * and times= optional, or "off".
 */
static int ramdisk_rule_parse(struct ramdisk_rule *rule, bool *on,
			      const char *page)
{
	char *copy, *rest, *word;
	int err = 0;

	*rule = (struct ramdisk_rule){ .status = BLK_STS_IOERR };
	copy = kstrndup(page, PAGE_SIZE, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	rest = strim(copy);
	*on = strcmp(rest, "off");
	while (*on && !err && (word = strsep(&rest, " \t")))
		if (*word)
			err = ramdisk_rule_parse_one(rule, word);
	kfree(copy);
	if (err || (*on && !rule->every == !rule->probability)) {
		pr_err("inject=%.*s is invalid: allowed off, or every=N (N >= 1) or probability=P (1..100) with seed=S, op=any|read|write, status=ioerr|medium|timeout|nospc|transport|target|resource|notsupp|stall, times=N\n",
		       ramdisk_value_len(page), page);
		return -EINVAL;
	}
	return 0;
}

/* The rule needs a request to stall: a bio disk has no timeout handler. */
static int ramdisk_check_rule(const struct ramdisk_rule *rule, bool on,
			      const struct ramdisk_config *config)
{
	if (!on || !rule->stall || config->queue_mode == RAMDISK_QUEUE_MQ)
		return 0;
	pr_err("inject=status=stall needs queue_mode=mq: a bio disk has no timeout handler\n");
	return -EINVAL;
}

/* May sleep. A new rule starts counting from nothing. */
static ssize_t ramdisk_item_inject_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	struct ramdisk_faults *faults = &ri->faults;
	struct ramdisk_rule rule;
	bool on;
	int err;

	err = ramdisk_rule_parse(&rule, &on, page);
	if (err)
		return err;
	mutex_lock(&ramdisk_lock);
	err = ramdisk_check_rule(&rule, on, &ri->config);
	if (!err) {
		spin_lock(&faults->lock);
		faults->rule = rule;
		faults->until_hit = rule.every;
		faults->hits = 0;
		prandom_seed_state(&faults->rnd, rule.seed);
		WRITE_ONCE(faults->rule_on, on);
		spin_unlock(&faults->lock);
	}
	mutex_unlock(&ramdisk_lock);
	return err ?: count;
}

/* The rule as it would be written, or "off" once it has ended. */
static ssize_t ramdisk_item_inject_show(struct config_item *item, char *page)
{
	struct ramdisk_faults *faults = &to_ramdisk_item(item)->faults;
	struct ramdisk_rule rule;
	const char *status = "";
	ssize_t len;
	bool on;
	int i;

	spin_lock(&faults->lock);
	rule = faults->rule;
	on = faults->rule_on;
	spin_unlock(&faults->lock);
	if (!on)
		return sprintf(page, "off\n");
	for (i = 0; i < ARRAY_SIZE(ramdisk_rule_statuses); i++)
		if (rule.status == ramdisk_rule_statuses[i].status &&
		    rule.stall ==
			    !strcmp(ramdisk_rule_statuses[i].name, "stall"))
			status = ramdisk_rule_statuses[i].name;
	if (rule.every)
		len = sprintf(page, "every=%u", rule.every);
	else
		len = sprintf(page, "probability=%u seed=%llu",
			      rule.probability, rule.seed);
	return len + sprintf(page + len, " op=%s status=%s times=%u\n",
			     ramdisk_rule_op_names[rule.op], status,
			     rule.times);
}
CONFIGFS_ATTR(ramdisk_item_, inject);

static ssize_t ramdisk_item_power_show(struct config_item *item, char *page)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	bool powered;

	mutex_lock(&ramdisk_lock);
	powered = ri->rd;
	mutex_unlock(&ramdisk_lock);
	return sprintf(page, "%d\n", powered);
}

/*
 * Whether a store made with @old holds what @new describes: the same
 * bytes, and the same zones. Limits (open, active, append) may change.
 */
static bool ramdisk_same_store(const struct ramdisk_config *old,
			       const struct ramdisk_config *new)
{
	if (old->size != new->size || old->backing != new->backing ||
	    old->zoned != new->zoned)
		return false;
	return !new->zoned || (old->zone_size == new->zone_size &&
			       old->zone_capacity == new->zone_capacity &&
			       old->zone_nr_conv == new->zone_nr_conv);
}

/*
 * May sleep. The store a configfs disk kept from power 0, or a new one:
 * changed sizes or zones make the kept one meaningless, and it is freed.
 */
static struct ramdisk_dev *
ramdisk_item_store_for_power_on(struct ramdisk_item *ri)
{
	struct ramdisk_dev *rd = ri->kept;
	int err;

	if (rd && ramdisk_same_store(&rd->made_with, &ri->config)) {
		ri->kept = NULL;
		if (rd->zones)
			ramdisk_zones_power_on(rd->zones, &ri->config);
		return rd;
	}
	if (rd) {
		pr_info("ramdisk-%s: size, backing or zones changed while off: the kept data is dropped\n",
			config_item_name(&ri->item));
		ramdisk_free_dev(rd);
		ri->kept = NULL;
	}
	err = ramdisk_check_memory(&ri->config, 1);
	if (err)
		return ERR_PTR(err);
	return ramdisk_alloc_dev(&ri->config);
}

/*
 * May sleep. Called under ramdisk_lock. A disk powered off keeps its data
 * and zones (ramdisk_item_power_off()), and finds them again here.
 */
static int ramdisk_item_power_on(struct ramdisk_item *ri)
{
	char name[DISK_NAME_LEN];
	struct ramdisk_dev *rd;
	int err;

	lockdep_assert_held(&ramdisk_lock);
	/*
	 * Each setting is valid already: they started as the validated
	 * parameters and every write was validated. How the zone settings
	 * fit together is checked now; memory is a matter of now too.
	 */
	err = ramdisk_check_zoned(&ri->config) ?:
		      ramdisk_check_rule(&ri->faults.rule, ri->faults.rule_on,
					 &ri->config);
	if (err)
		return err;
	rd = ramdisk_item_store_for_power_on(ri);
	if (IS_ERR(rd))
		return PTR_ERR(rd);
	rd->faults = &ri->faults;
	snprintf(name, sizeof(name), RAMDISK_NAME "-%s",
		 config_item_name(&ri->item));
	err = ramdisk_add_disk(rd, &ri->config, name, &ri->item);
	if (err) {
		/* What was kept stays kept: a failed power on loses nothing. */
		ri->kept = rd;
		return err;
	}
	ri->rd = rd;
	return 0;
}

/*
 * May sleep. Called under ramdisk_lock. The disk goes; its store stays
 * with the item until power on or rmdir, as a drive keeps its data
 * without power.
 */
static int ramdisk_item_power_off(struct ramdisk_item *ri)
{
	int err;

	lockdep_assert_held(&ramdisk_lock);
	err = ramdisk_claim_for_removal(ri->rd);
	if (err)
		return err;
	ramdisk_remove_disk(ri->rd);
	ri->kept = ri->rd;
	ri->rd = NULL;
	return 0;
}

static ssize_t ramdisk_item_power_store(struct config_item *item,
					const char *page, size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	bool power;
	int err;

	if (kstrtobool(page, &power)) {
		pr_err("power=%.*s is invalid: allowed 0 or 1\n",
		       ramdisk_value_len(page), page);
		return -EINVAL;
	}
	mutex_lock(&ramdisk_lock);
	if (power == !!ri->rd)
		err = 0;
	else if (power)
		err = ramdisk_item_power_on(ri);
	else
		err = ramdisk_item_power_off(ri);
	mutex_unlock(&ramdisk_lock);
	return err ?: count;
}
CONFIGFS_ATTR(ramdisk_item_, power);

/*
 * power_loss: "1" cuts the power, "seed=S [keep=P]" cuts it keeping a
 * seeded choice of the volatile writes, "0" brings it back. Logs what is
 * wrong.
 */
static int ramdisk_power_loss_parse(const char *page, bool *lose,
				    struct ramdisk_power_loss *loss)
{
	char buf[64], *opts = buf, *opt, *val;
	int err = 0;

	*loss = (struct ramdisk_power_loss){
		.keep = RAMDISK_DEFAULT_POWER_LOSS_KEEP,
	};
	if (!kstrtobool(page, lose))
		return 0;
	if (strscpy(buf, page, sizeof(buf)) < 0)
		goto out_invalid;
	while ((opt = strsep(&opts, "\n ")) && !err) {
		if (!*opt)
			continue;
		val = strchr(opt, '=');
		if (!val)
			goto out_invalid;
		*val++ = 0;
		if (!strcmp(opt, "seed")) {
			err = kstrtou64(val, 0, &loss->seed);
			loss->seeded = true;
		} else if (!strcmp(opt, "keep")) {
			err = kstrtouint(val, 10, &loss->keep) ?:
				      (loss->keep > 100 ? -ERANGE : 0);
		} else {
			goto out_invalid;
		}
	}
	*lose = true;
	if (!err && loss->seeded)
		return 0;
out_invalid:
	pr_err("power_loss=%.*s is invalid: allowed 0, 1, or seed=S [keep=0..100]\n",
	       ramdisk_value_len(page), page);
	return -EINVAL;
}

static ssize_t ramdisk_item_power_loss_show(struct config_item *item,
					    char *page)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	struct ramdisk_cache *cache;
	ssize_t len;

	mutex_lock(&ramdisk_lock);
	cache = ri->rd ? ri->rd->cache : NULL;
	if (!cache || !cache->lost)
		len = sprintf(page, "0\n");
	else if (!cache->loss.seeded)
		len = sprintf(page, "1\n");
	else
		len = sprintf(page, "seed=%llu keep=%u\n", cache->loss.seed,
			      cache->loss.keep);
	mutex_unlock(&ramdisk_lock);
	return len;
}

/* May sleep: undoes the lost writes. */
static ssize_t ramdisk_item_power_loss_store(struct config_item *item,
					     const char *page, size_t count)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	const char *name = config_item_name(item);
	struct ramdisk_power_loss loss;
	bool lose;
	int err;

	err = ramdisk_power_loss_parse(page, &lose, &loss);
	if (err)
		return err;
	mutex_lock(&ramdisk_lock);
	if (!ri->rd) {
		pr_err("power_loss: ramdisk-%s is not powered\n", name);
		err = -ENODEV;
	} else if (!ri->rd->cache) {
		pr_err("power_loss: ramdisk-%s has no volatile write cache (cache_size=0): it has nothing to lose\n",
		       name);
		err = -EINVAL;
	} else if (!lose && ri->rd->zones && ri->rd->cache->lost) {
		pr_err("power_loss=0 is invalid for zoned ramdisk-%s: the block layer may keep write pointers of its own, which the loss moved back; write 0 to power, then 1, as a drive comes back\n",
		       name);
		err = -EINVAL;
	} else if (!lose) {
		ramdisk_cache_restore_power(ri->rd);
	} else {
		err = ramdisk_cache_lose_power(ri->rd, &loss);
		if (err)
			pr_err("power_loss: ramdisk-%s has lost power already; write 0 first\n",
			       name);
		else
			pr_info("ramdisk-%s: power lost: %ld volatile writes dropped, %ld kept\n",
				name, atomic_long_read(&ri->rd->dropped_writes),
				atomic_long_read(&ri->rd->kept_writes));
	}
	mutex_unlock(&ramdisk_lock);
	return err ?: count;
}
CONFIGFS_ATTR(ramdisk_item_, power_loss);

/*
 * May sleep. zone_readonly and zone_offline, write-only as null_blk's: a
 * sector of a powered zoned disk puts its zone in that condition, or takes
 * it out if it is in it already.
 */
static ssize_t ramdisk_item_zone_fault_store(struct config_item *item,
					     const char *page, size_t count,
					     const char *name,
					     enum blk_zone_cond cond)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);
	u64 sector;
	int err;

	if (kstrtou64(page, 0, &sector)) {
		pr_err("%s=%.*s is not a sector number\n", name,
		       ramdisk_value_len(page), page);
		return -EINVAL;
	}
	mutex_lock(&ramdisk_lock);
	if (!ri->rd || !ri->rd->zones) {
		pr_err("%s: ramdisk-%s is not a powered zoned disk\n", name,
		       config_item_name(item));
		err = -EINVAL;
	} else {
		err = ramdisk_zone_set_fault(ri->rd, sector, cond);
	}
	mutex_unlock(&ramdisk_lock);
	return err ?: count;
}

static ssize_t ramdisk_item_zone_readonly_store(struct config_item *item,
						const char *page, size_t count)
{
	return ramdisk_item_zone_fault_store(item, page, count, "zone_readonly",
					     BLK_ZONE_COND_READONLY);
}
CONFIGFS_ATTR_WO(ramdisk_item_, zone_readonly);

static ssize_t ramdisk_item_zone_offline_store(struct config_item *item,
					       const char *page, size_t count)
{
	return ramdisk_item_zone_fault_store(item, page, count, "zone_offline",
					     BLK_ZONE_COND_OFFLINE);
}
CONFIGFS_ATTR_WO(ramdisk_item_, zone_offline);

/*
 * The features file lists these names; keep power and settings first.
 * One per line, which clang-format would pack into columns.
 */
/* clang-format off */
static struct configfs_attribute *ramdisk_item_attrs[] = {
	&ramdisk_item_attr_power,
	&ramdisk_item_attr_size,
	&ramdisk_item_attr_backing,
	&ramdisk_item_attr_queue_mode,
	&ramdisk_item_attr_logical_block_size,
	&ramdisk_item_attr_nr_hw_queues,
	&ramdisk_item_attr_poll_queues,
	&ramdisk_item_attr_queue_depth,
	&ramdisk_item_attr_max_part,
	&ramdisk_item_attr_zoned,
	&ramdisk_item_attr_zone_size,
	&ramdisk_item_attr_zone_capacity,
	&ramdisk_item_attr_zone_nr_conv,
	&ramdisk_item_attr_zone_max_open,
	&ramdisk_item_attr_zone_max_active,
	&ramdisk_item_attr_zone_append_max_sectors,
	&ramdisk_item_attr_zone_readonly,
	&ramdisk_item_attr_zone_offline,
	&ramdisk_item_attr_completion_nsec,
	&ramdisk_item_attr_mbps,
	&ramdisk_item_attr_io_timeout,
	&ramdisk_item_attr_cache_size,
	&ramdisk_item_attr_fua,
	&ramdisk_item_attr_power_loss,
	&ramdisk_item_attr_badblocks,
	&ramdisk_item_attr_badblocks_once,
	&ramdisk_item_attr_badblocks_partial_io,
	&ramdisk_item_attr_inject,
	&ramdisk_item_attr_disk_name,
	NULL,
};

/* clang-format on */

static void ramdisk_item_release(struct config_item *item)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);

	badblocks_exit(&ri->faults.bb);
	kfree(ri);
}

static struct configfs_item_operations ramdisk_item_ops = {
	.release = ramdisk_item_release,
};

static const struct config_item_type ramdisk_item_type = {
	.ct_item_ops = &ramdisk_item_ops,
	.ct_attrs = ramdisk_item_attrs,
	.ct_owner = THIS_MODULE,
};

/* NAME: 1 to RAMDISK_MAX_NAME_LEN of [a-z0-9_], not all digits. */
static bool ramdisk_valid_item_name(const char *name)
{
	size_t len = strlen(name);

	return len && len <= RAMDISK_MAX_NAME_LEN &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == len &&
	       strspn(name, "0123456789") != len;
}

/* May sleep: mkdir. The new item's settings are the module parameters. */
static struct config_item *ramdisk_make_item(struct config_group *group,
					     const char *name)
{
	struct ramdisk_item *ri;

	if (!ramdisk_valid_item_name(name)) {
		pr_err("configfs name '%s' is invalid: allowed 1 to %zu characters of a-z, 0-9 and _, not all digits\n",
		       name, RAMDISK_MAX_NAME_LEN);
		return ERR_PTR(-EINVAL);
	}
	ri = kzalloc(sizeof(*ri), GFP_KERNEL);
	if (!ri)
		return ERR_PTR(-ENOMEM);
	if (badblocks_init(&ri->faults.bb, 1)) {
		kfree(ri);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&ri->faults.lock);
	ri->config = ramdisk_defaults;
	config_item_init_type_name(&ri->item, name, &ramdisk_item_type);
	return &ri->item;
}

/*
 * May sleep: rmdir. configfs has already refused an rmdir of an open disk
 * (ramdisk_open() depends on the item) and refuses new opens from here on,
 * so a powered disk has no openers and the claim cannot fail.
 */
static void ramdisk_drop_item(struct config_group *group,
			      struct config_item *item)
{
	struct ramdisk_item *ri = to_ramdisk_item(item);

	mutex_lock(&ramdisk_lock);
	if (ri->rd)
		WARN_ON_ONCE(ramdisk_item_power_off(ri));
	if (ri->kept)
		ramdisk_free_dev(ri->kept);
	ri->kept = NULL;
	mutex_unlock(&ramdisk_lock);
	config_item_put(item);
}

/* Names of every attribute of a disk, for tools to probe. */
static ssize_t ramdisk_group_features_show(struct config_item *item, char *page)
{
	struct configfs_attribute **attr;
	ssize_t len = 0;

	for (attr = ramdisk_item_attrs; *attr; attr++)
		len += sprintf(page + len, "%s%s", len ? "," : "",
			       (*attr)->ca_name);
	return len + sprintf(page + len, "\n");
}
CONFIGFS_ATTR_RO(ramdisk_group_, features);

static struct configfs_attribute *ramdisk_group_attrs[] = {
	&ramdisk_group_attr_features,
	NULL,
};

static struct configfs_group_operations ramdisk_group_ops = {
	.make_item = ramdisk_make_item,
	.drop_item = ramdisk_drop_item,
};

static const struct config_item_type ramdisk_group_type = {
	.ct_group_ops = &ramdisk_group_ops,
	.ct_attrs = ramdisk_group_attrs,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem ramdisk_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = RAMDISK_NAME,
			.ci_type = &ramdisk_group_type,
		},
	},
};

/* May sleep. Load-time disks are not open: the module is being unloaded. */
static void ramdisk_remove_all(void)
{
	struct ramdisk_dev *rd, *next;

	mutex_lock(&ramdisk_lock);
	list_for_each_entry_safe(rd, next, &ramdisk_devs, list)
		ramdisk_remove(rd);
	mutex_unlock(&ramdisk_lock);
}

/* May sleep. Makes nr_disks disks: ramdisk, ramdisk-1, ramdisk-2, ... */
static int __init ramdisk_add_load_disks(void)
{
	char name[DISK_NAME_LEN];
	struct ramdisk_dev *rd;
	unsigned int i;

	mutex_lock(&ramdisk_lock);
	for (i = 0; i < nr_disks; i++) {
		if (i)
			snprintf(name, sizeof(name), RAMDISK_NAME "-%u", i);
		else
			strscpy(name, RAMDISK_NAME, sizeof(name));
		rd = ramdisk_add(&ramdisk_defaults, name, NULL);
		if (IS_ERR(rd))
			break;
	}
	mutex_unlock(&ramdisk_lock);
	return i < nr_disks ? PTR_ERR(rd) : 0;
}

static int __init ramdisk_init(void)
{
	int err;

	err = ramdisk_check_params();
	if (err)
		return err;

	ramdisk_major = register_blkdev(0, RAMDISK_NAME);
	if (ramdisk_major < 0)
		return ramdisk_major;

	err = ramdisk_add_load_disks();
	if (err)
		goto out_remove_disks;

	config_group_init(&ramdisk_subsys.su_group);
	mutex_init(&ramdisk_subsys.su_mutex);
	err = configfs_register_subsystem(&ramdisk_subsys);
	if (err)
		goto out_remove_disks;
	return 0;

out_remove_disks:
	ramdisk_remove_all();
	unregister_blkdev(ramdisk_major, RAMDISK_NAME);
	return err;
}

/*
 * configfs holds the module while any of its disks exists, so only
 * load-time disks are left here.
 */
static void __exit ramdisk_exit(void)
{
	configfs_unregister_subsystem(&ramdisk_subsys);
	ramdisk_remove_all();
	unregister_blkdev(ramdisk_major, RAMDISK_NAME);
	ida_destroy(&ramdisk_indexes);
}

module_init(ramdisk_init);
module_exit(ramdisk_exit);

MODULE_DESCRIPTION("RAM-backed blk-mq block device");
MODULE_AUTHOR("The ramdisk developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(RAMDISK_VERSION);
