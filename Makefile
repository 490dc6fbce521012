# rsm - top-level Makefile: drives the kernel module (Kbuild), the user-space
# build (CMake: libshm, tools, tests) and every test, demo and benchmark.
#
#   make            build rsmdev.ko, libshm and the tools
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, run the two-VM demo
#   make bench      run the host benchmark suite (BENCH_ARGS: tools/bench --help)
#   make install    install (DESTDIR, PREFIX honoured)
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

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) \
		-DKSELFTEST_DIR=$$(tools/kernel-tools)/tools/testing/selftests

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: deps
	$(MAKE) all
	tools/check

demo: deps
	$(MAKE) all
	tools/demo

bench: deps
	@tools/deps bench
	$(MAKE) all
	tools/bench $(BENCH_ARGS)

install: all
	cmake --install $(BUILD) $(if $(DESTDIR),--prefix $(PREFIX))
	$(MAKE) -C $(KDIR) M=$(TOP)/kmod INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates modules_install

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	rm -rf $(BUILD)

.PHONY: all deps kmod kmod-debug debug-kernel userspace check demo bench install clean
