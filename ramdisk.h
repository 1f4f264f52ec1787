/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RAMDISK_H
#define RAMDISK_H

#include <linux/atomic.h>
#include <linux/badblocks.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/configfs.h>
#include <linux/list.h>
#include <linux/hrtimer.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/rbtree.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#define RAMDISK_NAME "ramdisk"

/* Parameter defaults; MODULE_PARM_DESC quotes them so text and code agree. */
#define RAMDISK_DEFAULT_SIZE_MIB 64
/* 0: one hardware queue per online CPU, decided at load. */
#define RAMDISK_DEFAULT_NR_HW_QUEUES 0
/* As nvme-pci: polled queues only for those who ask for them. */
#define RAMDISK_DEFAULT_POLL_QUEUES 0
#define RAMDISK_DEFAULT_QUEUE_DEPTH 128
#define RAMDISK_DEFAULT_LOGICAL_BLOCK_SIZE 512
#define RAMDISK_DEFAULT_MAX_PART 16
/* A bare word: MODULE_PARM_DESC and the parameter stringify it. */
#define RAMDISK_DEFAULT_BACKING linear
#define RAMDISK_DEFAULT_QUEUE_MODE mq

#define RAMDISK_DEFAULT_NR_DISKS 1

/* Zoned disks, in null_blk's units: zone sizes in MiB. */
#define RAMDISK_DEFAULT_ZONE_SIZE_MIB 256
#define RAMDISK_MAX_ZONE_SIZE_MIB 65536

#define RAMDISK_MAX_QUEUE_DEPTH 4096

/* The block layer's own default request timeout (BLK_DEFAULT_SG_TIMEOUT). */
#define RAMDISK_DEFAULT_IO_TIMEOUT_MSEC 30000
/* An hour: longer would only leave a test waiting for nothing. */
#define RAMDISK_MAX_IO_TIMEOUT_MSEC 3600000

/* A volatile write cache in MiB, as null_blk's cache_size; 0: none. */
#define RAMDISK_MAX_CACHE_SIZE_MIB 65536
/*
 * Of the volatile writes a seeded power loss keeps, by default: half, so
 * that each seed gives a different crash state.
 */
#define RAMDISK_DEFAULT_POWER_LOSS_KEEP 50

/*
 * Load-time disks are made one after another inside insmod; 64 keeps a
 * load within seconds even under emulation. More disks come from configfs.
 */
#define RAMDISK_MAX_NR_DISKS 64

/*
 * Every disk owns DISK_MAX_PARTS minors from first_minor = index *
 * DISK_MAX_PARTS, whatever its max_part, so that no two disks' ranges can
 * overlap; the 20-bit minor space then holds this many disks.
 */
#define RAMDISK_MAX_DISKS ((MINORMASK + 1) / DISK_MAX_PARTS)

/*
 * A configfs disk is "ramdisk-NAME" in a disk_name of DISK_NAME_LEN bytes
 * with its NUL: "ramdisk-" leaves 23 characters for NAME.
 */
#define RAMDISK_MAX_NAME_LEN (DISK_NAME_LEN - sizeof(RAMDISK_NAME "-"))

/*
 * A request is one memcpy per segment, so size limits only bound how long
 * one queue_rq call may run. 4 MiB keeps 1 MiB I/O whole (the block layer
 * caps max_sectors_kb at 1280 by default anyway). 4 MiB in sectors, as a
 * number, so that modinfo can quote it as zone_append_max_sectors' default.
 */
