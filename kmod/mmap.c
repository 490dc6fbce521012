// SPDX-License-Identifier: GPL-2.0
/*
 * Mappable objects and mmap(). A segment's owner maps the target segment;
 * an importer maps its source segment, the image of the target. The offset
 * selects the object (RSM_MMAP_OFFSET(id)) and may point inside it; the
 * mapping must be MAP_SHARED and lie within the object, cannot grow, and is
 * read-only for good when the import is. Pages are inserted by pfn at fault
 * time, from the interconnect (loopback: vmalloc pages; ivshmem: BAR pages),
 * or the object's scratch pages once it is revoked. See "Revocation" in
 * main.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rsmdev.h>

#include "compat.h"
#include "rsm.h"

/* cursor of the cyclic object id allocation; rsm_lock */
static u32 rsm_next_mobj_id;

/**
 * rsm_mobj_init() - prepare a mappable object
 * @mobj:	the object, zeroed
 * @kind:	what contains it
 * @rf:		the file that may map it
 * @access:	RSM_ACCESS_* its mappings may have
 *
 * Allocates its scratch pages; the caller sets @mobj->seg.
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int rsm_mobj_init(struct rsm_mobj *mobj, enum rsm_mobj_kind kind,
		  struct rsm_file *rf, u32 access)
{
	mobj->kind = kind;
	mobj->file = rf;
	mobj->access = access;
	mobj->scratch[0] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	mobj->scratch[1] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	return mobj->scratch[0] && mobj->scratch[1] ? 0 : -ENOMEM;
}

/**
 * rsm_mobj_fini() - free what rsm_mobj_init() allocated
 * @mobj:	an object no mapping refers to any more
 *
 * Context: any.
 */
void rsm_mobj_fini(struct rsm_mobj *mobj)
{
	if (mobj->scratch[0])
		__free_page(mobj->scratch[0]);
	if (mobj->scratch[1])
		__free_page(mobj->scratch[1]);
}

/**
 * rsm_mobj_add() - give an object its id, making it mappable
 * @mobj:	the object
 *
 * Context: rsm_lock held.
 * Return: 0, -EBUSY when the id space is full, -ENOMEM.
 */
int rsm_mobj_add(struct rsm_mobj *mobj)
{
	int err;

	lockdep_assert_held(&rsm_lock);
	err = xa_alloc_cyclic(&rsm_mobjs, &mobj->id, mobj,
			      XA_LIMIT(1, RSM_OBJ_ID_MAX), &rsm_next_mobj_id,
			      GFP_KERNEL);
	return err < 0 ? err : 0;
}

/**
 * rsm_mobj_remove() - make an object unmappable; existing mappings stay
 * @mobj:	the object
 *
 * Context: rsm_lock held.
 */
void rsm_mobj_remove(struct rsm_mobj *mobj)
{
	lockdep_assert_held(&rsm_lock);
	xa_erase(&rsm_mobjs, mobj->id);
}

/**
 * rsm_mobj_zap() - remove every PTE of an object, in every process
 * @mobj:	the object, its @revoked already set
 *
 * Context: rsm_lock held (so that no one maps it while zapping).
 */
void rsm_mobj_zap(struct rsm_mobj *mobj)
{
	lockdep_assert_held(&rsm_lock);
	if (mobj->id)
		unmap_mapping_range(rsm_mapping, RSM_MMAP_OFFSET(mobj->id),
				    mobj->seg->size, 1);
}

static void rsm_mobj_get(struct rsm_mobj *mobj)
{
	if (mobj->kind == RSM_MOBJ_SEGMENT)
		rsm_seg_get(mobj->seg);
	else
		rsm_import_get(container_of(mobj, struct rsm_imp, mobj));
}

static void rsm_mobj_put(struct rsm_mobj *mobj)
{
	if (mobj->kind == RSM_MOBJ_SEGMENT)
		rsm_seg_put(mobj->seg);
	else
		rsm_import_put(container_of(mobj, struct rsm_imp, mobj));
}

