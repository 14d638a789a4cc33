package dev.portcullis.agent.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.Adoption;
import dev.portcullis.agent.executor.Decision;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.KillReason;
import dev.portcullis.agent.executor.TaskRecord;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpoint's content: written and read back whole, and refused at the first flaw. */
class CheckpointFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ContainerId WEB = ContainerId.of("2f3c1a9e-web");
  private static final ContainerId BATCH = ContainerId.of("9d1e-batch");
  private static final ContainerId CACHE = ContainerId.of("71ab-cache");

  private static final TaskStatus STATUS_A =
      status("web", WEB.child("a-1"), "a", TaskState.TASK_RUNNING);

  private static TaskStatus status(
      String executorId, ContainerId container, String taskId, TaskState state) {
    return TaskStatus.of(
        Optional.of(executorId),
        taskId,
        container,
        state,
        Instant.ofEpochSecond(1795361307L, 442_595_000L));
  }

  private static TaskRecord task(
      String taskId,
      ContainerId container,
      List<String> command,
      Optional<TaskUser> user,
      String sandbox,
      TaskState state,
      Optional<TaskStatus> status,
      OptionalLong pid) {
    return new TaskRecord(
        taskId,
        container,
        command,
        user,
        // One task of each kind: task c runs in an OCI container, with every field given.
        taskId.equals("c")
            ? Optional.of(
                new OciContainer(
                    Path.of("/srv/rootfs/build"),
                    true,
                    Map.of("MODE", "ci", "EMPTY", ""),
                    Optional.of("/src"),
                    Optional.of("builder")))
            : taskId.equals("b")
                ? Optional.of(
                    new OciContainer(
                        Path.of("/srv/rootfs/b"),
                        false,
                        Map.of(),
                        Optional.empty(),
                        Optional.empty()))
                : Optional.empty(),
        Path.of(sandbox),
        Optional.of(Path.of(sandbox + ".exit_status")),
        state,
        status,
        pid,
        Optional.empty(),
        Optional.empty());
  }

  /** Two executors: one running with two tasks, one terminated with one. */
  private static List<ExecutorRecord> executors() {
    TaskRecord a =
        task(
            "a",
            WEB.child("a-1"),
            List.of("sleep", "60"),
            Optional.of(new TaskUser("nobody", 65534, 65534)),
            "/var/lib/p/sandboxes/web/a",
            TaskState.TASK_RUNNING,
            Optional.of(STATUS_A),
            OptionalLong.of(1234));
    TaskRecord b =
        task(
            "b",
            WEB.child("b-1"),
            List.of("/bin/sh", "-c", "echo 'b' > out"),
            Optional.empty(),
            "/var/lib/p/sandboxes/web/b",
            TaskState.TASK_STARTING,
            Optional.empty(),
            OptionalLong.empty());
    ExecutorRecord web =
        new ExecutorRecord(
            "web",
            WEB,
            "cpus:1;ports:[31000-31001]",
            PortRanges.range(31000, 31001),
            List.of("net-a", "net-b"),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new Decision(
                    new Termination.Limited(
                        ContainerLimitation.builder()
                            .container(WEB)
                            .ports(PortRanges.of(31002, 40000))
                            .message("Container web is listening on unallocated port(s)")
                            .build()),
                    KillReason.CONTAINER_LIMITATION)),
            List.of(a, b),
            Optional.empty());
    TaskRecord c =
        task(
            "c",
            BATCH.child("c-1"),
            List.of("true"),
            Optional.of(new TaskUser("build", 4_294_967_294L, 1000)),
            "/var/lib/p/sandboxes/batch/c",
            TaskState.TASK_FINISHED,
            Optional.of(status("batch", BATCH.child("c-1"), "c", TaskState.TASK_FINISHED)),
            OptionalLong.of(99));
    ExecutorRecord batch =
        new ExecutorRecord(
            "batch",
            BATCH,
            "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":80,\"end\":80}]}}]",
            PortRanges.of(80),
            List.of(),
            true,
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new Decision(
                    new Termination.Killed("Killed by a kill request to the agent"),
                    KillReason.KILL_REQUEST)),
            List.of(c),
            Optional.empty());
    TaskRecord d =
        task(
            "d",
            CACHE,
            List.of(),
            Optional.empty(),
            "/var/lib/p/sandboxes/cache/d",
            TaskState.TASK_RUNNING,
            Optional.empty(),
            OptionalLong.empty());
    ExecutorRecord cache =
        new ExecutorRecord(
            "cache",
            CACHE,
            "ports:[11211-11211]",
            PortRanges.of(11211),
            List.of(),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(d),
            Optional.of(new Adoption("/libpod_parent/libpod-3f2a", Optional.of("memcached"))));
    return List.of(web, batch, cache);
  }

  /** The same executor with other resources: a change the journal must see. */
  private static ExecutorRecord resized(ExecutorRecord e, String resources) {
    return new ExecutorRecord(
        e.executorId(),
        e.container(),
        resources,
        e.ports(),
        e.networks(),
        e.terminated(),
        e.listening(),
        e.guardRefusals(),
        e.decision(),
        e.tasks(),
        e.adoption());
  }

  @Test
  void theJournalWritesWhatTheWholeDocumentSerializesWhicheverExecutorsChanged(
      @TempDir Path workDir) throws Exception {
    // A root that JSON must escape, in the text that precedes the executors.
    String root = "portcullis \"\u00e9\"";
    CheckpointJournal journal = new CheckpointJournal(workDir, root, "cgroups-v2");
    ObjectMapper json = new ObjectMapper();
    List<ExecutorRecord> all = executors();
    List<List<ExecutorRecord>> saves =
        List.of(
            all,
            all,
            List.of(all.get(0), resized(all.get(1), "cpus:1;ports:[80-80]"), all.get(2)),
            List.of(all.get(2), all.get(0)),
            List.of(),
            List.of(resized(all.get(2), "cpus:2;ports:[11211-11211]"), all.get(1)));
    for (List<ExecutorRecord> executors : saves) {
      journal.save(executors);
      assertEquals(
          json.writeValueAsString(CheckpointFormat.write(root, "cgroups-v2", executors)),
          Files.readString(journal.file(), StandardCharsets.UTF_8));
      assertEquals(Optional.of(executors), journal.read());
    }
  }

  private static ObjectNode document() {
    return CheckpointFormat.write("portcullis", "cgroups-v2", executors());
  }

  private static ObjectNode task(ObjectNode document, int executor, int task) {
    return (ObjectNode) executor(document, executor).get("tasks").get(task);
  }

  private static ObjectNode executor(ObjectNode document, int executor) {
    return (ObjectNode) document.get("executors").get(executor);
  }

  /** Spoils a fresh document and asserts that reading it fails, naming {@code path}. */
  private static CheckpointException refused(Consumer<ObjectNode> spoil, String path) {
    ObjectNode document = document();
    spoil.accept(document);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFormat.read(document));
    assertTrue(e.getMessage().startsWith(path), "expected '" + path + "' in: " + e.getMessage());
    return e;
  }

  @Test
  void theDocumentIsAsDescribed() {
    ObjectNode document = document();
    assertEquals(CheckpointFormat.FORMAT, document.get("format").intValue());
    assertEquals("portcullis", document.get("cgroups_root").textValue());
    assertEquals("cgroups-v2", document.get("process_tracker").textValue());
    ObjectNode web = executor(document, 0);
    assertEquals("web", web.get("executor_id").textValue());
    assertEquals(WEB.toString(), web.get("container_id").textValue());
    assertEquals("cpus:1;ports:[31000-31001]", web.get("resources").textValue());
    assertEquals(JSON.valueToTree(List.of("net-a", "net-b")), web.get("networks"));
    assertFalse(web.get("terminated").booleanValue());
    ObjectNode a = task(document, 0, 0);
    assertEquals("a", a.get("task_id").textValue());
    assertEquals(WEB + ".a-1", a.get("container_id").textValue());
    assertEquals(JSON.valueToTree(List.of("sleep", "60")), a.get("command"));
    assertEquals("{\"name\":\"nobody\",\"uid\":65534,\"gid\":65534}", a.get("user").toString());
    assertEquals("/var/lib/p/sandboxes/web/a", a.get("sandbox").textValue());
    assertEquals("/var/lib/p/sandboxes/web/a.exit_status", a.get("exit_status").textValue());
    assertEquals("TASK_RUNNING", a.get("state").textValue());
    assertEquals(1234, a.get("pid").longValue());
    assertEquals(StatusJson.write(STATUS_A), a.get("status"));
    // A task with neither pid, status nor user has none of those fields.
    ObjectNode b = task(document, 0, 1);
    assertFalse(b.has("pid"));
    assertFalse(b.has("status"));
    assertFalse(b.has("user"));
  }

  @Test
  void aWrittenCheckpointReadsBackWhole() throws Exception {
    List<ExecutorRecord> original = executors();
    ObjectNode document = CheckpointFormat.write("portcullis", "cgroups-v2", original);
    // Through text, as the checkpoint file carries it.
    JsonNode reread = JSON.readTree(JSON.writeValueAsString(document));
    CheckpointFormat.Content content = CheckpointFormat.read(reread);

    assertEquals("portcullis", content.cgroupsRoot());
    assertEquals("cgroups-v2", content.processTracker());
    assertEquals(original.size(), content.executors().size());
    assertEquals(original, content.executors(), "every record reads back equal");
    assertEquals(
        OptionalLong.of(1234), new ArrayList<>(content.executors().get(0).tasks()).get(0).pid());
    assertEquals(
        OptionalLong.empty(), new ArrayList<>(content.executors().get(0).tasks()).get(1).pid());
    assertEquals(
        TaskState.TASK_FINISHED, content.executors().get(1).tasks().iterator().next().state());
    // Written again, it is the same document.
    assertEquals(document, CheckpointFormat.write("portcullis", "cgroups-v2", content.executors()));
  }

  @Test
  void eachKindOfDecisionReadsBack() throws Exception {
    assertEquals(
        "{\"kill_reason\":\"CONTAINER_LIMITATION\",\"ending\":\"limited\",\"message\":\"Container"
            + " web is listening on unallocated port(s)\",\"ports\":\"[31002-31002,"
            + " 40000-40000]\"}",
        executor(document(), 0).get("decision").toString());
    ObjectNode document = document();
    ObjectNode launchFailed = executor(document, 1).putObject("decision");
    launchFailed.put("kill_reason", "LAUNCH_FAILED");
    launchFailed.put("ending", "launch_failed");
    launchFailed.put("problem", "cannot move its process 7 into container x");
    Decision read = CheckpointFormat.read(document).executors().get(1).decision().orElseThrow();
    assertEquals(
        new Decision(
            new Termination.LaunchFailed("cannot move its process 7 into container x"),
            KillReason.LAUNCH_FAILED),
        read);
    executor(document, 1).remove("decision");
    assertEquals(Optional.empty(), CheckpointFormat.read(document).executors().get(1).decision());
  }

  @Test
  void aTasksOwnDecisionReadsBackLimitingItsContainer() throws Exception {
    ContainerId taskContainer = WEB.child("a-1");
    Decision alone =
        new Decision(
            new Termination.Limited(
                ContainerLimitation.builder()
                    .container(taskContainer)
                    .ports(PortRanges.of(31005))
                    .message("Container " + taskContainer + " is listening on unallocated port(s)")
                    .build()),
            KillReason.CONTAINER_LIMITATION);
    TaskRecord a = executors().get(0).tasks().iterator().next();
    TaskRecord decided =
        new TaskRecord(
            a.taskId(),
            a.container(),
            a.command(),
            a.user(),
            a.oci(),
            a.sandbox(),
            a.exitStatusFile(),
            a.state(),
            a.status(),
            a.pid(),
            Optional.of(alone),
            Optional.empty());
    ExecutorRecord web = executors().get(0);
    ExecutorRecord withDecision =
        new ExecutorRecord(
            web.executorId(),
            web.container(),
            web.resources(),
            web.ports(),
            web.networks(),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(decided),
            Optional.empty());
    ObjectNode document = CheckpointFormat.write("portcullis", "cgroups-v2", List.of(withDecision));
    assertEquals(
        "limited",
        executor(document, 0).get("tasks").get(0).get("decision").get("ending").asText());
    TaskRecord read =
        CheckpointFormat.read(JSON.readTree(JSON.writeValueAsString(document)))
            .executors()
            .get(0)
            .tasks()
            .iterator()
            .next();
    assertEquals(Optional.of(alone), read.decision());
    assertEquals(decided, read);

    ((ObjectNode) task(document, 0, 0).get("decision")).remove("ports");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFormat.read(document));
    assertTrue(e.getMessage().startsWith("executors[0].tasks[0].decision.ports"), e.getMessage());
  }

  @Test
  void malformedDecisionsAreRefusedByPath() {
    refused(d -> executor(d, 0).put("decision", 1), "executors[0].decision");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).remove("kill_reason"),
        "executors[0].decision.kill_reason");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).put("kill_reason", "BOREDOM"),
        "executors[0].decision.kill_reason");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).put("ending", "exited"),
        "executors[0].decision.ending");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).remove("message"),
        "executors[0].decision.message");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).put("ports", "31002"),
        "executors[0].decision.ports");
    refused(
        d -> ((ObjectNode) executor(d, 0).get("decision")).put("ports", "[]"),
        "executors[0].decision.ports");
    refused(
        d -> ((ObjectNode) executor(d, 1).get("decision")).put("ending", "launch_failed"),
        "executors[1].decision.problem");
  }

  @Test
  void noExecutorsIsAValidCheckpoint() throws Exception {
    CheckpointFormat.Content content =
        CheckpointFormat.read(CheckpointFormat.write("root", "tracker", List.of()));
    assertEquals(new CheckpointFormat.Content("root", "tracker", List.of()), content);
  }

  @Test
  void extraFieldsAreIgnored() throws Exception {
    ObjectNode document = document();
    document.put("written_by", "a newer agent");
    task(document, 0, 0).put("note", "x");
    assertEquals(3, CheckpointFormat.read(document).executors().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"checkpoint\"", "1", "null"})
  void aDocumentThatIsNoObjectIsRefused(String text) throws Exception {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFormat.read(JSON.readTree(text)));
    assertTrue(e.getMessage().startsWith("the document"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 2, 100})
  void anotherFormatIsRefused(long format) {
    CheckpointException e = refused(d -> d.put("format", format), "format " + format);
    assertTrue(e.getMessage().contains("(" + CheckpointFormat.FORMAT + ")"), e.getMessage());
  }

  /** A format number that is 1 only when cut to 32 bits is still not format 1. */
  @Test
  void aFormatThatWrapsToOneIsRefused() {
    refused(d -> d.put("format", (1L << 32) + 1), "format");
  }

  @Test
  void aFormatOfAnotherTypeIsRefused() {
    refused(d -> d.put("format", "1"), "format");
    refused(d -> d.put("format", 1.5), "format");
    refused(d -> d.put("format", -1), "format");
    refused(d -> d.remove("format"), "format");
  }

  @Test
  void missingOrMistypedTopLevelFieldsAreRefused() {
    refused(d -> d.remove("cgroups_root"), "cgroups_root");
    refused(d -> d.put("cgroups_root", 1), "cgroups_root");
    refused(d -> d.remove("process_tracker"), "process_tracker");
    refused(d -> d.putNull("process_tracker"), "process_tracker");
    refused(d -> d.remove("executors"), "executors");
    refused(d -> d.putObject("executors"), "executors");
    refused(d -> ((ArrayNode) d.get("executors")).add("web"), "executors[3]");
  }

  @Test
  void badAdoptionsAndContainersAreRefusedByPath() {
    refused(
        d -> ((ObjectNode) executor(d, 2).get("adoption")).put("cgroup", "libpod"),
        "executors[2].adoption.cgroup");
    refused(
        d -> ((ObjectNode) executor(d, 2).get("adoption")).remove("cgroup"),
        "executors[2].adoption.cgroup");
    refused(d -> executor(d, 2).put("adoption", "podman"), "executors[2].adoption");
    refused(
        d -> task(d, 2, 0).put("container_id", CACHE.child("d").toString()),
        "executors[2].tasks[0].container_id");
    refused(
        d -> ((ArrayNode) executor(d, 2).get("tasks")).add(task(d, 0, 1).deepCopy()),
        "executors[2].tasks");
    refused(d -> task(d, 0, 0).putArray("command"), "executors[0].tasks[0].command");
    refused(
        d -> ((ObjectNode) task(d, 0, 1).get("container")).put("type", "docker"),
        "executors[0].tasks[1].container.type");
    refused(
        d -> ((ObjectNode) task(d, 0, 1).get("container")).put("rootfs", "rootfs"),
        "executors[0].tasks[1].container.rootfs");
    refused(
        d ->
            ((ObjectNode) task(d, 0, 1).get("container")).putObject("env").put("PORTCULLIS_X", "1"),
        "executors[0].tasks[1].container");
  }

  @Test
  void missingExecutorFieldsAreRefusedByPath() {
    for (String field :
        List.of("executor_id", "container_id", "resources", "networks", "terminated", "tasks")) {
      refused(d -> executor(d, 1).remove(field), "executors[1]." + field);
    }
  }

  @Test
  void mistypedExecutorFieldsAreRefusedByPath() {
    refused(d -> executor(d, 0).put("executor_id", 7), "executors[0].executor_id");
    refused(d -> executor(d, 0).put("container_id", 7), "executors[0].container_id");
    refused(d -> executor(d, 0).putArray("resources"), "executors[0].resources");
    refused(d -> executor(d, 0).put("networks", "net-a"), "executors[0].networks");
    refused(d -> executor(d, 0).putArray("networks").add(1), "executors[0].networks");
    refused(d -> executor(d, 0).put("terminated", "false"), "executors[0].terminated");
    refused(d -> executor(d, 0).put("terminated", 0), "executors[0].terminated");
    refused(d -> executor(d, 0).putObject("tasks"), "executors[0].tasks");
  }

  @Test
  void invalidExecutorValuesAreRefusedByPath() {
    refused(d -> executor(d, 1).put("executor_id", "a/b"), "executors[1].executor_id");
    refused(d -> executor(d, 1).put("executor_id", ""), "executors[1].executor_id");
    refused(d -> executor(d, 1).put("container_id", ""), "executors[1].container_id");
    refused(d -> executor(d, 1).put("container_id", "a..b"), "executors[1].container_id");
    refused(d -> executor(d, 1).put("resources", "ports:[9-1]"), "executors[1].resources");
  }

  @Test
  void anExecutorIdGivenTwiceIsRefused() {
    CheckpointException e =
        refused(d -> executor(d, 1).put("executor_id", "web"), "executors[1].executor_id");
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void aTaskIdGivenTwiceIsRefusedWithinAndAcrossExecutors() {
    CheckpointException within =
        refused(d -> task(d, 0, 1).put("task_id", "a"), "executors[0].tasks[1].task_id");
    assertTrue(within.getMessage().contains("twice"), within.getMessage());
    refused(d -> task(d, 1, 0).put("task_id", "a"), "executors[1].tasks[0].task_id");
  }

  @Test
  void aNestedExecutorContainerIsRefused() {
    CheckpointException e =
        refused(
            d -> {
              // The executor and its task's container both move one level down, consistently.
              executor(d, 1).put("container_id", "x." + BATCH);
              task(d, 1, 0).put("container_id", "x." + BATCH + ".c-1");
            },
            "executors[1].container_id");
    assertTrue(e.getMessage().contains("nested"), e.getMessage());
  }

  @Test
  void aTaskContainerNotNestedInItsExecutorsIsRefused() {
    refused(d -> task(d, 0, 1).put("container_id", "b-1"), "executors[0].tasks[1].container_id");
    refused(
        d -> task(d, 0, 1).put("container_id", BATCH + ".b-1"),
        "executors[0].tasks[1].container_id");
    refused(
        d -> task(d, 0, 1).put("container_id", WEB + ".b-1.deeper"),
        "executors[0].tasks[1].container_id");
    refused(
        d -> task(d, 0, 1).put("container_id", WEB.toString()),
        "executors[0].tasks[1].container_id");
  }

  /**
   * Two executors in one container, or two tasks in one, would each kill the other's processes: a
   * checkpoint that says so cannot be recovered safely.
   */
  @Test
  void aContainerGivenTwiceIsRefused() {
    refused(
        d -> {
          executor(d, 1).put("container_id", WEB.toString());
          task(d, 1, 0).put("container_id", WEB + ".c-1");
        },
        "executors[1].container_id");
    refused(
        d -> task(d, 0, 1).put("container_id", WEB + ".a-1"), "executors[0].tasks[1].container_id");
  }

  @Test
  void missingTaskFieldsAreRefusedByPath() {
    for (String field : List.of("task_id", "container_id", "command", "sandbox", "state")) {
      refused(d -> task(d, 0, 1).remove(field), "executors[0].tasks[1]." + field);
    }
  }

  @Test
  void mistypedTaskFieldsAreRefusedByPath() {
    refused(d -> ((ArrayNode) executor(d, 0).get("tasks")).add(1), "executors[0].tasks[2]");
    refused(d -> task(d, 0, 1).put("task_id", 2), "executors[0].tasks[1].task_id");
    refused(d -> task(d, 0, 1).put("command", "sleep 60"), "executors[0].tasks[1].command");
    refused(d -> task(d, 0, 1).putArray("command").add(1), "executors[0].tasks[1].command");
    refused(d -> task(d, 0, 1).putArray("command"), "executors[0].tasks[1].command");
    refused(d -> task(d, 0, 1).put("sandbox", 3), "executors[0].tasks[1].sandbox");
    refused(d -> task(d, 0, 0).put("pid", "1234"), "executors[0].tasks[0].pid");
    refused(d -> task(d, 0, 0).put("pid", 12.5), "executors[0].tasks[0].pid");
    refused(d -> task(d, 0, 0).put("status", "TASK_RUNNING"), "executors[0].tasks[0].status");
    refused(d -> task(d, 0, 0).putArray("status"), "executors[0].tasks[0].status");
    refused(d -> task(d, 0, 0).putNull("status"), "executors[0].tasks[0].status");
  }

  @Test
  void aBadStateNameIsRefused() {
    CheckpointException e =
        refused(d -> task(d, 0, 0).put("state", "RUNNING"), "executors[0].tasks[0].state");
    assertTrue(e.getMessage().contains("'RUNNING'"), e.getMessage());
    refused(d -> task(d, 0, 0).put("state", "task_running"), "executors[0].tasks[0].state");
    refused(d -> task(d, 0, 0).put("state", 1), "executors[0].tasks[0].state");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sandboxes/web/b", "./b", "b"})
  void aRelativeSandboxIsRefused(String sandbox) {
    refused(d -> task(d, 0, 1).put("sandbox", sandbox), "executors[0].tasks[1].sandbox");
  }

  @Test
  void aSandboxThatIsNoPathIsRefused() {
    refused(d -> task(d, 0, 1).put("sandbox", "/a\u0000b"), "executors[0].tasks[1].sandbox");
  }

  @Test
  void aNegativePidIsRefused() {
    CheckpointException e = refused(d -> task(d, 0, 0).put("pid", -5), "executors[0].tasks[0].pid");
    assertTrue(e.getMessage().contains("non-negative"), e.getMessage());
  }

  @Test
  void anExecutorWithoutTasksIsRefused() {
    CheckpointException e = refused(d -> executor(d, 1).putArray("tasks"), "executors[1].tasks");
    assertTrue(e.getMessage().contains("at least one task"), e.getMessage());
  }

  /**
   * A checkpoint written before tasks had users: no task has {@code user} or {@code exit_status}.
   * Its tasks run as the agent's user, and their shells record their status in the sandbox.
   */
  @Test
  void aCheckpointWrittenBeforeUsersReadsWithNoUsersAndStatusesInTheSandboxes() throws Exception {
    JsonNode old =
        JSON.readTree(
            ("{'format':1,'cgroups_root':'portcullis','process_tracker':'cgroups-v2',"
                    + "'executors':[{'executor_id':'web','container_id':'"
                    + WEB
                    + "','resources':'ports:[31000-31000]','networks':[],'terminated':false,"
                    + "'tasks':[{'task_id':'a','container_id':'"
                    + WEB
                    + ".a-1','command':['sleep','60'],'sandbox':'/var/lib/p/sandboxes/web/a',"
                    + "'state':'TASK_RUNNING','pid':1234}]}]}")
                .replace('\'', '"'));
    CheckpointFormat.Content content = CheckpointFormat.read(old);
    TaskRecord a = content.executors().get(0).tasks().get(0);
    assertEquals(Optional.empty(), a.user());
    assertEquals(
        Optional.of(Path.of("/var/lib/p/sandboxes/web/a/exit_status")), a.exitStatusFile());
    assertEquals(TaskState.TASK_RUNNING, a.state());
    // Written again, it says where the status is, so the next read needs no default.
    ObjectNode rewritten = CheckpointFormat.write("portcullis", "cgroups-v2", content.executors());
    assertEquals(
        "/var/lib/p/sandboxes/web/a/exit_status",
        task(rewritten, 0, 0).get("exit_status").textValue());
    assertFalse(task(rewritten, 0, 0).has("user"));
  }

  @Test
  void malformedUsersAreRefusedByPath() {
    refused(d -> task(d, 0, 0).put("user", "nobody"), "executors[0].tasks[0].user");
    refused(d -> task(d, 0, 0).putNull("user"), "executors[0].tasks[0].user");
    refused(d -> task(d, 0, 0).putArray("user"), "executors[0].tasks[0].user");
    for (String field : List.of("name", "uid", "gid")) {
      refused(
          d -> ((ObjectNode) task(d, 0, 0).get("user")).remove(field),
          "executors[0].tasks[0].user." + field);
    }
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("name", 7),
        "executors[0].tasks[0].user.name");
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("uid", "65534"),
        "executors[0].tasks[0].user.uid");
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("gid", -1),
        "executors[0].tasks[0].user.gid");
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("uid", 4_294_967_295L),
        "executors[0].tasks[0].user");
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("name", "-nobody"),
        "executors[0].tasks[0].user");
    refused(
        d -> ((ObjectNode) task(d, 0, 0).get("user")).put("name", "no body"),
        "executors[0].tasks[0].user");
  }

  @Test
  void aMalformedExitStatusPathIsRefused() {
    refused(d -> task(d, 0, 0).put("exit_status", 3), "executors[0].tasks[0].exit_status");
    refused(d -> task(d, 0, 0).putNull("exit_status"), "executors[0].tasks[0].exit_status");
    refused(
        d -> task(d, 0, 0).put("exit_status", "a.exit_status"),
        "executors[0].tasks[0].exit_status");
  }
}
