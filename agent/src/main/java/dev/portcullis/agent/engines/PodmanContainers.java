package dev.portcullis.agent.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.host.BoundedCommand;
import dev.portcullis.agent.host.SearchPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds the cgroup of a running podman container, through {@code podman container inspect}, so that
 * the agent can adopt it: podman keeps a container at the same path, such as {@code
 * /libpod_parent/libpod-<id>}, in every cgroup hierarchy. Only a container in the host's network
 * namespace ({@code --network host}) is one whose listening sockets the agent sees.
 */
public final class PodmanContainers {

  /** How long one inspection may take before it is given up. */
  private static final Duration INSPECT_BOUND = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<Path> podman;

  /**
   * @param podman the podman program; empty when it is not installed
   */
  public PodmanContainers(Optional<Path> podman) {
    this.podman = podman;
  }

  /** The podman on {@code PATH}, if installed. */
  public static PodmanContainers ofHost() {
    return new PodmanContainers(SearchPath.find("podman"));
  }

  /**
   * A running container's cgroup, from its hierarchy's root.
   *
   * @param name the container's name or id
   * @throws IllegalArgumentException saying why it cannot be adopted: podman is not installed, no
   *     such container, it is not running, or not in the host's network namespace
   * @throws IOException if podman cannot be run or its answer read
   */
  public String cgroup(String name) throws IOException {
    Path program =
        podman.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "podman is not installed on the agent's host (Debian's package podman)"));
    BoundedCommand.Result inspect =
        BoundedCommand.run(
            List.of(program.toString(), "container", "inspect", "--", name), INSPECT_BOUND);
    if (inspect.exit() != 0) {
      throw new IllegalArgumentException(
          "podman knows no container '" + name + "': " + inspect.err().strip());
    }
    String output = inspect.out();
    JsonNode container = JSON.readTree(output).path(0);
    JsonNode state = container.path("State");
    if (!state.path("Running").asBoolean(false)) {
      throw new IllegalArgumentException(
          "podman container '"
              + name
              + "' is not running (it is "
              + state.path("Status").asText("of unknown status")
              + ")");
    }
    String network = container.path("HostConfig").path("NetworkMode").asText("");
    if (!network.equals("host")) {
      throw new IllegalArgumentException(
          "podman container '"
              + name
              + "' has network mode '"
              + network
              + "', not host: the agent sees only sockets in the host's network namespace; run it"
              + " with --network host");
    }
    String cgroup = state.path("CgroupPath").asText("");
    if (!cgroup.startsWith("/")) {
      throw new IllegalArgumentException(
          "podman names no cgroup for container '"
              + name
              + "' (State.CgroupPath '"
              + cgroup
              + "')");
    }
    return cgroup;
  }
}
