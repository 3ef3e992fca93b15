# SPDX-License-Identifier: GPL-2.0
#
# dsmil: top-level build and test entry points.
#
#   make                  build driver/dsmil-84dev.ko against KDIR (see below)
#   make userspace        build userspace/lsdsmil (dsmilctl is a shell script)
#   make install          install dsmilctl, lsdsmil, udev/modprobe/systemd files
#                         (DESTDIR, PREFIX=/usr/local; see userspace/userspace.mk)
#   make check-host       host-only tests (tests/host/*.bats), no QEMU
#   make demo             install what is missing, boot a Debian kernel in QEMU, show the driver
#   make check            every test on every kernel; ends with "N passed, N failed"
#   make check-vm KVER=6.1.0-56-amd64 [SUITES="tests/kernel/state.bats"]
#                         inner loop: one kernel, optionally a subset of suites
#   make deps             only install packages/kernels needed by demo and check
#
# KDIR defaults to the running kernel's build tree, or to the newest
# installed Debian headers when the running kernel has none (as on a
# build host without module support).  KVER=... picks a kernel by release.

KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -1d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4; fi)
KDIR ?= /lib/modules/$(KVER)/build

MODULE := dsmil-84dev

.PHONY: all module clean deps demo check check-vm install uninstall

all: module userspace

include userspace/userspace.mk

install: install-userspace
uninstall: uninstall-userspace

module:
	@test -d "$(KDIR)" || { echo "no kernel headers in '$(KDIR)': run 'make deps' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/driver modules
	ln -sf $(MODULE).ko driver/dsmil-72dev.ko

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/driver clean
	rm -f driver/dsmil-72dev.ko
	rm -rf build
	$(MAKE) clean-userspace

deps:
	bash tests/vm/deps.sh

demo: deps
	bash tests/vm/demo.sh

check: deps
	bash tests/run-check.sh

check-vm: deps
	bash tests/vm/run-suites.sh --kver "$(KVER)" $(SUITES)
