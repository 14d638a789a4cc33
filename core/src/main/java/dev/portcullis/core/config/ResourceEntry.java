package dev.portcullis.core.config;

/**
 * One resource as written in {@code --resources}, before entries with the same name merge.
 *
 * @param name the resource name, such as {@code ports}
 * @param value its value
 * @param label how error messages refer to the entry, such as {@code entry 'ports:5'}
 */
record ResourceEntry(String name, ResourceValue value, String label) {}
