# SPDX-License-Identifier: GPL-2.0
#
# dsmil userspace: dsmilctl, lsdsmil, udev rules, modprobe.d, systemd units,
# man pages.  Included by the top-level Makefile; also usable alone:
#   make -f userspace/userspace.mk userspace|install-userspace|check-host
#
#   make userspace            build userspace/lsdsmil (needs libsysfs-dev)
#   make install-userspace    install into $(DESTDIR)$(PREFIX)...
#   make uninstall-userspace  remove what install-userspace installed
#   make check-host           host-side tests: bats tests/host/*.bats
#   make clean-userspace
#
# DESTDIR and PREFIX (default /usr/local) as usual; BINDIR, DSMILLIBDIR
# (dsmilctl's library, $(PREFIX)/lib/dsmil), MANDIR, PROMRULESDIR (the
# Prometheus alert rules, $(PREFIX)/share/dsmil/prometheus), UDEVRULESDIR,
# MODPROBEDIR, SYSTEMDUNITDIR and SYSUSERSDIR can be set one by one.  udev (systemd >= 246), kmod (>= 29) and systemd read the
# /usr/local/lib/... directories as well as the /usr/lib/... ones.

DSMIL_US := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
DSMIL_US_TOP := $(patsubst %/,%,$(dir $(DSMIL_US)))

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DSMILLIBDIR ?= $(PREFIX)/lib/dsmil
MANDIR ?= $(PREFIX)/share/man
PROMRULESDIR ?= $(PREFIX)/share/dsmil/prometheus
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d

INSTALL ?= install
PKG_CONFIG ?= pkg-config
US_CFLAGS ?= -O2 -g
US_CFLAGS += -Wall -Wextra $(shell $(PKG_CONFIG) --cflags libsysfs 2>/dev/null)
US_LDLIBS := $(or $(shell $(PKG_CONFIG) --libs libsysfs 2>/dev/null),-lsysfs)

# dsmilctl is a dispatcher; its library is userspace/lib/*.sh
DSMIL_US_LIB := $(sort $(notdir $(wildcard $(DSMIL_US)/lib/*.sh)))

# installed file -> source file
DSMIL_US_FILES := \
	$(BINDIR)/dsmilctl:$(DSMIL_US)/dsmilctl:0755 \
	$(foreach f,$(DSMIL_US_LIB),$(DSMILLIBDIR)/$(f):$(DSMIL_US)/lib/$(f):0644) \
	$(BINDIR)/lsdsmil:$(DSMIL_US)/lsdsmil:0755 \
	$(MANDIR)/man8/dsmilctl.8:$(DSMIL_US)/man/dsmilctl.8:0644 \
	$(MANDIR)/man8/lsdsmil.8:$(DSMIL_US)/man/lsdsmil.8:0644 \
	$(PROMRULESDIR)/dsmil.rules.yml:$(DSMIL_US)/prometheus/dsmil.rules.yml:0644 \
	$(UDEVRULESDIR)/60-dsmil.rules:$(DSMIL_US)/udev/60-dsmil.rules:0644 \
	$(MODPROBEDIR)/dsmil.conf:$(DSMIL_US)/modprobe.d/dsmil.conf:0644 \
	$(SYSTEMDUNITDIR)/dsmil-metrics.service:$(DSMIL_US)/systemd/dsmil-metrics.service:0644 \
	$(SYSTEMDUNITDIR)/dsmil-metrics.timer:$(DSMIL_US)/systemd/dsmil-metrics.timer:0644 \
	$(SYSUSERSDIR)/dsmil.conf:$(DSMIL_US)/sysusers.d/dsmil.conf:0644

.PHONY: userspace install-userspace uninstall-userspace check-host clean-userspace

userspace: $(DSMIL_US)/lsdsmil

$(DSMIL_US)/lsdsmil: $(DSMIL_US)/lsdsmil.c
	@test -f /usr/include/sysfs/libsysfs.h || $(PKG_CONFIG) --exists libsysfs 2>/dev/null || \
		{ echo "lsdsmil needs libsysfs: apt-get install libsysfs-dev" >&2; exit 1; }
	$(CC) $(US_CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< $(US_LDLIBS)

install-userspace: userspace
	@set -e; for f in $(DSMIL_US_FILES); do \
		dst=$${f%%:*}; rest=$${f#*:}; src=$${rest%%:*}; mode=$${rest##*:}; \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		$(INSTALL) -d "$(DESTDIR)$${dst%/*}"; \
		case $$dst in \
		*.service) sed 's|@BINDIR@|$(BINDIR)|g' "$$src" >"$(DESTDIR)$$dst"; chmod "$$mode" "$(DESTDIR)$$dst" ;; \
		*/dsmilctl) sed 's|@DSMIL_LIBDIR@|$(DSMILLIBDIR)|g' "$$src" >"$(DESTDIR)$$dst"; chmod "$$mode" "$(DESTDIR)$$dst" ;; \
		*) $(INSTALL) -m "$$mode" "$$src" "$(DESTDIR)$$dst" ;; \
		esac; \
	done

uninstall-userspace:
	@for f in $(DSMIL_US_FILES); do \
		dst=$${f%%:*}; \
		if [ -e "$(DESTDIR)$$dst" ]; then echo "  RM $(DESTDIR)$$dst"; rm -f "$(DESTDIR)$$dst"; fi; \
	done; \
	rmdir "$(DESTDIR)$(DSMILLIBDIR)" "$(DESTDIR)$(PROMRULESDIR)" 2>/dev/null || :

check-host: userspace
	bats $(DSMIL_US_TOP:%=%/)tests/host

clean-userspace:
	rm -f $(DSMIL_US)/lsdsmil