#define RAMDISK_MAX_REQUEST_SECTORS 8192

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
 * enum ramdisk_queue_mode - how a disk takes its I/O
 * @RAMDISK_QUEUE_MQ: blk-mq requests on hardware queues, with tags
 * @RAMDISK_QUEUE_BIO: bios straight from submit_bio, no tag set (brd's way)
 */
enum ramdisk_queue_mode {
	RAMDISK_QUEUE_MQ,
	RAMDISK_QUEUE_BIO,
};

/**
 * struct ramdisk_config - every setting of one disk
 * @size: bytes, a non-zero multiple of @logical_block_size
 * @backing: where the disk keeps its bytes
 * @queue_mode: how the disk takes its I/O; with RAMDISK_QUEUE_BIO there is
 *              no tag set, so @nr_hw_queues and @queue_depth keep the
 *              values the disk was given and @poll_queues is 0
 * @logical_block_size: a power of two from 512 to PAGE_SIZE
 * @nr_hw_queues: 1..nr_cpu_ids; 0: one per online CPU when the disk is made
 * @poll_queues: 0..nr_cpu_ids polled hardware queues, besides @nr_hw_queues
 * @queue_depth: tags per hardware queue, 1..RAMDISK_MAX_QUEUE_DEPTH
 * @max_part: minors for the disk and its partitions, 1..DISK_MAX_PARTS
 * @zoned: 1: a host-managed zoned disk (queue_mode=mq only); the zone_*
 *         settings below apply only then
 * @zone_size: MiB, a power of two; the last zone may be smaller
 * @zone_capacity: MiB writable in each sequential zone, at most
 *                 @zone_size; 0: @zone_size
 * @zone_nr_conv: conventional zones at the start of the disk
 * @zone_max_open: open zones at most; 0: no limit
 * @zone_max_active: open and closed zones at most; 0: no limit
 * @zone_append_max_sectors: longest zone append; 0: none, the block layer
 *                           emulates it with writes where it can (6.10+)
 * @completion_nsec: every request ends this long after it came; 0: at once
 * @mbps: MiB/s the disk transfers at most; 0: no limit
 * @io_timeout: milliseconds before blk-mq's timeout handler runs for a
 *              request not ended (the queue's io_timeout)
 * @cache_size: MiB of volatile write cache; 0: none, every write is
 *              durable when it ends
 * @fua: with a cache, whether the disk takes FUA writes (1) or the block
 *       layer must follow each with a flush (0)
 *
 * Filled from the module parameters for load-time disks, and from them
 * and then configfs writes for runtime disks; ramdisk_config_validate()
 * checks it whichever way it was filled.
 */
struct ramdisk_config {
	u64 size;
	enum ramdisk_backing backing;
	enum ramdisk_queue_mode queue_mode;
	unsigned int logical_block_size;
	unsigned int nr_hw_queues;
	unsigned int poll_queues;
	unsigned int queue_depth;
	unsigned int max_part;
	unsigned int zoned;
	unsigned int zone_size;
	unsigned int zone_capacity;
	unsigned int zone_nr_conv;
	unsigned int zone_max_open;
	unsigned int zone_max_active;
	unsigned int zone_append_max_sectors;
	unsigned int completion_nsec;
	unsigned int mbps;
	unsigned int io_timeout;
	unsigned int cache_size;
	unsigned int fua;
};

/**
 * struct ramdisk_io - one I/O as the store sees it, from either entry point
 * @op: what to do (REQ_OP_*)
 * @sector: where it starts, in 512-byte sectors; a zone append is given
 *          its zone's start, and the zone model sets where it was written
 * @bytes: how long it is
 * @flags: REQ_PREFLUSH (only on the bio path: blk-mq sends a request's
 *         flush apart, as REQ_OP_FLUSH) and REQ_FUA, for the write cache
 * @bio: the data: its first bio, the others chained on ->bi_next. A
 *       request's bios are such a chain; a bio on the bio path stands
 *       alone (the block core never hands ->submit_bio a chain).
 * @gfp: how the page store may allocate for a write: GFP_NOIO, or
 *       GFP_NOWAIT for a REQ_NOWAIT bio, which must not sleep
 * @stall: set by the injection rule: the I/O is not done and must not be
 *         ended, so that blk-mq's timeout handler ends it
 *
 * ramdisk_queue_rq() and ramdisk_submit_bio() only fill one in; the bounds
 * check, the stores and every behaviour below them see no request.
 */
struct ramdisk_io {
	enum req_op op;
	blk_opf_t flags;
	sector_t sector;
	unsigned int bytes;
	struct bio *bio;
	gfp_t gfp;
	bool stall;
};

/**
 * struct ramdisk_zone - one zone of a zoned disk
 * @lock: held by whatever changes the zone's data (write, append, reset,
 *        finish, a change of condition), across the copy, so that a reset
 *        never races a write into the zone; a mutex, since a page store's
 *        write may sleep allocating
 * @wp: the write pointer, a sector; changed under @lock and the disk's
 *      zone state lock, so either one lets it be read
 * @cond: BLK_ZONE_COND_*, under the zone state lock
 */
struct ramdisk_zone {
	struct mutex lock; /* see @lock above */
	sector_t wp;
	enum blk_zone_cond cond;
};

/**
 * struct ramdisk_zones - the zone model of a zoned disk
 * @zone: one per zone, conventional ones first
 * @nr_zones: how many, the last one possibly smaller
 * @nr_conv: how many of them are conventional
 * @shift: log2 of the zone size in sectors
 * @capacity: writable sectors of each sequential zone (the last one's
 *            may be less: its length)
 * @max_open: open zones at most, 0: no limit
 * @max_active: open and closed zones at most, 0: no limit
 * @append_max_sectors: the longest zone append; 0 if the block layer
 *                      emulates zone append
 * @state_lock: protects every zone's @cond and the counts below, and
 *              orders @wp against them: an implicit close looks at other
 *              zones than the one it writes
 * @nr_imp_open: zones implicitly open
 * @nr_exp_open: zones explicitly open
 * @nr_closed: zones closed
 * @next_close: where the search for an implicitly open zone to close
 *              starts, so that closes go round the zones
 */
struct ramdisk_zones {
	struct ramdisk_zone *zone;
	unsigned int nr_zones;
	unsigned int nr_conv;
	unsigned int shift;
	sector_t capacity;
	unsigned int max_open;
	unsigned int max_active;
	unsigned int append_max_sectors;
	spinlock_t state_lock; /* see @state_lock above */
	unsigned int nr_imp_open;
	unsigned int nr_exp_open;
	unsigned int nr_closed;
	unsigned int next_close;
};

/**
 * enum ramdisk_rule_op - which requests an injection rule counts
 * @RAMDISK_RULE_ANY: every request
 * @RAMDISK_RULE_READ: reads
 * @RAMDISK_RULE_WRITE: writes and zone appends
 */
enum ramdisk_rule_op {
	RAMDISK_RULE_ANY,
	RAMDISK_RULE_READ,
	RAMDISK_RULE_WRITE,
};

/**
 * struct ramdisk_rule - which I/O to fail on purpose, and how
 * @op: which I/O counts
 * @every: hit every @every-th I/O that counts; 0: use @probability
 * @probability: percent of the I/O that counts to hit, drawn from a
 *               generator seeded with @seed, so that runs repeat
 * @seed: the generator's seed
 * @times: hits after which the rule ends; 0: no end
 * @status: what a hit I/O ends with
 * @stall: a hit request is not ended; the timeout handler ends it
 */
struct ramdisk_rule {
	enum ramdisk_rule_op op;
	unsigned int every;
	unsigned int probability;
	u64 seed;
	unsigned int times;
	blk_status_t status;
	bool stall;
};

/**
 * struct ramdisk_faults - what a configfs disk fails on purpose
 * @bb: the bad sectors; the table has its own seqlock
 * @badblocks_once: a bad range heals after its first error
 * @badblocks_partial_io: the sectors before the first bad one are
 *                        transferred, and the I/O then fails
 * @lock: protects the rule and its state below
 * @rule: the rule, while @rule_on
 * @rule_on: a rule is set and has hits left
 * @until_hit: with @rule.every, I/Os to count before the next hit
 * @hits: I/Os it hit so far
 * @rnd: its generator
 *
 * Owned by the configfs item, so that it is set before power-on and
 * outlives power-off, as null_blk's are; a disk points to it.
 */
struct ramdisk_faults {
	struct badblocks bb;
	bool badblocks_once;
	bool badblocks_partial_io;
	spinlock_t lock; /* see @lock above */
	struct ramdisk_rule rule;
	bool rule_on;
	unsigned int until_hit;
	unsigned int hits;
	struct rnd_state rnd;
};

/**
 * struct ramdisk_cached_write - one write the cache remembers
 * @list: entry in the cache's list, oldest first
 * @sector: where the write started
 * @sectors: how long it was; never 0
 * @durable: it was durable when it ended (FUA, discard, write-zeroes, a
 *           write the cache could not take): it keeps no copy, and only
 *           stops a power loss from bringing back older data beneath it
 * @keep: at a power loss, whether the write survives
 * @claim: at a power loss, its node in the tree of the sectors that
 *         writes kept there own, newer ones first
 * @subtree_last: the interval tree's bookkeeping for @claim
 * @nr_pages: pages in @undo
 * @undo: what the sectors held before the write, a copy that a power
 *        loss writes back; none for a durable write, nor for a write to
 *        a sequential zone, which wrote where the store held zeroes
 */
struct ramdisk_cached_write {
	struct list_head list;
	sector_t sector;
	unsigned int sectors;
	bool durable;
	bool keep;
	struct rb_node claim;
	sector_t subtree_last;
	unsigned int nr_pages;
	struct bio_vec undo[];
};

/**
 * struct ramdisk_power_loss - how a power loss chooses what survives
 * @seeded: false: every volatile write is lost; true: each is kept with
 *          probability @keep percent, drawn from a generator seeded with
 *          @seed, oldest write first
 * @seed: the generator's seed
 * @keep: percent of the volatile writes kept, 0..100
 */
struct ramdisk_power_loss {
	bool seeded;
	u64 seed;
	unsigned int keep;
};

/**
 * struct ramdisk_cache - a volatile write cache (cache_size)
 * @lock: serialises every write, flush and power loss of the disk, so
 *        that the order of @writes is the order their data reached the
 *        store; a mutex, since a page store's write may sleep allocating
 * @writes: the writes not yet written back, oldest first
 * @nr_writes: entries in @writes
 * @max_writes: entries at most: durable writes hold no data, and would
 *              otherwise pile up behind an old volatile one
 * @capacity: bytes of volatile data at most; the disk's volatile_bytes
 *            say how many there are, and the copies in @writes take as
 *            much memory, rounded up to pages
 * @lost: power is lost: writes end without being stored
 * @loss: how power was lost, while @lost
 * @zone_lost: a zoned disk's, one bit a zone: at a power loss, which
 *             sequential zones lost a write already, oldest first
 *
 * The store holds what a read returns, durable or not: a read needs
 * nothing from the cache, and costs what it costs without one. Each
 * volatile write keeps a copy of what it overwrote, to undo it when power
 * is lost; writing it back is forgetting that copy. Made with the disk,
 * freed with it, written back first (a clean power-off).
 */
struct ramdisk_cache {
	struct mutex lock; /* see @lock above */
	struct list_head writes;
	unsigned long nr_writes;
	unsigned long max_writes;
	u64 capacity;
	bool lost;
	struct ramdisk_power_loss loss;
	unsigned long *zone_lost;
};

/**
 * struct ramdisk_cmd - what blk-mq keeps for the driver with each request
 * @parked: entry in a poll queue's list of copied requests, until ->poll
 * @status: how the copy ended, for ->poll or @timer to end the request with
 * @due: CLOCK_MONOTONIC nanoseconds before which a parked request may not
 *       be ended (completion_nsec, mbps); 0: at once
 * @timer: ends a delayed request at @due, on the other queues
 * @stalled: the request is left for the timeout handler, which ends it
 */
struct ramdisk_cmd {
	struct llist_node parked;
	blk_status_t status;
	u64 due;
	struct hrtimer timer;
	atomic_t stalled;
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
 * @zones: the zone model of a zoned disk, else NULL
 * @faults: a configfs disk's bad blocks and injection rule (its item's);
 *          NULL for a load-time disk
 * @cache: the volatile write cache, else NULL
 * @completion_nsec: every request ends this long after it came
 * @mbps: the transfer rate's cap in MiB/s, 0: none
 * @link_free: with @mbps, CLOCK_MONOTONIC nanoseconds when the transfers
 *             already paced are done: the next one starts then
 * @bad_block_errors: I/Os failed by a bad sector, for sysfs
 * @injected: I/Os the injection rule hit, for sysfs
 * @stalled: requests the rule left for the timeout handler, for sysfs
 * @timed_out: requests the timeout handler ended, for sysfs
 * @volatile_bytes: bytes written and not yet durable, for sysfs
 * @held_bytes: memory the cache's copies take, for sysfs and
 *              allocated_bytes
 * @flushes: flushes the cache took, for sysfs
 * @fua_writes: FUA writes the cache took, for sysfs
 * @written_back: volatile writes made durable because the cache was full
 *                (or could get no memory for a copy), or because a FUA
 *                write, reset or finish came to their zone, for sysfs
 * @dropped_writes: volatile writes the last power loss dropped, for sysfs
 * @kept_writes: volatile writes the last power loss kept, for sysfs
 * @lost_writes: writes that came while power was lost: ended without
 *               being stored, or (sequential zones) failed, for sysfs
 * @made_with: the settings the store and zones were made with
 * @queue_mode: how the disk takes its I/O; a bio disk has no @tag_set
 * @tag_set: blk-mq tags and hardware queues
 * @poll_queues: how many of the hardware queues are polled, the last ones
 * @parked: per polled queue, requests copied and waiting for ->poll to end
 *          them; lock-free: queue_rq adds, ->poll takes them all at once
 * @disk: the gendisk registered as /dev/ramdisk, /dev/ramdisk-N or
 *        /dev/ramdisk-NAME
 * @index: this disk's slot in the minor space, from an IDA
 * @list: entry in the list of all disks, under ramdisk_lock
 * @item: the configfs item of a runtime disk, depended on while the disk
 *        is open so that rmdir refuses; NULL for a load-time disk
 * @open_lock: orders opens against removal: protects @openers, @removing
 * @openers: opens of the disk or its partitions not yet released
 * @removing: set once removal is decided; new opens are refused
 */
struct ramdisk_dev {
	enum ramdisk_backing backing;
	void *store;
	struct xarray pages;
	atomic_long_t nr_pages;
	unsigned long reserve_pages;
	sector_t capacity;
	struct ramdisk_zones *zones;
	struct ramdisk_faults *faults;
	struct ramdisk_cache *cache;
	unsigned int completion_nsec;
	unsigned int mbps;
	atomic64_t link_free;
	atomic_long_t bad_block_errors;
	atomic_long_t injected;
	atomic_long_t stalled;
	atomic_long_t timed_out;
	atomic_long_t volatile_bytes;
	atomic_long_t held_bytes;
	atomic_long_t flushes;
	atomic_long_t fua_writes;
	atomic_long_t written_back;
	atomic_long_t dropped_writes;
	atomic_long_t kept_writes;
	atomic_long_t lost_writes;
	struct ramdisk_config made_with;
	enum ramdisk_queue_mode queue_mode;
	struct blk_mq_tag_set tag_set;
	unsigned int poll_queues;
	struct llist_head *parked;
	struct gendisk *disk;
	int index;
	struct list_head list;
	struct config_item *item;
	struct mutex open_lock; /* see @open_lock above */
	unsigned int openers;
	bool removing;
};

/**
 * struct ramdisk_item - a configfs directory /sys/kernel/config/ramdisk/NAME
 * @item: the configfs item; its name is NAME
 * @config: the settings its attributes show and set
 * @rd: the disk while power is 1, else NULL; under ramdisk_lock
 * @kept: while power is 0 after a power 1, the store (data and zones) the
 *        disk had, for the next power 1; else NULL; under ramdisk_lock
 * @faults: the disk's bad blocks and injection rule, whether powered or not
 */
struct ramdisk_item {
	struct config_item item;
	struct ramdisk_config config;
	struct ramdisk_faults faults;
	struct ramdisk_dev *rd;
	struct ramdisk_dev *kept;
};

#endif /* RAMDISK_H */
