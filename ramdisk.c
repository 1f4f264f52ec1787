// SPDX-License-Identifier: GPL-2.0
/*
 * ramdisk: a blk-mq block device whose data lives in RAM.
 *
 * One disk, /dev/ramdisk, backed by one zeroed linear buffer. Requests
 * arrive on per-CPU hardware queues; ramdisk_queue_rq() copies each
 * segment to or from the buffer and completes the request inline, since
 * there is no hardware to wait for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/cpumask.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/vmalloc.h>

#include "ramdisk.h"
#include "ramdisk_compat.h"

#define CREATE_TRACE_POINTS
#include "ramdisk_trace.h"

static unsigned long long size = (unsigned long long)RAMDISK_DEFAULT_SIZE_MIB
				 << 20;
static unsigned int nr_hw_queues = RAMDISK_DEFAULT_NR_HW_QUEUES;
static unsigned int queue_depth = RAMDISK_DEFAULT_QUEUE_DEPTH;
static unsigned int logical_block_size = RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE;
static unsigned int max_part = RAMDISK_DEFAULT_MAX_PART;

/* Checks only the syntax; ramdisk_check_params() checks the value. */
static int ramdisk_set_size(const char *val, const struct kernel_param *kp)
{
	unsigned long long bytes;
	char *end;

	bytes = memparse(val, &end);
	if (*end == '\n')
		end++;
	if (end == val || *end) {
		pr_err("size=%s is not a byte count (suffixes K, M, G allowed)\n",
		       val);
		return -EINVAL;
	}
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

static int ramdisk_major;
static struct ramdisk_dev *ramdisk;

/* Kept out of line: it only runs when something above us is broken. */
static noinline blk_status_t ramdisk_out_of_range(struct ramdisk_dev *rd,
						  struct request *rq)
{
	pr_err_ratelimited("sector %llu + %u is beyond capacity %llu\n",
			   (unsigned long long)blk_rq_pos(rq),
			   blk_rq_sectors(rq),
			   (unsigned long long)rd->capacity);
	return BLK_STS_IOERR;
}

static noinline blk_status_t ramdisk_unsupported(struct request *rq)
{
	pr_err_ratelimited("operation %s (%u) is not supported\n",
			   blk_op_str(req_op(rq)),
			   (__force unsigned int)req_op(rq));
	return BLK_STS_NOTSUPP;
}

/* Does not sleep: copies one page-sized segment at a time. */
static void ramdisk_read(struct ramdisk_dev *rd, struct request *rq)
{
	void *src = rd->store + (blk_rq_pos(rq) << SECTOR_SHIFT);
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, rq, iter) {
		memcpy_to_bvec(&bvec, src);
		src += bvec.bv_len;
	}
}

/* Does not sleep: copies one page-sized segment at a time. */
static void ramdisk_write(struct ramdisk_dev *rd, struct request *rq)
{
	void *dst = rd->store + (blk_rq_pos(rq) << SECTOR_SHIFT);
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, rq, iter) {
		memcpy_from_bvec(dst, &bvec);
		dst += bvec.bv_len;
	}
}

/*
 * Does not sleep. Discard zeroes too: a later read must not return what
 * was there, and zeroes are what an unwritten sector reads as.
 */
static void ramdisk_zero(struct ramdisk_dev *rd, struct request *rq)
{
	memset(rd->store + (blk_rq_pos(rq) << SECTOR_SHIFT), 0,
	       blk_rq_bytes(rq));
}

static blk_status_t ramdisk_do_request(struct ramdisk_dev *rd,
				       struct request *rq)
{
	sector_t sectors = blk_rq_sectors(rq);

	/*
	 * The block core checks bios against the disk's size, but passthrough
	 * requests skip that check, kernels before 6.7 accepted partitions
	 * reaching past the disk, and the store must never be overrun.
	 */
	if (unlikely(sectors > rd->capacity ||
		     blk_rq_pos(rq) > rd->capacity - sectors))
		return ramdisk_out_of_range(rd, rq);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		ramdisk_read(rd, rq);
		return BLK_STS_OK;
	case REQ_OP_WRITE:
		ramdisk_write(rd, rq);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		/* RAM has no volatile cache: everything written is stored. */
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		ramdisk_zero(rd, rq);
		return BLK_STS_OK;
	default:
		return ramdisk_unsupported(rq);
	}
}

/* Does not sleep (no BLK_MQ_F_BLOCKING): the work is a memcpy. */
static blk_status_t ramdisk_queue_rq(struct blk_mq_hw_ctx *hctx,
				     const struct blk_mq_queue_data *bd)
{
	struct ramdisk_dev *rd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	blk_status_t status;

	blk_mq_start_request(rq);
	status = ramdisk_do_request(rd, rq);
	trace_ramdisk_rq_done(rq, hctx->queue_num, status);
	blk_mq_end_request(rq, status);
	/* The request is ended; an error here would end it a second time. */
	return BLK_STS_OK;
}

static const struct blk_mq_ops ramdisk_mq_ops = {
	.queue_rq = ramdisk_queue_rq,
};

static const struct block_device_operations ramdisk_fops = {
	/* Holds the module while the disk is open or mounted. */
	.owner = THIS_MODULE,
};

/*
 * May sleep; runs at load time only, so GFP_KERNEL is right. The store is
 * zeroed here so that a read of a never-written sector cannot return old
 * kernel memory. kvmalloc() refuses sizes above INT_MAX, so larger stores
 * come from vmalloc directly. __GFP_RETRY_MAYFAIL makes a size the machine
 * cannot hold fail instead of invoking the OOM killer.
 */
static void *ramdisk_alloc_store(unsigned long long bytes)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;

	if (bytes > INT_MAX)
		return __vmalloc(bytes, gfp);
	return kvmalloc(bytes, gfp);
}

