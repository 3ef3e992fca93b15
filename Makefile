# SPDX-License-Identifier: GPL-2.0
#
# dsmil: top-level build and test entry points.
#
#   make                  build driver/dsmil-84dev.ko and dsmil-sim.ko against KDIR (see below)
#   make userspace        build userspace/lsdsmil (dsmilctl is a shell script)
#   make install          install dsmilctl, lsdsmil, udev/modprobe/systemd files
#                         (DESTDIR, PREFIX=/usr/local; see userspace/userspace.mk)
#   make check-host       host-only tests (tests/host/*.bats), no QEMU
#   make demo             install what is missing, boot a Debian kernel in QEMU, show the driver
#   make check            every test on every kernel; ends with "N passed, N failed"
#   make check-vm KVER=6.1.0-56-amd64 [SUITES="tests/kernel/state.bats"]
#                         inner loop: one kernel, optionally a subset of suites
#   make check-system     the whole-system test alone (tests/system/run.sh):
#                         make deb, the packages' lifecycle in an overlay root
#                         of the host, two systemd boots with them installed
#   make deps             only install packages/kernels needed by demo and check
#   make bench [KVER=...] the benchmarks (tests/bench/run.sh) in one guest run:
#                         one table of figures, also in build/bench/table.txt
#
# Packaging (the version is in the file VERSION):
#   make dist             source tarball build/dsmil-VERSION.tar.gz of the
#                         tracked files (git ls-files), prefix dsmil-VERSION/
#   make dkms-install     copy the module sources to /usr/src/dsmil-VERSION,
#                         then dkms add, build and install for KVER (see dkms.conf)
#   make dkms-uninstall   dkms remove --all and delete /usr/src/dsmil-VERSION
#   make install-dkms-sources  only copy the module sources (DESTDIR, DKMS_SOURCE_TREE)
#   make deb              Debian packages dsmil-dkms and dsmil-tools (debian/) in
#                         build/deb/, built by dpkg-buildpackage -us -uc -b from
#                         a copy of the tracked files (make dist); DEB_VERSION=V
#                         builds them as version V (VERSION and changelog)
#   make lintian          make deb, then lintian on the packages and .changes:
#                         any error or warning fails
#
# KDIR defaults to the running kernel's build tree, or to the newest
# installed Debian headers when the running kernel has none (as on a
# build host without module support).  KVER=... picks a kernel by release;
# its headers come from the kernel cache of tests/vm/deps.sh when they are
# there (DSMIL_CACHE_DIR, default /var/cache/dsmil).

KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -1d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4; fi)
# The headers tests/vm/deps.sh unpacked into its kernel cache win (the
# 6.12 backports' headers cannot be installed without their image).
DSMIL_CACHE_DIR ?= /var/cache/dsmil
KDIR ?= $(firstword $(wildcard $(DSMIL_CACHE_DIR)/kernels/$(KVER)/lib/modules/$(KVER)/build) \
	/lib/modules/$(KVER)/build)

MODULE := dsmil-84dev

.PHONY: all module clean deps demo check check-vm install uninstall
.PHONY: dist dkms-install dkms-uninstall install-dkms-sources deb lintian

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
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/modules clean
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

.PHONY: check-system
check-system: deps
	bash tests/system/run.sh

.PHONY: bench
bench: deps
	bash tests/bench/run.sh $(if $(filter command line,$(origin KVER)),--kver "$(KVER)")

# --- packaging ---------------------------------------------------------------

VERSION := $(shell cat VERSION 2>/dev/null)
DIST := dsmil-$(VERSION)
DISTDIR ?= build

# The working-tree copies of the tracked files, so never a build output or
# anything untracked; owner root, dated by the last commit.
dist:
	@test -n "$(VERSION)" || { echo "no VERSION file" >&2; exit 1; }
	@git rev-parse --git-dir >/dev/null 2>&1 || \
		{ echo "make dist packs 'git ls-files': run it in the git checkout" >&2; exit 1; }
	@set -e; list=$$(mktemp); trap 'rm -f "$$list"' EXIT; \
	git ls-files -z | xargs -0 sh -c 'for f; do \
		if [ -e "$$f" ] || [ -L "$$f" ]; then printf "%s\0" "$$f"; fi; done' sh >"$$list"; \
	test -s "$$list"; \
	mkdir -p $(DISTDIR); \
	tar --null --no-recursion -T "$$list" --transform 's,^,$(DIST)/,S' \
		--owner=0 --group=0 --numeric-owner \
		--mtime=@$$(git log -1 --format=%ct 2>/dev/null || date +%s) \
		-I 'gzip -n -9' -cf $(DISTDIR)/$(DIST).tar.gz.tmp; \
	mv $(DISTDIR)/$(DIST).tar.gz.tmp $(DISTDIR)/$(DIST).tar.gz; \
	echo "$(DISTDIR)/$(DIST).tar.gz"

