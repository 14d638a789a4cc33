package dev.portcullis.core;

import dev.portcullis.api.PortRanges;
import java.util.Optional;

/**
 * What the isolator remembers of one container's latest violation, to build the next {@link
 * dev.portcullis.api.PolicyContext}.
 *
 * @param unallocated the unallocated ports of the latest violation
 * @param consecutiveScans how many consecutive scans saw exactly those ports
 * @param lastLogged the unallocated ports last logged, if any
 */
record ViolationMemory(
    PortRanges unallocated, int consecutiveScans, Optional<PortRanges> lastLogged) {}
