#!/usr/bin/env bash
# Static checks: checkpatch --strict on the kernel code and the uapi header,
# a W=1 module build without a single warning, sparse, the ioctl magic free
# in the kernel's ioctl-number list, clang-format applied to the C++.
set -uo pipefail
. "$RSM_TOP/tools/testlib.sh"
cd "$RSM_TOP" || exit 1
ktools=$(tools/kernel-tools) || exit 1
kdir=$(tools/vm/print-kdir)
log=$RSM_CHECK_DIR/static
mkdir -p "$log"

for f in $(git ls-files -co --exclude-standard -- "kmod/*.[ch]" "include/uapi/linux/*.h"); do
	if perl "$ktools/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$f" > "$log/checkpatch.$(basename "$f").log" 2>&1; then
		rsm_record PASS "checkpatch --strict: $f"
	else
		rsm_record FAIL "checkpatch --strict: $f"
		head -40 "$log/checkpatch.$(basename "$f").log"
	fi
done

# Build in a scratch copy so the tree's own objects are not disturbed.
scratch=$RSM_BUILD/kmod-w1
rm -rf "$scratch"
mkdir -p "$scratch/kmod"
cp $(git ls-files -co --exclude-standard -- "kmod/*.[ch]") kmod/Kbuild kmod/Makefile "$scratch/kmod/"
ln -s "$RSM_TOP/include" "$scratch/include"
make -C "$kdir" M="$scratch/kmod" W=1 C=1 CHECK="sparse -Wno-decl" modules > "$log/w1.log" 2>&1
rc=$?
if [ $rc = 0 ] && ! grep -qE 'warning:|error:' "$log/w1.log"; then
	rsm_record PASS "kmod builds with W=1 and sparse, no warnings"
else
	rsm_record FAIL "kmod builds with W=1 and sparse, no warnings"
	grep -E 'warning:|error:' "$log/w1.log" | head -30
fi

# Our ioctl magic must not be claimed by anyone in the kernel's list.
magic=$(sed -n 's/^#define RSM_IOC_MAGIC[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' include/uapi/linux/rsmdev.h)
if [ -n "$magic" ] && ! grep -qiE "^$magic[[:space:]]" "$ktools/Documentation/userspace-api/ioctl/ioctl-number.rst"; then
	rsm_record PASS "ioctl magic $magic is free in ioctl-number.rst"
else
	rsm_record FAIL "ioctl magic ${magic:-?} is free in ioctl-number.rst"
fi

# The netlink spec is the source of truth: what it renders must be what is
# committed (the uapi section and kmod/netlink-gen.[ch]).
if tools/netlink/rsm-nlgen --check > "$log/nlgen.log" 2>&1; then
	rsm_record PASS "netlink spec rsm.yaml renders the committed uapi and kmod/netlink-gen.[ch]"
else
	rsm_record FAIL "netlink spec rsm.yaml renders the committed uapi and kmod/netlink-gen.[ch]"
	cat "$log/nlgen.log"
fi

mapfile -t cxx < <(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' '*.cc' '*.h' |
	grep -vE '^(kmod|include/uapi|selftests)/')
if [ ${#cxx[@]} = 0 ] || clang-format --dry-run --Werror "${cxx[@]}" > "$log/clang-format.log" 2>&1; then
	rsm_record PASS "clang-format applied to ${#cxx[@]} C/C++ files"
else
	rsm_record FAIL "clang-format applied to ${#cxx[@]} C/C++ files"
	grep -E '^[^ ].*: (error|warning)' "$log/clang-format.log" | cut -d: -f1 | sort -u | head -20
fi
exit 0
