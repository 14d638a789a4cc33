package dev.portcullis.agent.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.host.TaskUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI bundle of one task: a directory holding the {@code config.json} the runtime reads, which
 * names the task's root filesystem where it is rather than holding a copy.
 *
 * <p>The agent sets every field but the few {@link OciContainer} lets a task choose. The container
 * joins the host's network namespace (it has no {@code network} namespace of its own) and gets pid,
 * mount, uts and ipc ones; its {@code linux.cgroupsPath} is the task's own cgroup, so that the
 * tracker, the scan, the kill and the guard see it as any task. Its process runs as the task's
 * user, with no capabilities, or else as root with only those a plain server needs ({@code
 * CAP_NET_BIND_SERVICE}, {@code CAP_KILL}, {@code CAP_AUDIT_WRITE}); never with new privileges. The
 * task's sandbox is mounted read-write at {@value OciContainer#SANDBOX_MOUNT}, and the kernel's
 * sensitive files are masked or read-only as the runtimes' own samples have them.
 */
public final class OciBundle {

  /** The file of a bundle that the runtime reads. */
  public static final String CONFIG = "config.json";

  private static final String OCI_VERSION = "1.0.2";

  private static final List<String> ROOT_CAPABILITIES =
      List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

  private static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware");

  private static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private static final ObjectMapper JSON = new ObjectMapper();

  private OciBundle() {}

  /**
   * Writes the bundle's {@code config.json} into {@code bundle}, which must exist, replacing any
   * earlier one whole.
   *
   * @param bundle the bundle's directory
   * @param container what the task asked of its container
   * @param command the command's argv, run as given (no shell added)
   * @param user the user the command runs as; root when empty
   * @param agentEnv the agent's {@code PORTCULLIS_*} variables, which come last
   * @param sandbox the task's sandbox on the host
   * @param cgroupsPath the task's cgroup, from its hierarchy's root
   * @throws IOException if the file cannot be written
   */
  public static void write(
      Path bundle,
      OciContainer container,
      List<String> command,
      Optional<TaskUser> user,
      Map<String, String> agentEnv,
      Path sandbox,
      String cgroupsPath)
      throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", OCI_VERSION);
    process(config.putObject("process"), container, command, user, agentEnv);
    ObjectNode root = config.putObject("root");
    root.put("path", container.rootfs().toString());
    root.put("readonly", !container.writable());
    container.hostname().ifPresent(name -> config.put("hostname", name));
    mounts(config.putArray("mounts"), sandbox);
    linux(config.putObject("linux"), cgroupsPath);
    Path file = bundle.resolve(CONFIG);
    Path temporary = bundle.resolve(CONFIG + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), config);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void process(
      ObjectNode process,
      OciContainer container,
      List<String> command,
      Optional<TaskUser> user,
      Map<String, String> agentEnv) {
    process.put("terminal", false);
    ObjectNode identity = process.putObject("user");
    identity.put("uid", user.map(TaskUser::uid).orElse(0L));
    identity.put("gid", user.map(TaskUser::gid).orElse(0L));
    ArrayNode args = process.putArray("args");
    command.forEach(args::add);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", RootfsPaths.DEFAULT_PATH);
    env.put("HOME", "/");
    env.putAll(container.sortedEnv());
    env.putAll(agentEnv);
    ArrayNode variables = process.putArray("env");
    env.forEach((name, value) -> variables.add(name + "=" + value));
    process.put("cwd", container.cwd().orElse(OciContainer.SANDBOX_MOUNT));
    List<String> capabilities = user.isPresent() ? List.of() : ROOT_CAPABILITIES;
    ObjectNode sets = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
      ArrayNode names = sets.putArray(set);
      // Inheritable and ambient stay empty: nothing the command executes gains capabilities.
      if (!set.equals("inheritable") && !set.equals("ambient")) {
        capabilities.forEach(names::add);
      }
    }
    process.put("noNewPrivileges", true);
  }

  private static void mounts(ArrayNode mounts, Path sandbox) {
    mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
    mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(
        mounts,
        "/dev/pts",
        "devpts",
        "devpts",
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620");
    mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777");
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    mount(mounts, OciContainer.SANDBOX_MOUNT, "bind", sandbox.toString(), "rbind", "rw");
  }

  private static void mount(
      ArrayNode mounts, String destination, String type, String source, String... options) {
    ObjectNode mount = mounts.addObject();
    mount.put("destination", destination);
    mount.put("type", type);
    mount.put("source", source);
    ArrayNode list = mount.putArray("options");
    for (String option : options) {
      list.add(option);
    }
  }

  private static void linux(ObjectNode linux, String cgroupsPath) {
    linux.put("cgroupsPath", cgroupsPath);
    ArrayNode namespaces = linux.putArray("namespaces");
    // No network namespace: the container shares the host's, whose ports the agent enforces.
    for (String type : List.of("pid", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", type);
    }
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED_PATHS.forEach(masked::add);
    ArrayNode readonly = linux.putArray("readonlyPaths");
    READONLY_PATHS.forEach(readonly::add);
  }
}
