/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ramdisk

#if !defined(RAMDISK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define RAMDISK_TRACE_H

#include <linux/blk-mq.h>
#include <linux/tracepoint.h>

#include "ramdisk.h"

/* Long enough for every name blk_op_str() returns ("WRITE_ZEROES"). */
#define RAMDISK_TRACE_OP_LEN 16

/*
 * One event per I/O, emitted once it is copied, just before it is ended
 * (or parked, on a polled queue): what was asked (operation, sector,
 * bytes) and how it ended (0 or a negative errno); for a request, on which
 * hardware queue. ramdisk_rq_done is the request path's, ramdisk_bio_done
 * the bio path's (queue_mode=bio), which has no queues. clang-format
 * cannot lay out the TRACE_EVENT() language, so this part is kept by hand.
 */
/* clang-format off */
DECLARE_EVENT_CLASS(ramdisk_io_done,
		    TP_PROTO(struct gendisk *disk, const struct ramdisk_io *io,
			     unsigned int hw_queue, blk_status_t status),
		    TP_ARGS(disk, io, hw_queue, status),
		    TP_STRUCT__entry(__field(dev_t, dev)
				     __field(unsigned int, hw_queue)
				     __array(char, op, RAMDISK_TRACE_OP_LEN)
				     __field(sector_t, sector)
				     __field(unsigned int, bytes)
				     __field(int, error)),
		    TP_fast_assign(__entry->dev = disk_devt(disk);
				   __entry->hw_queue = hw_queue;
				   strscpy(__entry->op, blk_op_str(io->op),
					   RAMDISK_TRACE_OP_LEN);
				   __entry->sector = io->sector;
				   __entry->bytes = io->bytes;
				   __entry->error = blk_status_to_errno(status);),
		    TP_printk("%d,%d hwq=%u %s sector=%llu bytes=%u error=%d",
			      MAJOR(__entry->dev), MINOR(__entry->dev),
			      __entry->hw_queue, __entry->op,
			      (unsigned long long)__entry->sector, __entry->bytes,
			      __entry->error));

DEFINE_EVENT(ramdisk_io_done, ramdisk_rq_done,
	     TP_PROTO(struct gendisk *disk, const struct ramdisk_io *io,
		      unsigned int hw_queue, blk_status_t status),
	     TP_ARGS(disk, io, hw_queue, status));

/* The same fields; hw_queue is 0 and not printed. */
DEFINE_EVENT_PRINT(ramdisk_io_done, ramdisk_bio_done,
		   TP_PROTO(struct gendisk *disk, const struct ramdisk_io *io,
			    unsigned int hw_queue, blk_status_t status),
		   TP_ARGS(disk, io, hw_queue, status),
		   TP_printk("%d,%d bio %s sector=%llu bytes=%u error=%d",
			     MAJOR(__entry->dev), MINOR(__entry->dev), __entry->op,
			     (unsigned long long)__entry->sector, __entry->bytes,
			     __entry->error));

/*
 * One event per call of ->poll that found requests parked: on which
 * hardware queue, how many it ended, and how many of those it added to
 * the caller's completion batch (io_uring's) rather than ending each
 * itself (ramdisk_timeout() has no batch, nor has a failed request).
 */
TRACE_EVENT(ramdisk_poll,
	    TP_PROTO(unsigned int hw_queue, int ended, int batched),
	    TP_ARGS(hw_queue, ended, batched),
	    TP_STRUCT__entry(__field(unsigned int, hw_queue)
			     __field(int, ended)
			     __field(int, batched)),
	    TP_fast_assign(__entry->hw_queue = hw_queue;
			   __entry->ended = ended;
			   __entry->batched = batched;),
	    TP_printk("hwq=%u ended=%d batched=%d", __entry->hw_queue,
		      __entry->ended, __entry->batched));

/*
 * A request's timer expired: which request, and whether it was parked on
 * a polled queue, and so ended now, or is still being copied.
 */
TRACE_EVENT(ramdisk_rq_timeout,
	    TP_PROTO(struct request *rq, unsigned int hw_queue, bool parked),
	    TP_ARGS(rq, hw_queue, parked),
	    TP_STRUCT__entry(__field(dev_t, dev)
			     __field(unsigned int, hw_queue)
			     __field(sector_t, sector)
			     __field(bool, parked)),
	    TP_fast_assign(__entry->dev = disk_devt(rq->q->disk);
			   __entry->hw_queue = hw_queue;
			   __entry->sector = blk_rq_pos(rq);
			   __entry->parked = parked;),
	    TP_printk("%d,%d hwq=%u sector=%llu parked=%d",
		      MAJOR(__entry->dev), MINOR(__entry->dev),
		      __entry->hw_queue, (unsigned long long)__entry->sector,
		      __entry->parked));
/* clang-format on */

#endif /* RAMDISK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ramdisk_trace
#include <trace/define_trace.h>