static struct ramdisk_dev *ramdisk_add(void)
{
	struct queue_limits lim = {
		.logical_block_size = logical_block_size,
		/* So partitioning tools align to pages, as brd does. */
		.physical_block_size = PAGE_SIZE,
		.max_hw_sectors = RAMDISK_MAX_REQUEST_SECTORS,
		/* Segments cost one memcpy each; their number needs no cap. */
		.max_segments = USHRT_MAX,
		.max_hw_discard_sectors = RAMDISK_MAX_ZEROING_SECTORS,
		.discard_granularity = logical_block_size,
		.max_write_zeroes_sectors = RAMDISK_MAX_ZEROING_SECTORS,
	};
	struct ramdisk_dev *rd;
	struct gendisk *disk;
	int err;

	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return ERR_PTR(-ENOMEM);

	rd->capacity = size >> SECTOR_SHIFT;
	rd->store = ramdisk_alloc_store(size);
	if (!rd->store) {
		pr_err("size=%llu: cannot allocate the backing store\n", size);
		err = -ENOMEM;
		goto out_free_dev;
	}

	rd->tag_set.ops = &ramdisk_mq_ops;
	rd->tag_set.nr_hw_queues = nr_hw_queues;
	rd->tag_set.queue_depth = queue_depth;
	rd->tag_set.numa_node = NUMA_NO_NODE;
	/* An I/O scheduler only delays a device that completes inline. */
	rd->tag_set.flags = BLK_MQ_F_SHOULD_MERGE |
			    BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	rd->tag_set.driver_data = rd;
	err = blk_mq_alloc_tag_set(&rd->tag_set);
	if (err)
		goto out_free_store;

	disk = ramdisk_alloc_disk(&rd->tag_set, &lim, rd);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_free_tags;
	}
	rd->disk = disk;
	disk->major = ramdisk_major;
	disk->first_minor = 0;
	disk->minors = max_part;
	disk->fops = &ramdisk_fops;
	disk->private_data = rd;
	strscpy(disk->disk_name, RAMDISK_NAME, DISK_NAME_LEN);
	set_capacity(disk, rd->capacity);

	err = add_disk(disk);
	if (err)
		goto out_cleanup_disk;
	return rd;

out_cleanup_disk:
	put_disk(disk);
out_free_tags:
	blk_mq_free_tag_set(&rd->tag_set);
out_free_store:
	kvfree(rd->store);
out_free_dev:
	kfree(rd);
	return ERR_PTR(err);
}

/* Mirrors ramdisk_add(). */
static void ramdisk_remove(struct ramdisk_dev *rd)
{
	del_gendisk(rd->disk);
	put_disk(rd->disk);
	blk_mq_free_tag_set(&rd->tag_set);
	kvfree(rd->store);
	kfree(rd);
}

static int __init ramdisk_check_range(const char *name,
				      unsigned long long value,
				      unsigned long long min,
				      unsigned long long max)
{
	if (value >= min && value <= max)
		return 0;
	pr_err("%s=%llu is out of range: allowed %llu..%llu\n", name, value,
	       min, max);
	return -EINVAL;
}

/* Rejects bad parameters; fills in nr_hw_queues=0 so sysfs shows the truth. */
static int __init ramdisk_check_params(void)
{
	unsigned long avail_mib;
	int err;

	if (logical_block_size < SECTOR_SIZE ||
	    logical_block_size > PAGE_SIZE ||
	    !is_power_of_2(logical_block_size)) {
		pr_err("logical_block_size=%u is invalid: allowed a power of two from %u to %lu\n",
		       logical_block_size, SECTOR_SIZE, PAGE_SIZE);
		return -EINVAL;
	}
	if (!size || size % logical_block_size) {
		pr_err("size=%llu is invalid: allowed a non-zero multiple of logical_block_size (%u)\n",
		       size, logical_block_size);
		return -EINVAL;
	}
	err = ramdisk_check_range("nr_hw_queues", nr_hw_queues, 0, nr_cpu_ids);
	if (err)
		return err;
	err = ramdisk_check_range("queue_depth", queue_depth, 1,
				  RAMDISK_MAX_QUEUE_DEPTH);
	if (err)
		return err;
	err = ramdisk_check_range("max_part", max_part, 1, DISK_MAX_PARTS);
	if (err)
		return err;

	/* Refuse what cannot fit rather than push the machine into OOM. */
	avail_mib = si_mem_available() >> (20 - PAGE_SHIFT);
	if (size >> 20 >= avail_mib) {
		pr_err("size=%llu is more than the %lu MiB of memory available\n",
		       size, avail_mib);
		return -ENOMEM;
	}

	if (!nr_hw_queues)
		nr_hw_queues = num_online_cpus();
	return 0;
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

	ramdisk = ramdisk_add();
	if (IS_ERR(ramdisk)) {
		err = PTR_ERR(ramdisk);
		goto out_unregister;
	}
	pr_info("%s: %llu bytes, %u hardware queues of depth %u, %u-byte blocks\n",
		ramdisk->disk->disk_name, size, nr_hw_queues, queue_depth,
		logical_block_size);
	return 0;

out_unregister:
	unregister_blkdev(ramdisk_major, RAMDISK_NAME);
	return err;
}

static void __exit ramdisk_exit(void)
{
	ramdisk_remove(ramdisk);
	unregister_blkdev(ramdisk_major, RAMDISK_NAME);
}

module_init(ramdisk_init);
module_exit(ramdisk_exit);

MODULE_DESCRIPTION("RAM-backed blk-mq block device");
MODULE_AUTHOR("The ramdisk developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(RAMDISK_VERSION);
