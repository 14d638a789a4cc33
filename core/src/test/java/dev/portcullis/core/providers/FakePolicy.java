package dev.portcullis.core.providers;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.Optional;

/** An always-available policy for tests, to show that loaders keep kinds apart. */
final class FakePolicy implements EnforcementPolicy {

  private final String name;

  FakePolicy(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    return Verdict.ignore();
  }
}
