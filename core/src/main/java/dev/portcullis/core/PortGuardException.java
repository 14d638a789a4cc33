package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.Stability;
import java.io.IOException;

/**
 * A port guard could not be installed or changed, so the kernel does not refuse what the
 * container's allocation says it should. Thrown by {@link PortsIsolator#prepare} (the container was
 * not prepared: launch nothing into it) and {@link PortsIsolator#update} (the isolator judges the
 * new allocation; the guard still enforces the old one).
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class PortGuardException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ContainerId container;

  PortGuardException(ContainerId container, String message, IOException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.container = container;
  }

  /** {@return the container whose guard failed; never null} */
  public ContainerId container() {
    return container;
  }
}
