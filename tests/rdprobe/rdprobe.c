// SPDX-License-Identifier: GPL-2.0
/*
 * rdprobe: a test helper, never part of the driver. It sends one request
 * straight to a disk's queue, skipping the block core's end-of-device
 * check, to show how ramdisk treats requests its callers should never send
 * (past the end, or an operation it does not support). A bio-based disk
 * (queue_mode=bio) has no queue to send a request to: it gets a bio of the
 * same operation handed straight to its ->submit_bio, which skips the
 * block core's checks the same way.
 *
 * op=append sends a zone append through the block layer (submit_bio),
 * as a filesystem would, and logs the sector the disk says it wrote.
 * op=fua sends a FUA write the same way: user space has no FUA write
 * without a flush (an O_DSYNC write is followed by one).
 *
 * It loads only if the request succeeded: otherwise module init returns
 * the request's errno, so insmod itself reports the outcome.
 *
 * The requests are passthrough (drv_in, drv_out): blk_execute_rq() is
 * meant for those and warns about plain reads and writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>

static unsigned int major;
module_param(major, uint, 0444);
MODULE_PARM_DESC(major, "Major number of the disk (minor 0).");
static char *op = "drv_in";
module_param(op, charp, 0444);
MODULE_PARM_DESC(op,
		 "drv_in or drv_out; read or write (bio disks only); append (zoned disks); fua.");
static unsigned long long sector;
module_param(sector, ullong, 0444);
MODULE_PARM_DESC(sector, "First sector of the request.");
static unsigned int bytes = 512;
module_param(bytes, uint, 0444);
MODULE_PARM_DESC(bytes, "Length of the request in bytes.");

/*
 * Opening a disk by number changed in v6.9 (bdev_file_open_by_dev); the
 * Kbuild file probes for it. Only the probe needs this, so it lives here.
 */
#ifdef RDPROBE_HAVE_BDEV_FILE
struct rdprobe_handle {
	struct file *file;
};

static struct block_device *rdprobe_open(dev_t dev, struct rdprobe_handle *h)
{
	h->file = bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(h->file))
		return ERR_CAST(h->file);
	return file_bdev(h->file);
}

static void rdprobe_close(struct rdprobe_handle *h)
{
	fput(h->file);
}
#else
struct rdprobe_handle {
	struct block_device *bdev;
};

static struct block_device *rdprobe_open(dev_t dev, struct rdprobe_handle *h)
{
	h->bdev = blkdev_get_by_dev(dev, FMODE_READ, NULL);
	return h->bdev;
}

static void rdprobe_close(struct rdprobe_handle *h)
{
	blkdev_put(h->bdev, FMODE_READ);
}
#endif

/*
 * A read or write is sent as a bio only: blk_execute_rq() warns about
 * requests that are not passthrough.
 */
static int rdprobe_parse_op(blk_opf_t *opf, bool bio_disk)
{
	if (!strcmp(op, "drv_in"))
		*opf = REQ_OP_DRV_IN;
	else if (!strcmp(op, "drv_out"))
		*opf = REQ_OP_DRV_OUT;
	else if (bio_disk && !strcmp(op, "read"))
		*opf = REQ_OP_READ;
	else if (bio_disk && !strcmp(op, "write"))
		*opf = REQ_OP_WRITE;
	else
		return -EINVAL;
	return 0;
}

static void rdprobe_bio_done(struct bio *bio)
{
	complete(bio->bi_private);
}

/* May sleep. One bio of @opf straight to the driver's ->submit_bio. */
static blk_status_t rdprobe_submit_bio(struct block_device *bdev, blk_opf_t opf)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct page *page = NULL;
	blk_status_t status;
	struct bio *bio;

	bio = bio_alloc(bdev, 1, opf, GFP_KERNEL);
	if (bytes) {
		page = alloc_pages(GFP_KERNEL, get_order(bytes));
		if (!page) {
			bio_put(bio);
			return BLK_STS_RESOURCE;
		}
		memset(page_address(page), 0xa5, bytes);
		__bio_add_page(bio, page, bytes, 0);
	}
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = &done;
	bio->bi_end_io = rdprobe_bio_done;
	bdev->bd_disk->fops->submit_bio(bio);
	wait_for_completion(&done);
	status = bio->bi_status;
	bio_put(bio);
	if (page)
		__free_pages(page, get_order(bytes));
	return status;
}