# DKMS: what dkms needs to build the module (no build outputs), copied to
# DKMS_SOURCE_TREE/dsmil-VERSION.  DKMS_KERNELS: the kernels to build and
# install for, each against its build tree as for KDIR (the kernel cache's
# headers first); DKMS_FLAGS: more dkms options (e.g. --dkmstree, --installtree).
DKMS ?= dkms
DKMS_SOURCE_TREE ?= /usr/src
DKMS_KERNELS ?= $(KVER)
DKMS_FLAGS ?=
DKMS_FILES := dkms.conf VERSION driver/Kbuild \
	$(sort $(filter-out %.mod.c,$(wildcard driver/*.c driver/*.h driver/sim/*.c driver/sim/*.h)))
dkms_run = $(DKMS) --sourcetree $(DKMS_SOURCE_TREE) $(DKMS_FLAGS)

# The sources dkms builds from, in $(DESTDIR)$(DKMS_SOURCE_TREE)/dsmil-VERSION
# (debian/rules installs them so for dsmil-dkms).
install-dkms-sources:
	@set -e; for f in $(DKMS_FILES); do \
		$(INSTALL) -D -m 0644 "$$f" "$(DESTDIR)$(DKMS_SOURCE_TREE)/$(DIST)/$$f"; \
	done

dkms-install: dkms-uninstall
	$(MAKE) install-dkms-sources DESTDIR=
	$(dkms_run) add dsmil/$(VERSION)
	@set -e; for k in $(DKMS_KERNELS); do \
		src=$(DSMIL_CACHE_DIR)/kernels/$$k/lib/modules/$$k/build; \
		[ -d "$$src" ] || src=/lib/modules/$$k/build; \
		for action in build install; do \
		echo "$(dkms_run) $$action dsmil/$(VERSION) -k $$k --kernelsourcedir $$src"; \
		$(dkms_run) $$action dsmil/$(VERSION) -k $$k --kernelsourcedir "$$src"; \
	done; done

dkms-uninstall:
	@test -n "$(VERSION)" && test -n "$(DKMS_SOURCE_TREE)" || \
		{ echo "no VERSION file or no DKMS_SOURCE_TREE" >&2; exit 1; }
	@if $(dkms_run) status dsmil/$(VERSION) 2>/dev/null | grep -q .; then \
		echo "$(dkms_run) remove dsmil/$(VERSION) --all"; \
		$(dkms_run) remove dsmil/$(VERSION) --all; \
	fi
	rm -rf $(DKMS_SOURCE_TREE)/$(DIST)

# --- Debian packages ---------------------------------------------------------

# Built in a scratch copy of the tracked files: dpkg-buildpackage writes
# its results next to the source directory (here build/deb/) and its
# clean step never touches the checkout.  DEB_VERSION=V (e.g. a rebuild,
# 0.1.0+1) sets VERSION and a new changelog entry in that copy only.
DEBDIR ?= build/deb
DEB_VERSION ?=

deb: dist
	rm -rf $(DEBDIR)
	mkdir -p $(DEBDIR)
	tar -C $(DEBDIR) -xzf $(DISTDIR)/$(DIST).tar.gz
	@set -e; if [ -n "$(DEB_VERSION)" ]; then cd $(DEBDIR)/$(DIST) && \
		echo "$(DEB_VERSION)" >VERSION && \
		{ printf 'dsmil ($(DEB_VERSION)) unstable; urgency=medium\n\n  * Rebuild as $(DEB_VERSION).\n\n -- %s  %s\n\n' \
			"$$(dpkg-parsechangelog -SMaintainer)" "$$(date -R)"; cat debian/changelog; } >debian/changelog.new && \
		mv debian/changelog.new debian/changelog; fi
	cd $(DEBDIR)/$(DIST) && dpkg-buildpackage -us -uc -b
	rm -rf $(DEBDIR)/$(DIST)
	@ls -1 $(DEBDIR)/*.deb $(DEBDIR)/*.changes

lintian: deb
	lintian --fail-on error,warning --info $(DEBDIR)/*.changes
