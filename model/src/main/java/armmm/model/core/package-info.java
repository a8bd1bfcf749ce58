/**
 * The values every subsystem of the model shares, at the bottom of the package graph (this
 * package imports no other armmm package): a call's {@link armmm.model.core.Result}, an
 * {@link armmm.model.core.ObservablePath}, a {@link armmm.model.core.Violation}, the GFP flags
 * of include/linux/gfp_types.h, value formatting, and the {@link armmm.model.core.SeededBug}s a
 * kernel is created with ({@link armmm.model.core.Bugs}).
 */
package armmm.model.core;
