/**
 * The shape every subsystem of the model fits into: a {@link armmm.model.subsystem.Subsystem}
 * names its calls ({@link armmm.model.subsystem.Op}, {@link armmm.model.subsystem.OpSpec}),
 * observables, {@link armmm.model.subsystem.Invariant}s, {@link armmm.model.subsystem.Report}s,
 * {@link armmm.model.subsystem.HandleKind}s, step hook, seeded bugs and how its state is created
 * at boot. It sits above {@code armmm.model.core} and {@code armmm.model.board} and below every
 * subsystem package; {@code armmm.model.kernel} registers the subsystems. See
 * {@code spec/subsystems.md}.
 */
package armmm.model.subsystem;
