package dev.portcullis.agent.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which user each task runs as, as the Mesos agent's {@code --switch_user} decides it.
 *
 * <p>A task may name a user. With {@code --switch_user} on (the default), its command is started
 * with that user's uid, primary gid and supplementary groups, and with no capabilities: the
 * inheritable, ambient and bounding sets are cleared, so neither the command nor anything it
 * executes, set-uid programs included, can hold one. That is what keeps a task from detaching the
 * cgroup programs that guard its ports. Only the command is switched: the supervising shell the
 * agent moves into the task's cgroup, and that records how it ended, stays the agent's. With {@code
 * --switch_user} off, a named user is ignored and logged, and the task runs as the agent's user, as
 * in Mesos. A task that names no user runs as the agent's user either way.
 *
 * <p>A user is resolved once, where the request comes in, so that an unknown one is refused before
 * anything is created. A user given as digits only is a uid; it too must have a passwd entry, which
 * gives the name, primary group and supplementary groups.
 */
public final class TaskUsers {

  /** The agent flag, named as the Mesos agent's. */
  public static final String SWITCH_USER = "switch_user";

  private static final Logger LOG = LoggerFactory.getLogger(TaskUsers.class);

  private final boolean switchUser;
  private final UserLookup lookup;
  private final Optional<Path> setpriv;

  /**
   * @param switchUser {@code --switch_user}
   * @param lookup finds users in the passwd database
   * @param setpriv util-linux's {@code setpriv}, which switches the command to its user; without it
   *     no task can be given a user while {@code switchUser} is on
   */
  public TaskUsers(boolean switchUser, UserLookup lookup, Optional<Path> setpriv) {
    this.switchUser = switchUser;
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.setpriv = Objects.requireNonNull(setpriv, "setpriv");
  }

  /** This host's: users from {@code getent passwd}, {@code setpriv} from {@code PATH}. */
  public static TaskUsers ofHost(boolean switchUser) {
    return new TaskUsers(switchUser, new GetentLookup(), SearchPath.find("setpriv"));
  }

  /** Whether tasks that name a user run as that user ({@code --switch_user}). */
  public boolean switching() {
    return switchUser;
  }

  /**
   * The user a task named, resolved; with {@code --switch_user} off the name is checked and
   * ignored, and that is logged.
   *
   * @param user a user name, or a uid in digits
   * @param task the task, for the log line
   * @return the user to run the task as; empty when it runs as the agent's user
   * @throws IllegalArgumentException naming the problem: a malformed name, a user the passwd
   *     database does not hold, a database that cannot be asked, or no {@code setpriv}
   */
  public Optional<TaskUser> resolve(String user, String task) {
    Optional<String> malformed = TaskUser.problemWithName(user);
    if (malformed.isPresent()) {
      throw new IllegalArgumentException(malformed.get());
    }
    if (!switchUser) {
      LOG.info(
          "Not switching task {} to user {}: --{} is false, so it runs as the agent's user",
          task,
          user,
          SWITCH_USER);
      return Optional.empty();
    }
    if (TaskUser.isNumeric(user) && !isId(user)) {
      throw new IllegalArgumentException("uid " + user + " is out of range");
    }
    if (setpriv.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot run a task as user "
              + user
              + ": setpriv (util-linux) is not installed on the agent's host; install it, or"
              + " give --no-"
              + SWITCH_USER);
    }
    Optional<TaskUser> found;
    try {
      found = lookup.find(user);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot look user " + user + " up: " + e.getMessage(), e);
    }
    return Optional.of(
        found.orElseThrow(
            () ->
                new IllegalArgumentException(
                    (TaskUser.isNumeric(user) ? "no user has uid " : "no user named ")
                        + user
                        + " on the agent's host")));
  }

  /**
   * The argv that runs {@code command} as {@code user}: through {@code setpriv} when there is a
   * user, as it is otherwise.
   */
  public List<String> command(Optional<TaskUser> user, List<String> command) {
    if (user.isEmpty()) {
      return command;
    }
    TaskUser to = user.get();
    List<String> argv = new ArrayList<>();
    argv.add(
        setpriv
            .orElseThrow(() -> new IllegalStateException("a user was resolved without setpriv"))
            .toString());
    argv.add("--reuid=" + to.uid());
    argv.add("--regid=" + to.gid());
    // initgroups(3) for the uid's name: the supplementary groups, from NSS as login would.
    argv.add("--init-groups");
    argv.add("--inh-caps=-all");
    argv.add("--ambient-caps=-all");
    argv.add("--bounding-set=-all");
    // A set-user-id-root program would give the task uid 0 back: without capabilities, but
    // enough to write its pid into a root-owned cgroup.procs and leave its port guard behind.
    argv.add("--no-new-privs");
    argv.add("--");
    argv.addAll(command);
    return argv;
  }

  private static boolean isId(String digits) {
    return digits.length() <= 10 && Long.parseLong(digits) <= TaskUser.MAX_ID;
  }
}
