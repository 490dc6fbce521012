/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version shims. rsmdev targets Debian 12's 6.1 kernel; every
 * difference with later kernels is bridged here and nowhere else.
 */
#ifndef RSM_COMPAT_H
#define RSM_COMPAT_H

#include <linux/mm.h>

/*
 * 6.3 made vma->vm_flags read-only and added vm_flags_set()/vm_flags_clear(),
 * which also take the VMA write lock. Before that the field is written
 * directly (mmap_lock is held for writing in ->mmap). Kbuild defines
 * RSM_HAVE_VM_FLAGS_SET when the kernel has them.
 */
#ifdef RSM_HAVE_VM_FLAGS_SET
static inline void rsm_vm_flags_set(struct vm_area_struct *vma,
				    vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

static inline void rsm_vm_flags_clear(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
	vm_flags_clear(vma, flags);
}
#else
static inline void rsm_vm_flags_set(struct vm_area_struct *vma,
				    vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void rsm_vm_flags_clear(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* RSM_COMPAT_H */
