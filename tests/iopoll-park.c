// SPDX-License-Identifier: GPL-2.0
/*
 * iopoll-park DEVICE OFFSET SECONDS: submits one 4 KiB O_DIRECT read of
 * DEVICE at OFFSET on an io_uring ring set up with IORING_SETUP_IOPOLL,
 * then waits SECONDS without polling before it reaps the completion.
 * Until it polls, the request is parked on the driver's polled queue, and
 * only the driver's ->timeout can end it. Prints "res=N data=HEX" (the
 * first 16 bytes read) and exits 0 when the read returned 4096 bytes.
 *
 * Raw system calls, not liburing, so that the guests need nothing beyond
 * the kernel's own headers.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BLOCK 4096

static int ring_setup(unsigned int entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int ring_enter(int fd, unsigned int submit, unsigned int wait,
		      unsigned int flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL,
			    0);
}

static void *map_ring(int fd, size_t len, off_t what)
{
	void *ring = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, what);

	if (ring == MAP_FAILED) {
		perror("iopoll-park: mmap");
		exit(1);
	}
	return ring;
}

int main(int argc, char **argv)
{
	struct io_uring_params p = { .flags = IORING_SETUP_IOPOLL };
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail;
	char *sq, *cq, *buf;
	int dev, ring, i;

	if (argc != 4) {
		fprintf(stderr, "usage: iopoll-park DEVICE OFFSET SECONDS\n");
		return 2;
	}
	dev = open(argv[1], O_RDONLY | O_DIRECT);
	if (dev < 0 || posix_memalign((void **)&buf, BLOCK, BLOCK)) {
		perror("iopoll-park: open");
		return 1;
	}
	ring = ring_setup(1, &p);
	if (ring < 0) {
		perror("iopoll-park: io_uring_setup");
		return 1;
	}
	sq = map_ring(ring,
		      p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		      IORING_OFF_SQ_RING);
	cq = map_ring(ring,
		      p.cq_off.cqes +
			      p.cq_entries * sizeof(struct io_uring_cqe),
		      IORING_OFF_CQ_RING);
	sqes = map_ring(ring, p.sq_entries * sizeof(*sqes), IORING_OFF_SQES);
	sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	sq_array = (unsigned int *)(sq + p.sq_off.array);
	cq_head = (unsigned int *)(cq + p.cq_off.head);
	cq_tail = (unsigned int *)(cq + p.cq_off.tail);

	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_READ;
	sqes[0].fd = dev;
	sqes[0].addr = (unsigned long)buf;
	sqes[0].len = BLOCK;
	sqes[0].off = strtoull(argv[2], NULL, 0);
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	/* Submit only: without IORING_ENTER_GETEVENTS nothing polls. */
	if (ring_enter(ring, 1, 0, 0) != 1) {
		perror("iopoll-park: submit");
		return 1;
	}
	sleep(atoi(argv[3]));
	if (ring_enter(ring, 0, 1, IORING_ENTER_GETEVENTS) < 0) {
		perror("iopoll-park: reap");
		return 1;
	}
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		fprintf(stderr, "iopoll-park: no completion\n");
		return 1;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*cq_head & *(unsigned int *)(cq + p.cq_off.ring_mask));
	printf("res=%d data=", cqe->res);
	for (i = 0; i < 16; i++)
		printf("%02x", (unsigned char)buf[i]);
	printf("\n");
	return cqe->res == BLOCK ? 0 : 1;
}
