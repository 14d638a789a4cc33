package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The containers one scan kills, and which kill decision each serves. Each decision names the
 * container its verdict's scope picks; a container that lies inside another one being killed is not
 * killed on its own, its decisions joining the outer kill, so that each process is killed once and
 * each limitation names every port that caused it.
 */
final class KillTargets {

  private final Map<ContainerId, List<Scan.Decision>> byTarget;
  private final Map<Scan.Decision, ContainerId> targetOf;

  private KillTargets(
      Map<ContainerId, List<Scan.Decision>> byTarget, Map<Scan.Decision, ContainerId> targetOf) {
    this.byTarget = byTarget;
    this.targetOf = targetOf;
  }

  /** The container a verdict of {@code scope} on {@code violation} kills, taken alone. */
  static ContainerId scopeTarget(Violation violation, KillScope scope) {
    return scope == KillScope.ROOT ? violation.root() : violation.container();
  }

  /** The targets of the given kill decisions, in the order of the decisions. */
  static KillTargets of(List<Scan.Decision> kills) {
    List<ContainerId> outermostFirst = new ArrayList<>();
    for (Scan.Decision kill : kills) {
      outermostFirst.add(scopeTarget(kill.violation(), kill.verdict().scope()));
    }
    outermostFirst.sort(Comparator.comparingInt(ContainerId::depth));
    Map<ContainerId, List<Scan.Decision>> byTarget = new LinkedHashMap<>();
    // Equal decisions are about the same violation with the same verdict: they share a target.
    Map<Scan.Decision, ContainerId> targetOf = new HashMap<>();
    for (Scan.Decision kill : kills) {
      ContainerId own = scopeTarget(kill.violation(), kill.verdict().scope());
      ContainerId target = own;
      for (ContainerId candidate : outermostFirst) {
        if (candidate.isAncestorOrSelfOf(own)) {
          target = candidate;
          break;
        }
      }
      byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(kill);
      targetOf.put(kill, target);
    }
    return new KillTargets(byTarget, targetOf);
  }

  /** Each container to kill, with the decisions it serves, in the order of the decisions. */
  Map<ContainerId, List<Scan.Decision>> byTarget() {
    return byTarget;
  }

  /** The container killed for {@code kill}, one of {@link #of}'s decisions. */
  ContainerId targetOf(Scan.Decision kill) {
    return targetOf.get(kill);
  }
}
