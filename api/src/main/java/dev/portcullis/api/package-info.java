/**
 * The Portcullis contract.
 *
 * <p>Value types describe what a scan sees and decides: {@link dev.portcullis.api.PortRanges},
 * {@link dev.portcullis.api.ContainerId}, {@link dev.portcullis.api.ContainerConfig}, {@link
 * dev.portcullis.api.ListeningSocket}, {@link dev.portcullis.api.Violation} and {@link
 * dev.portcullis.api.ContainerLimitation}. The service provider interfaces are {@link
 * dev.portcullis.api.SocketSource}, {@link dev.portcullis.api.ProcessTracker} and {@link
 * dev.portcullis.api.EnforcementPolicy}, each a {@link dev.portcullis.api.Provider}.
 *
 * <p>Unless a method says otherwise, arguments and results are never null.
 */
@Value.Style(
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true,
    jdkOnly = true,
    // No annotation from the class path on generated classes: consumers compile against them
    // without the Immutables annotations jar, which api needs only at compile time.
    allowedClasspathAnnotations = {Override.class},
    defaults = @Value.Immutable(copy = false))
package dev.portcullis.api;

import org.immutables.value.Value;
