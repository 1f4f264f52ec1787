// SPDX-License-Identifier: GPL-2.0
/*
 * ramdisk: a blk-mq block device whose data lives in RAM.
 *
 * One disk, /dev/ramdisk, backed either by one zeroed linear buffer
 * (backing=linear) or by pages allocated on first write (backing=pages).
 * Requests arrive on per-CPU hardware queues; ramdisk_queue_rq() copies
 * each segment to or from the store and completes the request inline,
 * since there is no hardware to wait for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
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
static unsigned int queue_depth = RAMDISK_DEFAULT_QUEUE_DEPTH;
static unsigned int logical_block_size = RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE;
static unsigned int max_part = RAMDISK_DEFAULT_MAX_PART;
static char *backing = __stringify(RAMDISK_DEFAULT_BACKING);

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
module_param(backing, charp, 0444);
/* modinfo prints the text on one line; so does the source, for grep. */
#define RAMDISK_BACKING_TEXT \
	"linear: all memory allocated at load; pages: allocated on write, freed on discard, size may exceed RAM."
RAMDISK_PARM_DESC(backing, RAMDISK_BACKING_TEXT, RAMDISK_DEFAULT_BACKING, "");

static const char *const ramdisk_backing_names[] = {
	[RAMDISK_BACKING_LINEAR] = "linear",
	[RAMDISK_BACKING_PAGES] = "pages",
};

/* backing, parsed once by ramdisk_check_params(). */
static enum ramdisk_backing backing_mode;

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
static void ramdisk_linear_read(struct ramdisk_dev *rd, struct request *rq)
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
static void ramdisk_linear_write(struct ramdisk_dev *rd, struct request *rq)
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
static void ramdisk_linear_zero(struct ramdisk_dev *rd, struct request *rq)
{
	memset(rd->store + (blk_rq_pos(rq) << SECTOR_SHIFT), 0,
	       blk_rq_bytes(rq));
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

/* Does not sleep. */
static void ramdisk_pages_read(struct ramdisk_dev *rd, struct request *rq)
{
	u64 pos = blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bvec;
	unsigned int done, len;

	rq_for_each_segment(bvec, rq, iter) {
		for (done = 0; done < bvec.bv_len; done += len, pos += len) {
			len = ramdisk_piece(pos, bvec.bv_len - done);
			ramdisk_pages_copy_out(rd, bvec.bv_page,
					       bvec.bv_offset + done, pos, len);
		}
	}
}

static void ramdisk_free_page_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

/*
 * May sleep: runs in queue_rq, which BLK_MQ_F_BLOCKING lets sleep. GFP_NOIO
 * because this write may be the kernel writing out dirty pages to free
 * memory: reclaim must not wait for I/O that could queue behind it.
 * __GFP_RETRY_MAYFAIL makes a machine without memory fail the write
 * instead of retrying forever; the reserve check fails it before the
 * machine gets there. Losing a race with another queue inserting the same
 * index is success: the caller finds the winner's page.
 */
static int ramdisk_pages_insert(struct ramdisk_dev *rd, pgoff_t index)
{
	const gfp_t gfp = GFP_NOIO | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	struct page *page, *old;

	/* The cheap counter first; si_mem_available() only when it is low. */
	if (global_zone_page_state(NR_FREE_PAGES) < 2 * rd->reserve_pages &&
	    si_mem_available() < (long)rd->reserve_pages)
		return -ENOMEM;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);
	if (!page)
		return -ENOMEM;
	old = xa_cmpxchg(&rd->pages, index, NULL, page, gfp);
	if (!old) {
		atomic_long_inc(&rd->nr_pages);
		return 0;
	}
	__free_page(page);
	return xa_is_err(old) ? xa_err(old) : 0;
}

static noinline blk_status_t ramdisk_no_memory(u64 pos)
{
	pr_err_ratelimited("sector %llu: no memory for a new page\n",
			   pos >> SECTOR_SHIFT);
	return BLK_STS_NOSPC;
}

/* May sleep, in ramdisk_pages_insert(). */
static blk_status_t ramdisk_pages_copy_in(struct ramdisk_dev *rd, u64 pos,
					  struct page *from,
					  unsigned int from_off,
					  unsigned int len)
{
	struct page *page;

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
		if (ramdisk_pages_insert(rd, pos >> PAGE_SHIFT))
			return ramdisk_no_memory(pos);
	}
}

/*
 * May sleep. On failure, the pieces before the one that failed are
 * written; the block layer reports the whole request as failed.
 */
static blk_status_t ramdisk_pages_write(struct ramdisk_dev *rd,
					struct request *rq)
{
	u64 pos = blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bvec;
	unsigned int done, len;
	blk_status_t status;

