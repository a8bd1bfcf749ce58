/**
 * The top of the model: {@link armmm.model.kernel.Kernel} runs every kernel call and reads every
 * observable through the subsystems that {@link armmm.model.kernel.Subsystems} registers, one
 * line each, in boot order (layout, memblock, zones, the buddy allocator of mm/page_alloc.c), and
 * holds the descriptors of those four. See {@code spec/subsystems.md}.
 */
package armmm.model.kernel;
