// SPDX-License-Identifier: GPL-2.0
/*
 * stripes DEVICE PAGES SECONDS: races writes, discards, write-zeroes and
 * reads on the same 4 KiB pages of DEVICE from every CPU, and checks every
 * read exactly. A helper of tests/210-stress.sh.
 *
 * Eight threads, one per 512-byte sector of a page, pinned round-robin to
 * the CPUs (so to every hardware queue). Thread w owns sector w of each of
 * the first PAGES pages: no two threads ever touch the same bytes, so each
 * knows what its sectors must hold (its last pattern, or zeros after a
 * discard or write-zeroes) while all of them share every page. What the
 * page store does per page (allocate on first write, zero a piece, free
 * on discard) races across queues on every operation; a lost or torn
 * sector is the driver's fault, not the test's.
 *
 * Three phases, each for SECONDS:
 *   random   each thread picks a page and an operation at random
 *   first    rounds of: thread 0 discards the pages whole, then all
 *            threads write their sector of every page at once (racing
 *            first writes, which allocate), then each checks its sectors
 *   discard  on the first RACE_PAGES pages, thread 0 discards pages whole
 *            while the others write their sector and read it back (an
 *            allocating write, and a read, racing the free of the same
 *            page): each byte of a sector is its last pattern's or zero,
 *            and after a last, quiet discard every sector is zeros
 * Prints the operations done; exit status 1 with the first wrong sector.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SECTOR 512
#define PAGE 4096
#define THREADS (PAGE / SECTOR)
/* The discard phase's pages: few, so that every write and read of a page
 * meets a discard freeing it.
 */
#define RACE_PAGES 4

enum phase { PHASE_RANDOM, PHASE_FIRST, PHASE_DISCARD, PHASES };
static const char *const phase_names[PHASES] = { "random", "first", "discard" };

struct worker {
	pthread_t thread;
	int id, fd;
	uint64_t seed;
	/* Per page: 0 when the sector must read as zeros, else the
	 * generation of the pattern last written. */
	uint32_t *gen;
	unsigned long writes, discards, zeroes, reads;
	void *buf, *check;
};

static const char *device;
static unsigned long pages;
static double seconds;
static int ncpus;
static struct worker workers[THREADS];
static pthread_barrier_t barrier;
static atomic_int failed;
static atomic_int stop;
static enum phase phase;
static int first_done;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The pattern of (thread, page, generation): no two sectors share one. */
static void fill(uint64_t *words, int id, unsigned long page, uint32_t gen)
{
	uint64_t s = ((uint64_t)gen << 32) ^ ((uint64_t)page << 3) ^ id;
	unsigned int i;

	s = s * 0x9e3779b97f4a7c15ULL + 1;
	for (i = 0; i < SECTOR / sizeof(*words); i++)
		words[i] = next_random(&s);
}

static off_t offset_of(const struct worker *w, unsigned long page)
{
	return (off_t)page * PAGE + (off_t)w->id * SECTOR;
}

static void die(const struct worker *w, const char *what, unsigned long page)
{
	if (atomic_exchange(&failed, 1) == 0)
		fprintf(stderr, "stripes: %s phase, thread %d, page %lu: %s\n",
			phase_names[phase], w->id, page, what);
	atomic_store(&stop, 1);
}

static void do_write(struct worker *w, unsigned long page, uint32_t gen)
{
	fill(w->buf, w->id, page, gen);
	if (pwrite(w->fd, w->buf, SECTOR, offset_of(w, page)) != SECTOR)
		return die(w, strerror(errno), page);
	w->gen[page] = gen;
	w->writes++;
}

/* BLKDISCARD or BLKZEROOUT of @len bytes at @off; both leave zeros. */
static void do_zero(struct worker *w, unsigned long request, off_t off,
		    uint64_t len, unsigned long page)
{
	uint64_t range[2] = { off, len };

	if (ioctl(w->fd, request, range))
		return die(w, strerror(errno), page);
	if (request == BLKDISCARD)
		w->discards++;
	else
		w->zeroes++;
}

/* Reads the sector of @page; it must be its pattern, or zeros when @gen is
 * 0. With @torn, a discard of the page may have overlapped the write of
 * @gen: each byte is the pattern's or zero, as the two copies interleaved.
 */
static void do_check(struct worker *w, unsigned long page, uint32_t gen,
		     int torn)
{
	const unsigned char *got = w->buf, *want = w->check;
	unsigned int i;

	if (pread(w->fd, w->buf, SECTOR, offset_of(w, page)) != SECTOR)
		return die(w, strerror(errno), page);
	w->reads++;
	memset(w->check, 0, SECTOR);
	if (gen)
		fill(w->check, w->id, page, gen);
	if (!memcmp(w->buf, w->check, SECTOR))
		return;
	if (torn) {
		for (i = 0; i < SECTOR; i++)
			if (got[i] && got[i] != want[i])
				break;
		if (i == SECTOR)
			return;
	}
	die(w,
	    gen ? "the sector lost its last write" :
		  "a discarded or zeroed sector is not zeros",
	    page);
}

