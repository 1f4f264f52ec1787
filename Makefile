# SPDX-License-Identifier: GPL-2.0
#
# make                  build ramdisk.ko for the running kernel
# make KDIR=<headers>   build it for another kernel
# make check            set up, lint, and run every test in QEMU guests
#                       booting Debian's 6.1 and 6.12 kernels
# make check-net        the two-guest NVMe/TCP test (tools/export across a
#                       private network), on both kernels
# make demo             boot the 6.12 guest and show the user's workflow
# make bench            ramdisk against brd and null_blk, in the guests, and
#                       through NVMe/TCP from a second guest
# make profile          where one 4 KiB I/O spends its time, per device
# make lint             C (clang-format, checkpatch, kernel-doc, sparse, W=1 on
#                       both kernels), shell (shellcheck), Python (flake8);
#                       needs headers only, no QEMU
# make format           rewrite the sources with the kernel's clang-format
# make install          modules_install into KDIR's kernel (updates/), depmod
# make uninstall        remove what make install put there, depmod

KDIR ?= /lib/modules/$(shell uname -r)/build
# The release whose /lib/modules folder installs go to. Debian's 6.1 headers
# answer `make kernelrelease` with the upstream version (6.1.192), not the
# package's (6.1.0-56-amd64); the headers folder's name is reliable.
KDIR_NAME := $(notdir $(realpath $(KDIR)))
KVER ?= $(if $(filter linux-headers-%,$(KDIR_NAME)),$(KDIR_NAME:linux-headers-%=%),$(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null))
DEPMOD_ROOT := $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH))

# The list lives in scripts/project.sh; read only by the targets that need it.
SOURCES = $(shell . ./scripts/project.sh && echo $$DRIVER_SOURCES)

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) \
		INSTALL_MOD_DIR=updates modules_install
	depmod $(DEPMOD_ROOT) -a $(KVER)

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/ramdisk.ko*
	depmod $(DEPMOD_ROOT) -a $(KVER)

format:
	clang-format -i $(SOURCES)

setup:
	scripts/setup.sh

setup-lint:
	scripts/setup.sh lint

lint: setup-lint
	scripts/lint.sh

check: setup
	scripts/check.sh

check-net: setup
	scripts/check.sh net

check-debug:
	scripts/check.sh debug

demo: setup
	scripts/demo.sh

bench: setup
	scripts/bench.sh

profile: setup
	scripts/profile.sh

.PHONY: all modules clean install uninstall format setup setup-lint lint check check-net check-debug demo bench profile
