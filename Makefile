# rsm - top-level Makefile: drives the kernel module (Kbuild), the user-space
# build (CMake: libshm, tools, tests) and every test, demo and benchmark.
#
#   make            build rsmdev.ko, libshm and the tools
#   make check      install what is missing, build, run every test (the
#                   kernel tests on Debian's kernel and the debug kernel)
#   make check-quick  the same, but the rsmctl Bats files and the two-node
#                   tests on Debian's kernel only (a quicker loop)
#   make demo       install what is missing, build, run the two-VM demo
#   make bench      run the host benchmark suite (BENCH_ARGS: tools/bench --help)
#   make install    install the module, library, headers, tools, man pages,
#                   udev rule (DESTDIR, PREFIX honoured; see
#                   Documentation/packaging.md for the layout)
#   make deb        Debian packages in build/deb (dpkg-buildpackage -b)
SHELL := /bin/bash
TOP := $(CURDIR)
BUILD ?= $(TOP)/build
PREFIX ?= /usr/local
# The kernel build tree: the running kernel's when it has one, else Debian
# 12's 6.1 headers (what the VM boots).
KDIR ?= $(shell tools/vm/print-kdir)
CMAKE_BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)

all: kmod userspace

deps:
	@tools/deps core

kmod:
	@test -n "$(KDIR)" || { echo "make: no kernel build tree (install linux-headers-amd64 or set KDIR)" >&2; exit 1; }
	$(MAKE) -C kmod KDIR=$(KDIR) W=1

# rsmdev.ko for the debug kernel, in build/kmod-debug (builds the kernel once)
kmod-debug:
	tools/vm/build-kmod debug

debug-kernel:
	tools/vm/build-debug-kernel

# rsmctl linked statically: the tests start it hundreds of times in emulated
# guests, where a dynamic start costs several times more (CMakeLists.txt).
$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DRSM_STATIC_TOOLS=ON \
		-DKSELFTEST_DIR=$$(tools/kernel-tools)/tools/testing/selftests

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: deps
	$(MAKE) all
	tools/check

check-quick: deps
	$(MAKE) all
	RSM_CHECK_FULL=0 tools/check

demo: deps
	$(MAKE) all
	tools/demo

bench: deps
	@tools/deps bench
	$(MAKE) all
	tools/bench $(BENCH_ARGS)

# --- installation (Documentation/packaging.md) -------------------------------
VERSION := $(shell sed -n 's/^project.rsm VERSION \([0-9.]*\).*/\1/p' $(TOP)/CMakeLists.txt)
INCLUDEDIR ?= $(PREFIX)/include
DOCDIR ?= $(PREFIX)/share/doc/rsm
# udev and the kernel read these whatever the prefix
UDEVDIR ?= /lib/udev
DKMSDIR ?= /usr/src/rsmdev-$(VERSION)
# the release KDIR is built for (where modules_install puts the module)
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
# Kbuild signs modules at install with the kernel's own key when the kernel
# has MODULE_SIG_ALL; distribution header packages do not ship that key (the
# attempt would only print SSL errors), so sign only when the key is there.
sig_key = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY=//p' $(KDIR)/include/config/auto.conf | tr -d '"')
kmod_sign = $(if $(wildcard $(if $(filter /%,$(sig_key)),,$(KDIR)/)$(sig_key)),,CONFIG_MODULE_SIG_ALL=)
INSTALL ?= install

install: install-kmod install-userspace install-headers install-data
	@[ -n "$(DESTDIR)" ] || $(MAKE) --no-print-directory install-post

# rsmdev.ko into /lib/modules/<release>/updates through Kbuild
install-kmod: kmod
	$(MAKE) -C $(KDIR) M=$(TOP)/kmod INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates $(kmod_sign) modules_install

# libshm, its CMake and pkg-config files, the tools, the man pages. The
# prefix is configured, not only passed to --install: libshm.pc and the
# library directory (lib or lib/<multiarch>) depend on it.
install-userspace: $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) > /dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# the public headers: libshm's and the kernel interfaces <linux/rsmdev.h>
# and <linux/rsm_ivshmem.h> (the layout of the memory nodes share)
install-headers:
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(INCLUDEDIR)/libshm
	$(INSTALL) -m 644 include/uapi/linux/*.h $(DESTDIR)$(INCLUDEDIR)/linux/
	$(INSTALL) -m 644 include/libshm/shm.h include/libshm/shm.hpp $(DESTDIR)$(INCLUDEDIR)/libshm/

# the udev rule for /dev/rsmdev, modules-load.d and modprobe.d examples
install-data:
	$(INSTALL) -D -m 644 packaging/60-rsmdev.rules $(DESTDIR)$(UDEVDIR)/rules.d/60-rsmdev.rules
	$(INSTALL) -D -m 644 packaging/modules-load.d/rsmdev.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/rsmdev.conf
	$(INSTALL) -D -m 644 packaging/modprobe.d/rsmdev.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/rsmdev.conf

# the module's source as DKMS wants it (dkms.conf): /usr/src/rsmdev-<version>
install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/kmod $(DESTDIR)$(DKMSDIR)/include/uapi/linux
	$(INSTALL) -m 644 dkms.conf $(DESTDIR)$(DKMSDIR)/
	$(INSTALL) -m 644 kmod/Kbuild kmod/Makefile kmod/*.h \
		$(filter-out %.mod.c,$(wildcard kmod/*.c)) $(DESTDIR)$(DKMSDIR)/kmod/
	$(INSTALL) -m 644 include/uapi/linux/*.h $(DESTDIR)$(DKMSDIR)/include/uapi/linux/

# What installing into the running system needs beyond files (make install
# without DESTDIR runs it): the module index, the loader cache, the group
# of the udev rule, and udev applying the rule to a device already there.
install-post:
	depmod -a $(KRELEASE)
	ldconfig
	getent group rsm > /dev/null || groupadd --system rsm
	if udevadm control --reload 2> /dev/null; then \
		udevadm trigger --action=change --subsystem-match=misc --sysname-match=rsmdev; fi

# Debian packages (debian/): built from a copy of the tree in build/deb, so
# dpkg-buildpackage writes the .debs there, not beside the checkout. The
# copy keeps timestamps and its CMake build directory, so a second run
# rebuilds only what changed. DEB_BUILD_OPTIONS=nocheck by default: the
# tests are make check's; pass DEB_BUILD_OPTIONS= to run them in the build.
DEB_DIR ?= $(BUILD)/deb
DEB_BUILD_OPTIONS ?= nocheck
deb:
	DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS)" tools/mkdeb $(DEB_DIR)

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	rm -rf $(BUILD)

.PHONY: all deps kmod kmod-debug debug-kernel userspace check check-quick demo bench install clean \
	install-kmod install-userspace install-headers install-data install-dkms install-post deb
