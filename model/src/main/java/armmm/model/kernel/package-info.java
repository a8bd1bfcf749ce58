/**
 * The modelled kernel's one entry point: {@link armmm.model.kernel.Kernel} runs every kernel call,
 * each a record of the sealed {@link armmm.model.kernel.Op} (one sub-interface per subsystem:
 * {@code MemblockOp} for mm/memblock.c, {@code PageOp} for mm/page_alloc.c and include/linux/gfp.h),
 * and returns a {@link armmm.model.kernel.Result}, the kernel's value or its refusal.
 */
package armmm.model.kernel;