/*
 * May sleep. A zone append (@opf REQ_OP_ZONE_APPEND) of @bytes of 0xa5
 * to the zone starting at @sector, or a write there (a FUA one), through
 * the block layer; logs where it went.
 */
static int rdprobe_through_block_layer(struct block_device *bdev,
				       blk_opf_t opf)
{
	struct page *page;
	struct bio *bio;
	int err;

	page = alloc_pages(GFP_KERNEL, get_order(bytes));
	if (!page)
		return -ENOMEM;
	memset(page_address(page), 0xa5, bytes);
	bio = bio_alloc(bdev, 1, opf, GFP_KERNEL);
	__bio_add_page(bio, page, bytes, 0);
	bio->bi_iter.bi_sector = sector;
	err = submit_bio_wait(bio);
	pr_info("%s sector %llu bytes %u: error %d, written at %llu\n", op,
		sector, bytes, err,
		(unsigned long long)bio->bi_iter.bi_sector);
	bio_put(bio);
	__free_pages(page, get_order(bytes));
	return err;
}

static int __init rdprobe_init(void)
{
	struct rdprobe_handle handle;
	struct block_device *bdev;
	struct request_queue *q;
	blk_status_t status;
	struct request *rq;
	void *buf = NULL;
	blk_opf_t opf;
	int err;

	bdev = rdprobe_open(MKDEV(major, 0), &handle);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	if (!strcmp(op, "append") || !strcmp(op, "fua")) {
		err = rdprobe_through_block_layer(bdev,
						  !strcmp(op, "append") ?
							  REQ_OP_ZONE_APPEND :
							  REQ_OP_WRITE | REQ_FUA);
		goto out_close;
	}
	err = rdprobe_parse_op(&opf, bdev->bd_disk->fops->submit_bio);
	if (err) {
		pr_err("op=%s is not drv_in or drv_out (or, for a bio disk, read or write)\n",
		       op);
		goto out_close;
	}
	if (bdev->bd_disk->fops->submit_bio) {
		err = blk_status_to_errno(rdprobe_submit_bio(bdev, opf));
		pr_info("%s bio sector %llu bytes %u: error %d\n", op, sector,
			bytes, err);
		goto out_close;
	}
	q = bdev_get_queue(bdev);

	rq = blk_mq_alloc_request(q, opf, 0);
	if (IS_ERR(rq)) {
		err = PTR_ERR(rq);
		goto out_close;
	}
	if (bytes) {
		/* What a write stores, so a test can tell if it landed. */
		buf = kmalloc(bytes, GFP_KERNEL);
		if (!buf) {
			err = -ENOMEM;
			goto out_free_rq;
		}
		memset(buf, 0xa5, bytes);
		err = blk_rq_map_kern(q, rq, buf, bytes, GFP_KERNEL);
		if (err)
			goto out_free_buf;
		/* I/O accounting charges the bio's disk; there must be one. */
		bio_set_dev(rq->bio, bdev);
	}
	rq->__sector = sector;

	status = blk_execute_rq(rq, false);
	err = blk_status_to_errno(status);
	pr_info("%s sector %llu bytes %u: error %d\n", op, sector, bytes, err);

out_free_buf:
	kfree(buf);
out_free_rq:
	blk_mq_free_request(rq);
out_close:
	rdprobe_close(&handle);
	return err;
}

static void __exit rdprobe_exit(void)
{
}

module_init(rdprobe_init);
module_exit(rdprobe_exit);

MODULE_DESCRIPTION("Test helper: one raw request to a disk's queue");
MODULE_LICENSE("GPL");
