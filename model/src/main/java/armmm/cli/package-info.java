/** The {@code armmm} command line (picocli): {@code boot}, {@code run}, {@code replay-memblock}. */
package armmm.cli;
