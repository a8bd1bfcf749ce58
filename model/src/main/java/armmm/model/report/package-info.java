/**
 * Renderers of the model's state in the kernel's own text formats (/proc files, boot dumps,
 * debugfs); rendering stays out of the model packages.
 */
package armmm.model.report;