	rq_for_each_segment(bvec, rq, iter) {
		for (done = 0; done < bvec.bv_len; done += len, pos += len) {
			len = ramdisk_piece(pos, bvec.bv_len - done);
			status = ramdisk_pages_copy_in(rd, pos, bvec.bv_page,
						       bvec.bv_offset + done,
						       len);
			if (unlikely(status))
				return status;
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
static void ramdisk_pages_zero(struct ramdisk_dev *rd, struct request *rq)
{
	u64 pos = blk_rq_pos(rq) << SECTOR_SHIFT;
	u64 end = pos + blk_rq_bytes(rq);
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
		if (rd->backing == RAMDISK_BACKING_PAGES)
			ramdisk_pages_read(rd, rq);
		else
			ramdisk_linear_read(rd, rq);
		return BLK_STS_OK;
	case REQ_OP_WRITE:
		if (rd->backing == RAMDISK_BACKING_PAGES)
			return ramdisk_pages_write(rd, rq);
		ramdisk_linear_write(rd, rq);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		/* RAM has no volatile cache: everything written is stored. */
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		if (rd->backing == RAMDISK_BACKING_PAGES)
			ramdisk_pages_zero(rd, rq);
		else
			ramdisk_linear_zero(rd, rq);
		return BLK_STS_OK;
	default:
		return ramdisk_unsupported(rq);
	}
}

/*
 * Linear backing: does not sleep, the work is a memcpy. Page backing: may
 * sleep allocating a page, which BLK_MQ_F_BLOCKING permits.
 */
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

/* What the disk holds in memory now: all of it for a linear store. */
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
	return sysfs_emit(buf, "%llu\n", bytes);
}
static DEVICE_ATTR_RO(allocated_bytes);

static struct attribute *ramdisk_disk_attrs[] = {
	&dev_attr_allocated_bytes.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ramdisk_disk);

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

/* Mirrors ramdisk_alloc_backing(). */
static void ramdisk_free_backing(struct ramdisk_dev *rd)
{
	if (rd->backing == RAMDISK_BACKING_PAGES)
		ramdisk_pages_destroy(rd);
	else
		kvfree(rd->store);
}

/* May sleep; the page store starts empty and costs nothing until written. */
static int ramdisk_alloc_backing(struct ramdisk_dev *rd)
{
	if (rd->backing == RAMDISK_BACKING_PAGES) {
		xa_init(&rd->pages);
		rd->reserve_pages =
			totalram_pages() / RAMDISK_PAGES_RESERVE_FRACTION;
		return 0;
	}
	rd->store = ramdisk_alloc_store(size);
	if (!rd->store) {
		pr_err("size=%llu: cannot allocate the backing store\n", size);
		return -ENOMEM;
	}
	return 0;
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
	rd->backing = backing_mode;
	err = ramdisk_alloc_backing(rd);
	if (err)
		goto out_free_dev;

	/*
	 * A page is freed only by a discard that covers all of it; with page
	 * granularity the block layer splits long discards on page
	 * boundaries, so no page is left half-covered by two requests.
	 */
	if (rd->backing == RAMDISK_BACKING_PAGES)
		lim.discard_granularity = PAGE_SIZE;

	rd->tag_set.ops = &ramdisk_mq_ops;
	rd->tag_set.nr_hw_queues = nr_hw_queues;
	rd->tag_set.queue_depth = queue_depth;
	rd->tag_set.numa_node = NUMA_NO_NODE;
	/* An I/O scheduler only delays a device that completes inline. */
	rd->tag_set.flags = BLK_MQ_F_SHOULD_MERGE |
			    BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	/* A page store allocates in queue_rq, and GFP_NOIO may sleep. */
	if (rd->backing == RAMDISK_BACKING_PAGES)
		rd->tag_set.flags |= BLK_MQ_F_BLOCKING;
	rd->tag_set.driver_data = rd;
	err = blk_mq_alloc_tag_set(&rd->tag_set);
	if (err)
		goto out_free_backing;

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

	err = device_add_disk(NULL, disk, ramdisk_disk_groups);
	if (err)
		goto out_cleanup_disk;
	return rd;

out_cleanup_disk:
	put_disk(disk);
out_free_tags:
	blk_mq_free_tag_set(&rd->tag_set);
out_free_backing:
	ramdisk_free_backing(rd);
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
	ramdisk_free_backing(rd);
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
	err = sysfs_match_string(ramdisk_backing_names, backing);
	if (err < 0) {
		pr_err("backing=%s is invalid: allowed linear or pages\n",
		       backing);
		return -EINVAL;
	}
	backing_mode = err;
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

	/*
	 * Refuse a linear store that cannot fit rather than push the machine
	 * into OOM. A page store only needs memory for what is written.
	 */
	avail_mib = si_mem_available() >> (20 - PAGE_SHIFT);
	if (backing_mode == RAMDISK_BACKING_LINEAR && size >> 20 >= avail_mib) {
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
	pr_info("%s: %llu bytes, %s store, %u hardware queues of depth %u, %u-byte blocks\n",
		ramdisk->disk->disk_name, size, backing, nr_hw_queues,
		queue_depth, logical_block_size);
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
