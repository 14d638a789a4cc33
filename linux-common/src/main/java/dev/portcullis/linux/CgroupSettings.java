package dev.portcullis.linux;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two settings that say where the containers' cgroups are, read and checked once for every
 * provider that uses them: {@value #HIERARCHY_SETTING}, and {@value
 * ProcessTracker#CGROUPS_ROOT_SETTING} (default {@value ProcessTracker#DEFAULT_CGROUPS_ROOT}), both
 * as in Mesos.
 */
public final class CgroupSettings {

  /** The setting for the base directory where the hierarchies are mounted, as in Mesos. */
  public static final String HIERARCHY_SETTING = "cgroups_hierarchy";

  private static final String ROOT = ProcessTracker.CGROUPS_ROOT_SETTING;

  private CgroupSettings() {}

  /** The containers' root as the settings give it, else the default; not checked yet. */
  static String rootName(ProviderSettings settings) {
    return settings.get(ROOT).orElse(ProcessTracker.DEFAULT_CGROUPS_ROOT);
  }

  /**
   * The base directory the settings give, checked; empty when not given, and the mount table alone
   * decides.
   *
   * @throws IllegalArgumentException naming the setting when the value is invalid
   */
  static Optional<Path> hierarchyBase(ProviderSettings settings) {
    return checkHierarchyBase(settings.get(HIERARCHY_SETTING));
  }

  /**
   * Checks a {@code cgroups_root} value: a non-empty relative path with no {@code ..}, so that the
   * agent's subtree stays inside the hierarchy.
   *
   * @param value the setting's value as given; a null or blank one is invalid
   * @return the value, normalized (e.g. without a trailing {@code /})
   * @throws IllegalArgumentException naming the setting and the value
   */
  public static String checkRootName(String value) {
    Path path;
    try {
      path = value == null || value.isBlank() ? null : Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(ROOT, value, "it is not a path (" + e.getReason() + ")");
    }
    if (path == null) {
      throw invalid(ROOT, value, "it is empty");
    }
    if (path.isAbsolute()) {
      throw invalid(ROOT, value, "it must be relative to the hierarchy's mount point");
    }
    for (Path part : path) {
      if (part.toString().equals("..")) {
        throw invalid(ROOT, value, "it may not contain '..'");
      }
    }
    String normalized = path.normalize().toString();
    if (normalized.isEmpty()) {
      throw invalid(ROOT, value, "it names the hierarchy's root itself");
    }
    return normalized;
  }

  /**
   * Checks a {@code cgroups_hierarchy} value, if given: an absolute path, as Mesos's default {@code
   * /sys/fs/cgroup} is, since a relative one would depend on the agent's working directory.
   *
   * @param value the setting's value, if given; surrounding white space is ignored
   * @return the base directory, normalized; empty when not given
   * @throws IllegalArgumentException naming the setting and the value
   */
  public static Optional<Path> checkHierarchyBase(Optional<String> value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String text = value.get();
    Path path;
    try {
      path = text.isBlank() ? null : Path.of(text.trim());
    } catch (InvalidPathException e) {
      throw invalid(HIERARCHY_SETTING, text, "it is not a path (" + e.getReason() + ")");
    }
    if (path == null) {
      throw invalid(HIERARCHY_SETTING, text, "it is empty");
    }
    if (!path.isAbsolute()) {
      throw invalid(HIERARCHY_SETTING, text, "it must be an absolute path");
    }
    return Optional.of(path.normalize());
  }

  private static IllegalArgumentException invalid(String setting, String value, String why) {
    return new IllegalArgumentException(
        "Setting '" + setting + "' is invalid: '" + value + "': " + why);
  }
}
