# shellcheck shell=bash
# Which kernels the project builds for and boots. Sourced by tools/vm/rsm-vm,
# tools/vm/build-kmod and the top-level Makefile (through print-kdir).
#
# rsm_resolve_kernel KIND sets
#   KERNEL_IMAGE    the bzImage to boot
#   KERNEL_RELEASE  its release string (must match the module's vermagic)
#   KERNEL_MODDIR   /lib/modules/<release> to take the 9p modules from, or
#                   empty when they are built in (debug kernel)
#   KERNEL_BUILD    the build tree to compile modules against
#   KERNEL_APPEND   kernel command line parameters this kernel needs
#   RSM_KMOD_DIR    where rsmdev.ko for this kernel is built

rsm_project=${rsm_project:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# The Debian 6.1 kernel: RSM_KVER if set, else the newest 6.1 release that
# has both an image in /boot and a build tree.
rsm_debian_release() {
	if [ -n "${RSM_KVER:-}" ]; then
		echo "$RSM_KVER"
		return
	fi
	local d best=
	for d in /lib/modules/6.1.*-amd64; do
		[ -f "/boot/vmlinuz-${d##*/}" ] && [ -d "$d/build" ] && best=${d##*/}
	done
	[ -n "$best" ] && echo "$best"
}

rsm_resolve_kernel() {
	local kind=$1 rel tree
	case "$kind" in
	debian)
		rel=$(rsm_debian_release) || {
			echo "rsm: no Debian 6.1 kernel with headers (apt-get install linux-image-amd64 linux-headers-amd64)" >&2
			return 1
		}
		KERNEL_IMAGE=/boot/vmlinuz-$rel
		KERNEL_RELEASE=$rel
		KERNEL_MODDIR=/lib/modules/$rel
		KERNEL_BUILD=/lib/modules/$rel/build
		KERNEL_APPEND=
		RSM_KMOD_DIR=$rsm_project/kmod
		;;
	debug)
		tree=$("$rsm_project/tools/vm/build-debug-kernel") || return 1
		KERNEL_IMAGE=$tree/arch/x86/boot/bzImage
		KERNEL_RELEASE=$(cat "$tree/include/config/kernel.release")
		KERNEL_MODDIR=
		KERNEL_BUILD=$tree
		# kasan_multi_shot: report every KASAN error, not only the first.
		# no5lvl: with 5-level paging (QEMU's -cpu max has LA57), a timer
		# interrupt in the moment identify_cpu() has cleared the CPU's
		# feature bits makes KASAN misjudge direct-map addresses and report
		# "wild-memory-access" in a loop; seen on a busy host.
		# preempt=none: 6.1's RCU-tasks self-test (PROVE_RCU) deadlocks
		# the boot now and then. kernel_init finds the RCU-tasks kthread
		# not started yet, so it runs the grace period itself; when the
		# might_sleep() in its mutex_lock() yields to the kthread just
		# woken, the kthread takes tasks_gp_mutex and sleeps holding it
		# until a callback comes, which none does (kernel/rcu/tasks.h,
		# rcu_tasks_one_gp(); later kernels drop the mutex while waiting).
		# The guest then idles forever after "Running RCU-tasks wait API
		# self tests": 2 of 21 boots here with three guests on 2 cores.
		# With preempt=none, might_sleep() is no preemption point, and
		# nothing else schedules in that window. The debug guest runs
		# with one host thread for its CPUs (rsm-vm --tcg single): it is
		# there for the detectors, not for preemption timing, which the
		# Debian kernel's guests (voluntary, --tcg multi) exercise.
		KERNEL_APPEND="kasan_multi_shot no5lvl preempt=none"
		RSM_KMOD_DIR=$rsm_project/build/kmod-debug/kmod
		;;
	*)
		[ -f "$kind" ] || {
			echo "rsm: kernel must be debian, debug or a bzImage path, not '$kind'" >&2
			return 1
		}
		KERNEL_IMAGE=$kind
		KERNEL_RELEASE=$(file -bL "$kind" | sed -n 's/.*version \([^ ]*\) .*/\1/p')
		KERNEL_MODDIR=
		KERNEL_BUILD=
		KERNEL_APPEND=
		RSM_KMOD_DIR=
		;;
	esac
}

# rsm_boot_image IMAGE CACHE_DIR prints the image QEMU should boot. Under
# software emulation a bzImage spends most of its boot decompressing itself
# (measured here: the first kernel line 26-40 s after QEMU starts on a loaded
# host, 4.5 s for the same kernel uncompressed). When the kernel can be
# entered directly (PVH, an ELF note of type 0x12 that QEMU's -kernel
# honours), the uncompressed ELF is cached in CACHE_DIR and printed instead;
# otherwise IMAGE itself.
rsm_boot_image() {
	local image=$1 cache=$2 elf off tmp
	elf=$cache/vmlinux-$(basename "$image")
	if [ -s "$elf" ] && [ "$elf" -nt "$image" ]; then
		echo "$elf"
		return
	fi
	# known not to be enterable directly: do not decompress it at every run
	if [ -f "$elf.no-pvh" ] && [ "$elf.no-pvh" -nt "$image" ]; then
		echo "$image"
		return
	fi
	# the xz stream inside the bzImage; other compressions boot as they are
	off=$(LC_ALL=C grep -obaP '\xfd7zXZ\x00' "$image" 2>/dev/null | head -1 | cut -d: -f1)
	if [ -n "$off" ] && mkdir -p "$cache" && tmp=$(mktemp "$elf.XXXXXX"); then
		tail -c "+$((off + 1))" "$image" | xz -dcq --single-stream > "$tmp" 2>/dev/null
		if readelf -n "$tmp" 2>/dev/null | grep -q 'note type: (0x00000012)'; then
			chmod 644 "$tmp" && mv "$tmp" "$elf" && echo "$elf" && return
		fi
		rm -f "$tmp"
		touch "$elf.no-pvh"
	fi
	echo "$image"
}