/* fork, split, mremap: one more VMA on the object */
static void rsm_vm_open(struct vm_area_struct *vma)
{
	rsm_mobj_get(vma->vm_private_data);
	atomic_long_inc(&rsm_stats.mappings);
}

static void rsm_vm_close(struct vm_area_struct *vma)
{
	atomic_long_dec(&rsm_stats.mappings);
	rsm_mobj_put(vma->vm_private_data);
}

static vm_fault_t rsm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct rsm_mobj *mobj = vma->vm_private_data;
	struct rsm_segment *seg = mobj->seg;
	pgoff_t pgoff = vmf->pgoff & RSM_MMAP_PGMASK;
	pgprot_t prot = vma->vm_page_prot;
	unsigned long pfn;
	vm_fault_t ret;

	/* mmap checked the bounds and the VMA cannot grow: belt and braces */
	if (pgoff >= seg->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	down_read(&seg->fault_rwsem);
	if (mobj->revoked) {
		pfn = page_to_pfn(mobj->scratch[pgoff ? 1 : 0]);
	} else if (seg->ic->ops->seg_pfn(seg->ic, seg, pgoff, &pfn, &prot)) {
		ret = VM_FAULT_SIGBUS;
		goto out_unlock;
	}
	ret = vmf_insert_pfn_prot(vma, vmf->address, pfn, prot);
out_unlock:
	up_read(&seg->fault_rwsem);
	return ret;
}

static const struct vm_operations_struct rsm_vm_ops = {
	.open = rsm_vm_open,
	.close = rsm_vm_close,
	.fault = rsm_vm_fault,
};

/**
 * rsm_mmap() - map a segment of the file, or the image of one it imported
 * @file:	an open of /dev/rsmdev
 * @vma:	the new mapping; vm_pgoff selects object and first page
 *
 * Context: mmap_lock held for writing; takes rsm_lock.
 * Return: 0; -EINVAL for a private mapping, an offset naming no object of
 * this file, or a range past the object's end; -EACCES for a writable
 * mapping of a read-only import; -EIDRM (or the errno it was revoked with)
 * for a revoked import.
 */
int rsm_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long first = vma->vm_pgoff & RSM_MMAP_PGMASK;
	unsigned long id = vma->vm_pgoff >> RSM_MMAP_PGSHIFT;
	struct rsm_file *rf = file->private_data;
	struct rsm_mobj *mobj;
	int err = 0;

	/*
	 * VM_MAYSHARE, not VM_SHARED: MAP_SHARED of a descriptor opened
	 * read-only has only the former.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (id > RSM_OBJ_ID_MAX)
		return -EINVAL;

	mutex_lock(&rsm_lock);
	mobj = xa_load(&rsm_mobjs, id);
	if (!mobj || mobj->file != rf)
		err = -EINVAL;
	else if (mobj->revoked)
		err = mobj->revoked;
	else if (first + vma_pages(vma) > mobj->seg->size >> PAGE_SHIFT)
		err = -EINVAL;
	else if (!(mobj->access & RSM_ACCESS_WRITE) &&
		 (vma->vm_flags & VM_WRITE))
		err = -EACCES;
	if (!err)
		rsm_mobj_get(mobj);
	mutex_unlock(&rsm_lock);
	if (err)
		return err;

	if (!(mobj->access & RSM_ACCESS_WRITE))
		rsm_vm_flags_clear(vma, VM_MAYWRITE);
	/*
	 * PFNMAP: no struct page is exposed, so nothing can pin segment
	 * memory past a revocation. DONTEXPAND: mremap() cannot grow the
	 * mapping past the object. DONTDUMP: a core dump does not copy
	 * another process's buffers.
	 */
	rsm_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &rsm_vm_ops;
	vma->vm_private_data = mobj;
	atomic_long_inc(&rsm_stats.mappings);
	return 0;
}