static void phase_random(struct worker *w, double end)
{
	unsigned long page;
	uint64_t r;

	while (!atomic_load(&stop) && now() < end) {
		r = next_random(&w->seed);
		page = (r >> 8) % pages;
		switch (r % 8) {
		case 0:
			do_zero(w, BLKDISCARD, offset_of(w, page), SECTOR,
				page);
			w->gen[page] = 0;
			break;
		case 1:
			do_zero(w, BLKZEROOUT, offset_of(w, page), SECTOR,
				page);
			w->gen[page] = 0;
			break;
		case 2:
		case 3:
		case 4:
			do_write(w, page, w->gen[page] + 1);
			break;
		default:
			do_check(w, page, w->gen[page], 0);
		}
	}
}

static void phase_first(struct worker *w, double end)
{
	unsigned long page;
	uint32_t gen;

	for (gen = 1;; gen++) {
		if (w->id == 0) {
			do_zero(w, BLKDISCARD, 0, (uint64_t)pages * PAGE, 0);
			/* Thread 0 decides for all, so all stop together; the
			 * others read this only between the two barriers.
			 */
			first_done = atomic_load(&stop) || now() >= end;
		}
		pthread_barrier_wait(&barrier);
		if (first_done)
			break;
		for (page = 0; page < pages; page++)
			do_write(w, page, gen);
		for (page = 0; page < pages; page++)
			do_check(w, page, gen, 0);
		pthread_barrier_wait(&barrier);
	}
	for (page = 0; page < pages; page++)
		w->gen[page] = 0;
}

static void phase_discard(struct worker *w, double end)
{
	unsigned long page, few = pages < RACE_PAGES ? pages : RACE_PAGES;
	uint32_t gen = 1;

	while (!atomic_load(&stop) && now() < end) {
		for (page = 0; page < few && !atomic_load(&stop); page++) {
			if (w->id == 0) {
				do_zero(w, BLKDISCARD, (off_t)page * PAGE, PAGE,
					page);
				continue;
			}
			do_write(w, page, gen);
			/* Thread 0 may have discarded it since, or meanwhile. */
			do_check(w, page, gen, 1);
		}
		gen++;
	}
	/* Then, quiet, one more discard: every sector reads as zeros. */
	pthread_barrier_wait(&barrier);
	if (w->id == 0)
		do_zero(w, BLKDISCARD, 0, (uint64_t)few * PAGE, 0);
	pthread_barrier_wait(&barrier);
	for (page = 0; page < few; page++) {
		w->gen[page] = 0;
		do_check(w, page, 0, 0);
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;
	cpu_set_t cpus;
	double end;

	CPU_ZERO(&cpus);
	CPU_SET(w->id % ncpus, &cpus);
	if (pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus))
		die(w, "cannot pin to a CPU", 0);
	for (int p = 0; p < PHASES; p++) {
		pthread_barrier_wait(&barrier);
		if (w->id == 0)
			phase = p;
		pthread_barrier_wait(&barrier);
		end = now() + seconds;
		if (p == PHASE_RANDOM)
			phase_random(w, end);
		else if (p == PHASE_FIRST)
			phase_first(w, end);
		else
			phase_discard(w, end);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long writes = 0, discards = 0, zeroes = 0, reads = 0;
	int i;

	if (argc != 4) {
		fprintf(stderr, "usage: stripes DEVICE PAGES SECONDS\n");
		return 2;
	}
	device = argv[1];
	pages = strtoul(argv[2], NULL, 0);
	seconds = strtod(argv[3], NULL);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (!pages || seconds <= 0 || ncpus < 1) {
		fprintf(stderr, "stripes: bad PAGES or SECONDS\n");
		return 2;
	}
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		w->id = i;
		w->seed = 0x2545f4914f6cdd1dULL * (i + 1);
		w->fd = open(device, O_RDWR | O_DIRECT);
		w->gen = calloc(pages, sizeof(*w->gen));
		if (w->fd < 0 || !w->gen ||
		    posix_memalign(&w->buf, PAGE, SECTOR) ||
		    posix_memalign(&w->check, PAGE, SECTOR)) {
			perror(device);
			return 2;
		}
	}
	/* Every sector starts as zeros, whatever the disk held before. */
	{
		uint64_t range[2] = { 0, (uint64_t)pages * PAGE };

		if (ioctl(workers[0].fd, BLKZEROOUT, range)) {
			perror("BLKZEROOUT");
			return 2;
		}
	}
	for (i = 0; i < THREADS; i++)
		pthread_create(&workers[i].thread, NULL, run, &workers[i]);
	for (i = 0; i < THREADS; i++) {
		pthread_join(workers[i].thread, NULL);
		writes += workers[i].writes;
		discards += workers[i].discards;
		zeroes += workers[i].zeroes;
		reads += workers[i].reads;
	}
	printf("%lu writes, %lu discards, %lu write-zeroes, %lu checked reads\n",
	       writes, discards, zeroes, reads);
	return atomic_load(&failed);
}
