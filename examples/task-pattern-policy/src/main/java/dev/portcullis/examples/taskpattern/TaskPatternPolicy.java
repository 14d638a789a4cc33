package dev.portcullis.examples.taskpattern;

import com.google.auto.service.AutoService;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code task-pattern} policy: a task whose id matches the pattern of the setting {@value
 * #ALLOW_SETTING} may listen on ports it was not allocated, each distinct set of them logged once;
 * any other offending task is killed alone, its group left running. With enforcement off, every
 * violation is only logged, once per distinct set.
 *
 * <p>For debugging sessions and canaries that an operator lets listen freely, named for example
 * {@code debug-.*}, while every other task is held to its ports without taking its siblings down.
 *
 * <p>The host tells a policy which task a container runs when it prepares the container ({@link
 * ContainerConfig#taskId()}); a container the host named no task for, and every container nested
 * in it, is judged as not matching. The pattern must match the whole id.
 *
 * <p>Without the setting, or with a pattern that is not a regular expression, the policy is
 * unavailable and says why, so that an agent told to select it refuses to start.
 */
@AutoService(EnforcementPolicy.class)
public final class TaskPatternPolicy implements EnforcementPolicy {

  /** The name the policy is selected by. */
  public static final String NAME = "task-pattern";

  /** The setting holding the pattern of the task ids allowed to listen anywhere. */
  public static final String ALLOW_SETTING = "task_pattern_allow";

  private final Map<ContainerId, String> taskIds = new ConcurrentHashMap<>();
  private Optional<Pattern> allowed = Optional.empty();
  private Optional<Throwable> unavailable =
      Optional.of(new IllegalStateException("the setting " + ALLOW_SETTING + " is not given"));

  /** A policy that allows nothing until {@link #initialize} reads its pattern. */
  public TaskPatternPolicy() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Far behind the built-in policies: never chosen unless named. */
  @Override
  public int order() {
    return 100;
  }

  @Override
  public void initialize(ProviderSettings settings) {
    Optional<String> pattern = settings.get(ALLOW_SETTING);
    if (pattern.isEmpty()) {
      return;
    }
    try {
      allowed = Optional.of(Pattern.compile(pattern.get()));
      unavailable = Optional.empty();
    } catch (PatternSyntaxException e) {
      unavailable =
          Optional.of(
              new IllegalArgumentException(
                  "the setting " + ALLOW_SETTING + " is not a regular expression: " + e.getMessage(),
                  e));
    }
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return unavailable;
  }

  @Override
  public void prepared(ContainerId container, ContainerConfig config) {
    config.taskId().ifPresent(taskId -> taskIds.put(container, taskId));
  }

  @Override
  public void cleanedUp(ContainerId container) {
    taskIds.remove(container);
  }

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    Optional<String> taskId = Optional.ofNullable(taskIds.get(violation.container()));
    boolean repeated = context.lastLogged().equals(Optional.of(violation.unallocated()));
    if (taskId.isPresent() && matches(taskId.get())) {
      return repeated
          ? Verdict.ignore()
          : Verdict.log(
              violation.message()
                  + "; allowed: task "
                  + taskId.get()
                  + " matches "
                  + allowed.orElseThrow().pattern());
    }
    String why =
        taskId.map(id -> "task " + id + " does not match ").orElse("no task id to match ")
            + allowed.map(Pattern::pattern).orElse("(no pattern)");
    if (!context.enforcing()) {
      return repeated ? Verdict.ignore() : Verdict.log(violation.message() + " (" + why + ")");
    }
    return Verdict.kill(violation.message() + " (" + why + ")", KillScope.OFFENDER);
  }

  /** Whether a task of this id is allowed to listen on unallocated ports. */
  public boolean matches(String taskId) {
    return allowed.map(pattern -> pattern.matcher(taskId).matches()).orElse(false);
  }
}
