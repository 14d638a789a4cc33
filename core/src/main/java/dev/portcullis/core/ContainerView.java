package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.util.Optional;

/**
 * A container as a scan sees it: frozen when the scan starts.
 *
 * @param allocation for a root, its allocation if known; always empty for a nested container
 * @param generation the root's allocation generation, to detect an update during the scan
 */
record ContainerView(
    ContainerId id,
    boolean ignored,
    Optional<PortRanges> allocation,
    boolean limited,
    long generation) {}
