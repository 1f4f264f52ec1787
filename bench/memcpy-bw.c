// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy-bw: the guest's memory copy ceiling, for judging large-block
 * results. Copies 4 KiB and 1 MiB blocks around a 64 MiB buffer (larger
 * than any cache) for about a second each and prints MiB/s per size.
 *
 * Usage: memcpy-bw [seconds per size]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUFFER_BYTES (64UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double copy_rate(char *src, char *dst, size_t block, double seconds)
{
	size_t off = 0, copied = 0;
	double start = now(), elapsed;

	do {
		for (int i = 0; i < 64; i++) {
			memcpy(dst + off, src + off, block);
			copied += block;
			off = (off + block) % BUFFER_BYTES;
		}
		elapsed = now() - start;
	} while (elapsed < seconds);
	return copied / elapsed / (1 << 20);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	char *src = malloc(BUFFER_BYTES), *dst = malloc(BUFFER_BYTES);

	if (!src || !dst)
		return 1;
	/* Touch every page so that page faults are not measured. */
	memset(src, 1, BUFFER_BYTES);
	memset(dst, 2, BUFFER_BYTES);
	printf("memcpy_4k_mibs %.0f\n", copy_rate(src, dst, 4096, seconds));
	printf("memcpy_1m_mibs %.0f\n", copy_rate(src, dst, 1 << 20, seconds));
	return dst[12345] == 1 ? 0 : 1;
}
