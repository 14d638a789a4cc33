package dev.portcullis.agent.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.host.SearchPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds the cgroup of a running podman container, through {@code podman container inspect}, so that
 * the agent can adopt it: podman keeps a container at the same path, such as {@code
 * /libpod_parent/libpod-<id>}, in every cgroup hierarchy. Only a container in the host's network
 * namespace ({@code --network host}) is one whose listening sockets the agent sees.
 */
public final class PodmanContainers {

  /** How long one inspection may take before it is given up. */
  private static final long INSPECT_SECONDS = 30;

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
    Process inspect =
        new ProcessBuilder(program.toString(), "container", "inspect", "--", name)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    CompletableFuture<String> errors = drain(inspect.getErrorStream());
    String output = new String(inspect.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!inspect.waitFor(INSPECT_SECONDS, TimeUnit.SECONDS)) {
        inspect.destroyForcibly();
        throw new IOException("podman container inspect " + name + " did not end in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inspect.destroyForcibly();
      throw new IOException("interrupted inspecting podman container " + name, e);
    }
    if (inspect.exitValue() != 0) {
      throw new IllegalArgumentException(
          "podman knows no container '" + name + "': " + errors.join().strip());
    }
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

  private static CompletableFuture<String> drain(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
          }
        });
  }
}
