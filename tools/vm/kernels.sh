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
		RSM_KMOD_DIR=$rsm_project/kmod
		;;
	debug)
		tree=$("$rsm_project/tools/vm/build-debug-kernel") || return 1
		KERNEL_IMAGE=$tree/arch/x86/boot/bzImage
		KERNEL_RELEASE=$(cat "$tree/include/config/kernel.release")
		KERNEL_MODDIR=
		KERNEL_BUILD=$tree
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
		RSM_KMOD_DIR=
		;;
	esac
}
