/**
 * Task shells started with {@code posix_spawn(3)} and reaped on request, without a JDK reaper
 * thread per child.
 */
package dev.portcullis.spawn;
