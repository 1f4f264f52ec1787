// SPDX-License-Identifier: GPL-2.0
/*
 * finit KO PARAMS: loads the module KO with PARAMS as insmod does
 * (finit_module) and prints OK or the errno's name (EINVAL, ENOMEM, ...),
 * which insmod's messages do not always give. tests/lib.sh's load_errno;
 * a program, where a Python interpreter would take a second to start
 * under emulation, for every load a test expects refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: finit KO PARAMS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (syscall(SYS_finit_module, fd, argv[2], 0))
		puts(strerrorname_np(errno));
	else
		puts("OK");
	return 0;
}
