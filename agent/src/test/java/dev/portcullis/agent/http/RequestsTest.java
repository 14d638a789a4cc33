package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.engines.PodmanContainers;
import dev.portcullis.agent.executor.Adoption;
import dev.portcullis.agent.executor.ExecutorSpec;
import dev.portcullis.agent.executor.TaskSpec;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.host.UserLookup;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every check {@link Requests} makes of a launch, adoption or update body. */
class RequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads JSON written with single quotes, to keep the literals readable. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + text, e);
    }
  }

  private static final TaskUser NOBODY = new TaskUser("nobody", 65534, 65534);

  /**
   * A passwd database of two users, nobody and root, as the test's stand-in for the host's: the
   * names looked up are recorded.
   */
  static final class FakePasswd implements UserLookup {
    final List<String> asked = new ArrayList<>();

    @Override
    public Optional<TaskUser> find(String user) {
      asked.add(user);
      switch (user) {
        case "nobody":
        case "65534":
          return Optional.of(NOBODY);
        case "root":
        case "0":
          return Optional.of(new TaskUser("root", 0, 0));
        default:
          return Optional.empty();
      }
    }
  }

  private static final Optional<Path> SETPRIV = Optional.of(Path.of("/usr/bin/setpriv"));

  /** Tasks switch users, against the fake database. */
  static final TaskUsers SWITCHING = new TaskUsers(true, new FakePasswd(), SETPRIV);

  static ExecutorSpec launch(JsonNode body) {
    return Requests.launch(body, SWITCHING, Optional.empty());
  }

  /** A valid launch body with one task, to be spoiled by each test. */
  static ObjectNode launchBody() {
    return (ObjectNode)
        json(
            "{'executor_id':'web','resources':'cpus:1;ports:[31000-31001]',"
                + "'tasks':[{'task_id':'a','command':['sleep','60']}]}");
  }

  /** Asserts the body is refused with 400 naming {@code field}; returns the refusal. */
  static BadRequest refused(Function<JsonNode, ?> reader, JsonNode body, Optional<String> field) {
    BadRequest refusal = assertThrows(BadRequest.class, () -> reader.apply(body));
    assertEquals(400, refusal.status(), refusal.getMessage());
    assertEquals(field, refusal.fieldName(), refusal.getMessage());
    return refusal;
  }

  static BadRequest launchRefused(JsonNode body, String field) {
    return refused(RequestsTest::launch, body, Optional.of(field));
  }

  static BadRequest updateRefused(JsonNode body, String field) {
    return refused(Requests::update, body, Optional.of(field));
  }

  @Nested
  class Launch {

    @Test
    void aValidRequestIsReadWhole() {
      ExecutorSpec spec =
          launch(
              json(
                  "{'executor_id':'web','resources':'cpus:1;ports:[31000-31001,31005-31005]',"
                      + "'networks':['net-a',' net-b '],"
                      + "'tasks':[{'task_id':'a','command':['sleep','60']},"
                      + "{'task_id':'b','command':'echo hi | cat'}]}"));
      assertEquals("web", spec.executorId());
      assertEquals("cpus:1;ports:[31000-31001,31005-31005]", spec.resources());
      assertEquals(PortRanges.parse("[31000-31001,31005-31005]"), spec.ports());
      assertEquals(List.of("net-a", "net-b"), spec.networks());
      assertEquals(
          List.of(
              new TaskSpec("a", List.of("sleep", "60"), Optional.empty()),
              new TaskSpec("b", List.of("/bin/sh", "-c", "echo hi | cat"), Optional.empty())),
          spec.tasks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "'web'", "42", "null", "true"})
    void aBodyThatIsNoObjectIsRefusedAsAWhole(String body) {
      BadRequest refusal = refused(RequestsTest::launch, json(body), Optional.empty());
      assertTrue(refusal.getMessage().contains("JSON object"), refusal.getMessage());
    }

    @Test
    void aMissingBodyIsRefusedAsAWhole() {
      refused(RequestsTest::launch, null, Optional.empty());
    }

    @Test
    void anUnknownTopLevelFieldIsRefusedByName() {
      ObjectNode body = launchBody();
      body.put("executorid", "x");
      BadRequest refusal = launchRefused(body, "executorid");
      assertTrue(refusal.getMessage().contains("unknown field"), refusal.getMessage());
      assertTrue(refusal.getMessage().contains("executor_id"), refusal.getMessage());
    }

    @Test
    void anUnknownTaskFieldIsRefusedWithItsPath() {
      JsonNode body =
          json(
              "{'tasks':[{'task_id':'a','command':['true']},"
                  + "{'task_id':'b','commandd':['true']}]}");
      BadRequest refusal = launchRefused(body, "tasks[1].commandd");
      assertTrue(refusal.getMessage().contains("unknown field"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "['web']", "{'id':'web'}"})
    void anExecutorIdThatIsNoStringIsRefused(String value) {
      ObjectNode body = launchBody();
      body.set("executor_id", json(value));
      BadRequest refusal = launchRefused(body, "executor_id");
      assertTrue(refusal.getMessage().contains("string"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "false", "['a']"})
    void aTaskIdThatIsNoStringIsRefused(String value) {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).set("task_id", json(value));
      launchRefused(body, "tasks[0].task_id");
    }

    @Test
    void anEmptyIdIsRefused() {
      ObjectNode body = launchBody();
      body.put("executor_id", "");
      launchRefused(body, "executor_id");
      body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).put("task_id", "");
      launchRefused(body, "tasks[0].task_id");
    }

    @Test
    void anIdOfMaxLengthIsTakenAndOneLongerRefused() {
      String longest = "e".repeat(Requests.MAX_ID_LENGTH);
      ObjectNode body = launchBody();
      body.put("executor_id", longest);
      assertEquals(longest, launch(body).executorId());

      body.put("executor_id", longest + "e");
      BadRequest refusal = launchRefused(body, "executor_id");
      assertTrue(
          refusal.getMessage().contains(String.valueOf(Requests.MAX_ID_LENGTH)),
          refusal.getMessage());

      body = launchBody();
      ((ObjectNode) body.get("tasks").get(0))
          .put("task_id", "t".repeat(Requests.MAX_ID_LENGTH + 1));
      launchRefused(body, "tasks[0].task_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "..", "a/b", "/", "a b", " a", "a\tb", "a\nb", "a\u0000b"})
    void anIdThatCannotNameAContainerIsRefused(String id) {
      ObjectNode body = launchBody();
      body.put("executor_id", id);
      BadRequest refusal = launchRefused(body, "executor_id");
      assertTrue(refusal.getMessage().contains("may not contain"), refusal.getMessage());

      body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).put("task_id", id);
      launchRefused(body, "tasks[0].task_id");
    }

    @Test
    void missingOrNullIdsAreGenerated() {
      ExecutorSpec spec =
          launch(
              json(
                  "{'executor_id':null,'tasks':[{'command':['true']},"
                      + "{'task_id':null,'command':['true']}]}"));
      assertTrue(spec.executorId().startsWith("executor-"), spec.executorId());
      assertTrue(spec.executorId().length() > "executor-".length(), spec.executorId());
      assertTrue(spec.tasks().get(0).taskId().startsWith("task-"), spec.tasks().get(0).taskId());
      assertTrue(spec.tasks().get(1).taskId().startsWith("task-"), spec.tasks().get(1).taskId());
      assertNotEquals(spec.tasks().get(0).taskId(), spec.tasks().get(1).taskId());

      ExecutorSpec other = launch(json("{'tasks':[{'command':['true']}]}"));
      assertTrue(other.executorId().startsWith("executor-"), other.executorId());
      assertNotEquals(spec.executorId(), other.executorId());
    }

    @Test
    void aTaskIdGivenTwiceIsRefusedAtItsSecondUse() {
      JsonNode body =
          json("{'tasks':[{'task_id':'a','command':['true']},{'task_id':'a','command':['true']}]}");
      BadRequest refusal = launchRefused(body, "tasks[1].task_id");
      assertTrue(refusal.getMessage().contains("'a'"), refusal.getMessage());
    }

    @Test
    void theSameIdForTheExecutorAndATaskIsAllowed() {
      ExecutorSpec spec =
          launch(json("{'executor_id':'x','tasks':[{'task_id':'x','command':['true']}]}"));
      assertEquals("x", spec.executorId());
      assertEquals("x", spec.tasks().get(0).taskId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{}", "'task'", "7", "null"})
    void tasksThatAreNoNonEmptyArrayAreRefused(String tasks) {
      ObjectNode body = launchBody();
      body.set("tasks", json(tasks));
      launchRefused(body, "tasks");
    }

    @Test
    void missingTasksAreRefused() {
      ObjectNode body = launchBody();
      body.remove("tasks");
      launchRefused(body, "tasks");
    }

    @Test
    void atMostMaxTasksAreTaken() {
      ObjectNode body = launchBody();
      ArrayNode tasks = body.putArray("tasks");
      for (int i = 0; i < Requests.MAX_TASKS; i++) {
        tasks.addObject().put("task_id", "t" + i).putArray("command").add("true");
      }
      assertEquals(Requests.MAX_TASKS, launch(body).tasks().size());

      tasks.addObject().put("task_id", "one-too-many").putArray("command").add("true");
      BadRequest refusal = launchRefused(body, "tasks");
      assertTrue(
          refusal.getMessage().contains(String.valueOf(Requests.MAX_TASKS + 1)),
          refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'a'", "['a']", "3", "null"})
    void aTaskThatIsNoObjectIsRefused(String task) {
      ObjectNode body = launchBody();
      ((ArrayNode) body.get("tasks")).add(json(task));
      BadRequest refusal = launchRefused(body, "tasks[1]");
      assertTrue(refusal.getMessage().contains("JSON object"), refusal.getMessage());
    }

    @Test
    void anArrayCommandIsTheArgvAsGiven() {
      JsonNode body = json("{'tasks':[{'command':['/usr/bin/env','-i','a b','','$HOME','x;y']}]}");
      assertEquals(
          List.of("/usr/bin/env", "-i", "a b", "", "$HOME", "x;y"),
          launch(body).tasks().get(0).command());
    }

    @Test
    void aStringCommandIsRunByTheShell() {
      JsonNode body = json("{'tasks':[{'command':'  exec sleep 60 > /dev/null  '}]}");
      assertEquals(
          List.of("/bin/sh", "-c", "  exec sleep 60 > /dev/null  "),
          launch(body).tasks().get(0).command());
    }

    @Test
    void aMissingOrNullCommandIsRefused() {
      launchRefused(json("{'tasks':[{'task_id':'a'}]}"), "tasks[0].command");
      launchRefused(json("{'tasks':[{'task_id':'a','command':null}]}"), "tasks[0].command");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{}", "42", "true"})
    void aCommandThatIsNeitherArrayNorStringIsRefused(String command) {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).set("command", json(command));
      launchRefused(body, "tasks[0].command");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "null", "true", "['x']", "{}"})
    void aCommandElementThatIsNoStringIsRefusedByIndex(String element) {
      JsonNode body = json("{'tasks':[{'command':['echo'," + element + ",'z']}]}");
      launchRefused(body, "tasks[0].command[1]");
    }

    @Test
    void aCommandElementWithANulIsRefusedByIndex() {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).putArray("command").add("echo").add("a\u0000b");
      BadRequest refusal = launchRefused(body, "tasks[0].command[1]");
      assertTrue(refusal.getMessage().contains("NUL"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "'   '", "'\\t\\n'"})
    void aBlankStringCommandIsRefused(String command) {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).set("command", json(command));
      launchRefused(body, "tasks[0].command");
    }

    /**
     * The array form refuses a NUL; the string form passes its text as one argument of {@code
     * /bin/sh -c}, where a NUL can no more be passed than in the array form, so it must be refused
     * too rather than failing at launch.
     */
    @Test
    void aStringCommandWithANulIsRefused() {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).put("command", "echo a\u0000b");
      launchRefused(body, "tasks[0].command");
    }

    @Test
    void anEmptyProgramIsRefused() {
      JsonNode body = json("{'tasks':[{'task_id':'a','command':['true']},{'command':['','x']}]}");
      BadRequest refusal = launchRefused(body, "tasks[1].command[0]");
      assertTrue(refusal.getMessage().contains("program"), refusal.getMessage());
    }

    @Test
    void resourcesInTheTextFormGiveTheirPorts() {
      ObjectNode body = launchBody();
      body.put("resources", "cpus:0.5;mem:64;ports:[80-80,31000-31010]");
      ExecutorSpec spec = launch(body);
      assertEquals("cpus:0.5;mem:64;ports:[80-80,31000-31010]", spec.resources());
      assertEquals(PortRanges.parse("[80-80,31000-31010]"), spec.ports());
    }

    @Test
    void resourcesInTheMesosJsonFormAreKeptAsTheirText() {
      ObjectNode body = launchBody();
      JsonNode resources =
          json(
              "[{'name':'cpus','type':'SCALAR','scalar':{'value':1}},"
                  + "{'name':'ports','type':'RANGES',"
                  + "'ranges':{'range':[{'begin':31000,'end':31002}]}}]");
      body.set("resources", resources);
      ExecutorSpec spec = launch(body);
      assertEquals(PortRanges.range(31000, 31002), spec.ports());
      assertEquals(resources, json(spec.resources()));
      // What is kept reads again to the same ports, as the checkpoint and the views rely on.
      assertEquals(spec.ports(), Requests.ports(spec.resources()));
    }

    @Test
    void noResourcesOrNoPortsMeanNoPorts() {
      ObjectNode body = launchBody();
      body.remove("resources");
      ExecutorSpec spec = launch(body);
      assertEquals("", spec.resources());
      assertEquals(PortRanges.empty(), spec.ports());

      body.putNull("resources");
      assertEquals(PortRanges.empty(), launch(body).ports());

      body.put("resources", "cpus:1;mem:32");
      spec = launch(body);
      assertEquals("cpus:1;mem:32", spec.resources());
      assertTrue(spec.ports().isEmpty());

      body.set("resources", json("[]"));
      assertTrue(launch(body).ports().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "ports:[200-100]",
          "ports:[70000-70001]",
          "ports:[a-b]",
          "ports:[1-2",
          "cpus:lots",
          "ports:{1,2}"
        })
    void invalidResourcesAreRefusedQuotingTheProblem(String resources) {
      ObjectNode body = launchBody();
      body.put("resources", resources);
      BadRequest refusal = launchRefused(body, "resources");
      assertTrue(refusal.getMessage().contains(resources), refusal.getMessage());
    }

    @Test
    void anInvalidResourceInTheJsonFormIsRefused() {
      ObjectNode body = launchBody();
      body.set(
          "resources",
          json("[{'name':'ports','type':'RANGES','ranges':{'range':[{'begin':9,'end':1}]}}]"));
      BadRequest refusal = launchRefused(body, "resources");
      assertTrue(refusal.getMessage().contains("begin > end"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "{'ports':'[1-2]'}"})
    void resourcesOfAnotherTypeAreRefused(String resources) {
      ObjectNode body = launchBody();
      body.set("resources", json(resources));
      launchRefused(body, "resources");
    }

    @Test
    void networksAreNamesStripped() {
      ObjectNode body = launchBody();
      body.set("networks", json("['a','  b\\t']"));
      assertEquals(List.of("a", "b"), launch(body).networks());
      body.set("networks", json("[]"));
      assertEquals(List.of(), launch(body).networks());
      body.putNull("networks");
      assertEquals(List.of(), launch(body).networks());
      body.remove("networks");
      assertEquals(List.of(), launch(body).networks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "'  '", "1", "null", "['a']", "{}"})
    void aNetworkThatIsNoNameIsRefusedByIndex(String network) {
      ObjectNode body = launchBody();
      body.set("networks", json("['a'," + network + "]"));
      launchRefused(body, "networks[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'a'", "{}", "3"})
    void networksThatAreNoArrayAreRefused(String networks) {
      ObjectNode body = launchBody();
      body.set("networks", json(networks));
      launchRefused(body, "networks");
    }
  }

  @Nested
  class Users {

    private ObjectNode withUser(JsonNode user) {
      ObjectNode body = launchBody();
      ((ObjectNode) body.get("tasks").get(0)).set("user", user);
      return body;
    }

    private ObjectNode withUser(String user) {
      return withUser(JSON.getNodeFactory().textNode(user));
    }

    @Test
    void aUserIsResolvedToItsPasswdEntryPerTask() {
      JsonNode body =
          json(
              "{'tasks':[{'task_id':'a','command':['true'],'user':'nobody'},"
                  + "{'task_id':'b','command':['true']},"
                  + "{'task_id':'c','command':['true'],'user':null}]}");
      List<TaskSpec> tasks = launch(body).tasks();
      assertEquals(Optional.of(NOBODY), tasks.get(0).user());
      assertEquals(Optional.empty(), tasks.get(1).user(), "no user: the agent's");
      assertEquals(Optional.empty(), tasks.get(2).user(), "null: the agent's");
    }

    @Test
    void aUidInDigitsIsResolvedToTheEntryOfThatUid() {
      assertEquals(Optional.of(NOBODY), launch(withUser("65534")).tasks().get(0).user());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "['nobody']", "{'name':'nobody'}"})
    void aUserThatIsNoStringIsRefused(String user) {
      BadRequest refusal = launchRefused(withUser(json(user)), "tasks[0].user");
      assertTrue(refusal.getMessage().contains("string"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"", "-nobody", "--help", "+65534", "no body", " nobody", "nobody\n", "a\tb"})
    void aMalformedNameIsRefusedWithoutLookingItUp(String user) {
      FakePasswd passwd = new FakePasswd();
      TaskUsers users = new TaskUsers(true, passwd, SETPRIV);
      refused(
          b -> Requests.launch(b, users, Optional.empty()),
          withUser(user),
          Optional.of("tasks[0].user"));
      assertEquals(List.of(), passwd.asked);
    }

    @Test
    void aNameWithAColonNulOrControlCharacterIsRefused() {
      for (String user : List.of("a:b", "a\u0000b", "a\u007fb", "a\u0085b")) {
        BadRequest refusal = launchRefused(withUser(user), "tasks[0].user");
        assertTrue(refusal.getMessage().contains("may not contain"), refusal.getMessage());
      }
    }

    @Test
    void aNameOfMaxLengthIsLookedUpAndOneLongerRefused() {
      String longest = "u".repeat(255);
      BadRequest unknown = launchRefused(withUser(longest), "tasks[0].user");
      assertTrue(unknown.getMessage().contains("no user named"), unknown.getMessage());
      BadRequest tooLong = launchRefused(withUser(longest + "u"), "tasks[0].user");
      assertTrue(tooLong.getMessage().contains("255"), tooLong.getMessage());
    }

    @Test
    void anUnknownUserIsRefusedNamingIt() {
      JsonNode body =
          json(
              "{'tasks':[{'task_id':'a','command':['true'],'user':'nobody'},"
                  + "{'task_id':'b','command':['true'],'user':'no-such-user'}]}");
      BadRequest refusal = launchRefused(body, "tasks[1].user");
      assertTrue(refusal.getMessage().contains("no user named no-such-user"), refusal.getMessage());
    }

    @Test
    void anUnknownUidIsRefusedNamingIt() {
      BadRequest refusal = launchRefused(withUser("4242"), "tasks[0].user");
      assertTrue(refusal.getMessage().contains("no user has uid 4242"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967295", "99999999999", "123456789012345678901234567890"})
    void aUidOutOfRangeIsRefusedWithoutLookingItUp(String uid) {
      FakePasswd passwd = new FakePasswd();
      TaskUsers users = new TaskUsers(true, passwd, SETPRIV);
      BadRequest refusal =
          refused(
              b -> Requests.launch(b, users, Optional.empty()),
              withUser(uid),
              Optional.of("tasks[0].user"));
      assertTrue(refusal.getMessage().contains("out of range"), refusal.getMessage());
      assertEquals(List.of(), passwd.asked);
    }

    @Test
    void aDatabaseThatCannotBeAskedRefusesTheRequest() {
      TaskUsers users =
          new TaskUsers(
              true,
              user -> {
                throw new IOException("getent passwd did not answer within 10s");
              },
              SETPRIV);
      BadRequest refusal =
          refused(
              b -> Requests.launch(b, users, Optional.empty()),
              withUser("nobody"),
              Optional.of("tasks[0].user"));
      assertTrue(refusal.getMessage().contains("cannot look user nobody up"), refusal.getMessage());
      assertTrue(refusal.getMessage().contains("did not answer"), refusal.getMessage());
    }

    @Test
    void withoutSetprivAUserIsRefusedButATaskWithoutOneIsNot() {
      TaskUsers users = new TaskUsers(true, new FakePasswd(), Optional.empty());
      BadRequest refusal =
          refused(
              b -> Requests.launch(b, users, Optional.empty()),
              withUser("nobody"),
              Optional.of("tasks[0].user"));
      assertTrue(refusal.getMessage().contains("setpriv"), refusal.getMessage());
      assertTrue(refusal.getMessage().contains("--no-switch_user"), refusal.getMessage());
      assertEquals(
          Optional.empty(),
          Requests.launch(launchBody(), users, Optional.empty()).tasks().get(0).user());
    }

    @Test
    void withSwitchUserOffAUserIsIgnoredWithoutLookingItUp() {
      FakePasswd passwd = new FakePasswd();
      TaskUsers users = new TaskUsers(false, passwd, Optional.empty());
      for (String user : List.of("nobody", "no-such-user", "4242")) {
        assertEquals(
            Optional.empty(),
            Requests.launch(withUser(user), users, Optional.empty()).tasks().get(0).user(),
            user);
      }
      assertEquals(List.of(), passwd.asked);
      // A malformed name is still a malformed request.
      refused(
          b -> Requests.launch(b, users, Optional.empty()),
          withUser("-x"),
          Optional.of("tasks[0].user"));
    }

    @Test
    void eachUserIsLookedUpOnce() {
      FakePasswd passwd = new FakePasswd();
      TaskUsers users = new TaskUsers(true, passwd, SETPRIV);
      Requests.launch(
          json(
              "{'tasks':[{'task_id':'a','command':['true'],'user':'nobody'},"
                  + "{'task_id':'b','command':['true'],'user':'root'}]}"),
          users,
          Optional.empty());
      assertEquals(List.of("nobody", "root"), passwd.asked);
    }
  }

  @Nested
  class Update {

    @Test
    void theResourcesAreReturnedAsGiven() {
      assertEquals(
          "cpus:1;ports:[31000-31009]",
          Requests.update(json("{'resources':'cpus:1;ports:[31000-31009]'}")).resources());
    }

    @Test
    void theJsonFormIsReturnedAsItsText() {
      JsonNode resources =
          json("[{'name':'ports','type':'RANGES','ranges':{'range':[{'begin':1,'end':2}]}}]");
      Requests.Allocation allocation = Requests.update(json("{'resources':" + resources + "}"));
      assertEquals(resources, json(allocation.resources()));
      assertEquals(PortRanges.range(1, 2), allocation.ports());
    }

    @Test
    void anEmptyStringMeansNoPorts() {
      Requests.Allocation allocation = Requests.update(json("{'resources':''}"));
      assertEquals("", allocation.resources());
      assertEquals(PortRanges.empty(), allocation.ports());
      assertEquals(PortRanges.empty(), Requests.update(json("{'resources':'cpus:2'}")).ports());
    }

    @Test
    void resourcesAreRequired() {
      BadRequest refusal = updateRefused(json("{}"), "resources");
      assertTrue(refusal.getMessage().contains("required"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "'cpus:1'", "1", "null"})
    void aBodyThatIsNoObjectIsRefusedAsAWhole(String body) {
      refused(Requests::update, json(body), Optional.empty());
    }

    @Test
    void unknownFieldsAreRefused() {
      updateRefused(json("{'resources':'','ports':'[1-2]'}"), "ports");
      updateRefused(json("{'resource':'ports:[1-2]'}"), "resource");
      // Launch fields are no update fields.
      updateRefused(json("{'resources':'','executor_id':'web'}"), "executor_id");
    }

    @Test
    void invalidResourcesAreRefused() {
      BadRequest refusal = updateRefused(json("{'resources':'ports:[5-1]'}"), "resources");
      assertTrue(refusal.getMessage().contains("ports:[5-1]"), refusal.getMessage());
      updateRefused(json("{'resources':7}"), "resources");
      updateRefused(json("{'resources':{}}"), "resources");
    }
  }

  /** An agent's runtime, for the requests that need one: never run by these checks. */
  static final Optional<OciRuntime> RUNC =
      Optional.of(new OciRuntime(Path.of("/usr/sbin/runc"), Path.of("/run/portcullis/runc")));

  @Nested
  class Containers {

    @TempDir Path temp;

    private Path rootfs;

    @BeforeEach
    void makeRootfs() throws IOException {
      rootfs = Files.createDirectories(temp.resolve("alpine"));
      Path busybox = Files.createDirectories(rootfs.resolve("bin")).resolve("busybox");
      Files.writeString(busybox, "");
      Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createLink(rootfs.resolve("bin/sh"), busybox);
    }

    private ExecutorSpec launchWith(JsonNode body) {
      return Requests.launch(body, SWITCHING, RUNC);
    }

    private BadRequest containerRefused(JsonNode body, String field) {
      return refused(this::launchWith, body, Optional.of(field));
    }

    /** A launch body whose one task runs {@code sh} in the root filesystem. */
    private ObjectNode body() {
      ObjectNode body = launchBody();
      ObjectNode task = (ObjectNode) body.get("tasks").get(0);
      task.putArray("command").add("sh").add("-c").add("exec httpd -f");
      task.putObject("container").put("type", "oci").put("rootfs", rootfs.toString());
      return body;
    }

    private ObjectNode container(ObjectNode body) {
      return (ObjectNode) body.get("tasks").get(0).get("container");
    }

    @Test
    void aContainerIsReadWhole() {
      ObjectNode body = body();
      container(body)
          .put("writable", true)
          .put("cwd", "/srv")
          .put("hostname", "web-1")
          .putObject("env")
          .put("LANG", "C.UTF-8")
          .put("EMPTY", "");
      TaskSpec task = launchWith(body).tasks().get(0);
      assertEquals(List.of("sh", "-c", "exec httpd -f"), task.command());
      assertEquals(
          Optional.of(
              new OciContainer(
                  rootfs,
                  true,
                  Map.of("LANG", "C.UTF-8", "EMPTY", ""),
                  Optional.of("/srv"),
                  Optional.of("web-1"))),
          task.oci());
    }

    @Test
    void theOptionalFieldsDefaultToAReadOnlyRootAndNothingElse() {
      assertEquals(
          Optional.of(
              new OciContainer(rootfs, false, Map.of(), Optional.empty(), Optional.empty())),
          launchWith(body()).tasks().get(0).oci());
      ObjectNode body = body();
      container(body).putNull("writable").putNull("env").putNull("cwd").putNull("hostname");
      assertEquals(
          Optional.of(
              new OciContainer(rootfs, false, Map.of(), Optional.empty(), Optional.empty())),
          launchWith(body).tasks().get(0).oci());
      container(body).put("writable", false);
      assertFalse(launchWith(body).tasks().get(0).oci().orElseThrow().writable());
    }

    @Test
    void aTaskWithoutOrWithANullContainerRunsOnTheHost() {
      assertEquals(Optional.empty(), launchWith(launchBody()).tasks().get(0).oci());
      ObjectNode body = body();
      ((ObjectNode) body.get("tasks").get(0)).putNull("container");
      assertEquals(Optional.empty(), launchWith(body).tasks().get(0).oci());
    }

    /** A string command is run by /bin/sh, which must then be in the root filesystem. */
    @Test
    void aStringCommandNeedsTheRootfsShell() throws IOException {
      ObjectNode body = body();
      ((ObjectNode) body.get("tasks").get(0)).put("command", "exec httpd -f");
      assertEquals(
          List.of("/bin/sh", "-c", "exec httpd -f"), launchWith(body).tasks().get(0).command());
      Files.delete(rootfs.resolve("bin/sh"));
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(
          refusal.getMessage().contains("holds no executable /bin/sh"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'oci'", "['oci']", "true", "7"})
    void aContainerThatIsNoObjectIsRefused(String container) {
      ObjectNode body = body();
      ((ObjectNode) body.get("tasks").get(0)).set("container", json(container));
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(refusal.getMessage().contains("JSON object"), refusal.getMessage());
    }

    @Test
    void anUnknownContainerFieldIsRefusedByName() {
      ObjectNode body = body();
      container(body).put("image", "alpine:3");
      BadRequest refusal = containerRefused(body, "tasks[0].container.image");
      assertTrue(refusal.getMessage().contains("unknown field"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'docker'", "'OCI'", "''", "1", "null", "['oci']"})
    void aTypeOtherThanOciIsRefused(String type) {
      ObjectNode body = body();
      container(body).set("type", json(type));
      BadRequest refusal = containerRefused(body, "tasks[0].container.type");
      assertTrue(refusal.getMessage().contains("\"oci\""), refusal.getMessage());
    }

    @Test
    void aMissingTypeIsRefused() {
      ObjectNode body = body();
      container(body).remove("type");
      containerRefused(body, "tasks[0].container.type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "1", "null", "['/srv']", "true"})
    void aRootfsThatIsNoPathIsRefused(String rootfs) {
      ObjectNode body = body();
      container(body).set("rootfs", json(rootfs));
      containerRefused(body, "tasks[0].container.rootfs");
      container(body).remove("rootfs");
      containerRefused(body, "tasks[0].container.rootfs");
    }

    @Test
    void aRootfsWithANulIsRefused() {
      ObjectNode body = body();
      container(body).put("rootfs", rootfs + "\u0000x");
      BadRequest refusal = containerRefused(body, "tasks[0].container.rootfs");
      assertTrue(refusal.getMessage().contains("is no path"), refusal.getMessage());
    }

    @Test
    void aRelativeRootfsIsRefused() {
      ObjectNode body = body();
      container(body).put("rootfs", "images/alpine");
      BadRequest refusal = containerRefused(body, "tasks[0].container.rootfs");
      assertTrue(refusal.getMessage().contains("must be an absolute path"), refusal.getMessage());
    }

    @Test
    void aRootfsThatIsMissingOrNoDirectoryIsRefused() throws IOException {
      ObjectNode body = body();
      container(body).put("rootfs", temp.resolve("gone").toString());
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(refusal.getMessage().contains("does not exist"), refusal.getMessage());

      container(body).put("rootfs", Files.writeString(temp.resolve("file"), "").toString());
      refusal = containerRefused(body, "tasks[0].container");
      assertTrue(refusal.getMessage().contains("is not a directory"), refusal.getMessage());
    }

    @Test
    void aProgramTheRootfsLacksIsRefused() {
      ObjectNode body = body();
      ((ObjectNode) body.get("tasks").get(0)).putArray("command").add("httpd").add("-f");
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(
          refusal.getMessage().contains("holds no executable httpd on the container's PATH"),
          refusal.getMessage());
    }

    @Test
    void theProgramIsLookedForOnTheContainersPath() {
      ObjectNode body = body();
      container(body).putObject("env").put("PATH", "/usr/bin");
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(refusal.getMessage().contains("PATH /usr/bin"), refusal.getMessage());
      container(body).putObject("env").put("PATH", "/usr/bin:/bin");
      assertEquals(
          Map.of("PATH", "/usr/bin:/bin"),
          launchWith(body).tasks().get(0).oci().orElseThrow().env());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'yes'", "1", "'true'", "{}", "[]"})
    void aWritableThatIsNoBooleanIsRefused(String writable) {
      ObjectNode body = body();
      container(body).set("writable", json(writable));
      containerRefused(body, "tasks[0].container.writable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'A=1'", "['A=1']", "1", "true"})
    void anEnvThatIsNoObjectIsRefused(String env) {
      ObjectNode body = body();
      container(body).set("env", json(env));
      containerRefused(body, "tasks[0].container.env");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "null", "['x']", "{}"})
    void aVariableThatIsNoStringIsRefusedByName(String value) {
      ObjectNode body = body();
      container(body).putObject("env").put("A", "ok").set("LANG", json(value));
      BadRequest refusal = containerRefused(body, "tasks[0].container.env.LANG");
      assertTrue(refusal.getMessage().contains("must be a string"), refusal.getMessage());
    }

    @Test
    void theAgentsVariablesAreRefused() {
      ObjectNode body = body();
      container(body).putObject("env").put("PORTCULLIS_TASK_ID", "mine");
      BadRequest refusal = containerRefused(body, "tasks[0].container.env.PORTCULLIS_TASK_ID");
      assertTrue(refusal.getMessage().contains("PORTCULLIS_"), refusal.getMessage());
    }

    @Test
    void aVariableNameWithAnEqualsSignIsRefused() {
      ObjectNode body = body();
      container(body).putObject("env").put("A=B", "c");
      BadRequest refusal = containerRefused(body, "tasks[0].container.env.A=B");
      assertTrue(refusal.getMessage().contains("is no variable name"), refusal.getMessage());
    }

    @Test
    void aCwdOrHostnameThatIsNoNonEmptyStringIsRefusedByField() {
      for (String field : List.of("cwd", "hostname")) {
        for (String value : List.of("''", "1", "true", "['x']")) {
          ObjectNode body = body();
          container(body).set(field, json(value));
          containerRefused(body, "tasks[0].container." + field);
        }
      }
    }

    @Test
    void aRelativeCwdOrABadHostnameIsRefused() {
      ObjectNode body = body();
      container(body).put("cwd", "srv");
      BadRequest refusal = containerRefused(body, "tasks[0].container.cwd");
      assertTrue(refusal.getMessage().contains("cwd 'srv'"), refusal.getMessage());

      body = body();
      container(body).put("hostname", "web_1");
      refusal = containerRefused(body, "tasks[0].container.hostname");
      assertTrue(refusal.getMessage().contains("hostname 'web_1'"), refusal.getMessage());
    }

    @Test
    void aContainerCannotJoinNetworks() {
      ObjectNode body = body();
      body.set("networks", json("['net-a']"));
      BadRequest refusal = containerRefused(body, "tasks[0].container");
      assertTrue(refusal.getMessage().contains("net-a"), refusal.getMessage());
      // A task beside it without a container may.
      ((ArrayNode) body.get("tasks")).addObject().put("task_id", "b").putArray("command").add("x");
      containerRefused(body, "tasks[0].container");
      body.set("networks", json("[]"));
      assertEquals(2, launchWith(body).tasks().size());
    }

    @Test
    void theSecondTasksContainerIsRefusedWithItsIndex() {
      ObjectNode body = body();
      ObjectNode second = ((ArrayNode) body.get("tasks")).addObject().put("task_id", "b");
      second.putArray("command").add("sh");
      second.putObject("container").put("type", "oci").put("rootfs", "relative");
      containerRefused(body, "tasks[1].container.rootfs");
    }

    @Test
    void withoutARuntimeAContainerIsRefused() {
      BadRequest refusal =
          refused(
              b -> Requests.launch(b, SWITCHING, Optional.empty()),
              body(),
              Optional.of("tasks[0].container"));
      assertTrue(refusal.getMessage().contains("no OCI runtime"), refusal.getMessage());
      assertTrue(refusal.getMessage().contains("--oci_runtime"), refusal.getMessage());
      // A task without one is still fine.
      assertEquals(Optional.empty(), launch(launchBody()).tasks().get(0).oci());
    }
  }

  @Nested
  class Adoptions {

    @TempDir Path temp;

    private static final String CGROUP = "/machine.slice/libpod-3f2a.scope";

    /** A host without podman. */
    private final PodmanContainers noPodman = new PodmanContainers(Optional.empty());

    private ExecutorSpec adopt(JsonNode body) {
      return Requests.launch(body, SWITCHING, Optional.empty(), noPodman);
    }

    private BadRequest adoptionRefused(JsonNode body, String field) {
      return refused(this::adopt, body, Optional.of(field));
    }

    private static ObjectNode adoptionBody() {
      return (ObjectNode)
          json(
              "{'executor_id':'cache','resources':'cpus:1;ports:[31000-31001]',"
                  + "'adoption':{'cgroup':'"
                  + CGROUP
                  + "'}}");
    }

    private static ObjectNode adoption(ObjectNode body) {
      return (ObjectNode) body.get("adoption");
    }

    @Test
    void anAdoptionByCgroupIsOneTaskWithNoCommand() {
      ExecutorSpec spec = adopt(adoptionBody());
      assertEquals("cache", spec.executorId());
      assertEquals("cpus:1;ports:[31000-31001]", spec.resources());
      assertEquals(PortRanges.range(31000, 31001), spec.ports());
      assertEquals(List.of(), spec.networks());
      assertEquals(Optional.of(new Adoption(CGROUP, Optional.empty())), spec.adoption());
      assertEquals(1, spec.tasks().size());
      TaskSpec task = spec.tasks().get(0);
      assertEquals(List.of(), task.command());
      assertEquals(Optional.empty(), task.user());
      assertEquals(Optional.empty(), task.oci());
    }

    @Test
    void theTaskIdIsTheOneGivenOrGenerated() {
      ObjectNode body = adoptionBody();
      adoption(body).put("task_id", "memcached");
      assertEquals("memcached", adopt(body).tasks().get(0).taskId());

      String generated = adopt(adoptionBody()).tasks().get(0).taskId();
      assertTrue(generated.startsWith("task-"), generated);
      assertTrue(generated.length() > "task-".length(), generated);
      assertNotEquals(generated, adopt(adoptionBody()).tasks().get(0).taskId());
      adoption(body).putNull("task_id");
      assertTrue(adopt(body).tasks().get(0).taskId().startsWith("task-"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "'a.b'", "'a/b'", "1", "['x']"})
    void aBadTaskIdIsRefused(String taskId) {
      ObjectNode body = adoptionBody();
      adoption(body).set("task_id", json(taskId));
      adoptionRefused(body, "adoption.task_id");
    }

    @Test
    void anExecutorIdIsGeneratedAsForALaunch() {
      ObjectNode body = adoptionBody();
      body.remove("executor_id");
      assertTrue(adopt(body).executorId().startsWith("executor-"));
    }

    @Test
    void tasksAndAnAdoptionTogetherAreRefused() {
      ObjectNode body = adoptionBody();
      body.set("tasks", json("[{'task_id':'a','command':['sleep','60']}]"));
      BadRequest refusal = adoptionRefused(body, "tasks");
      assertTrue(refusal.getMessage().contains("not both"), refusal.getMessage());
      body.set("tasks", json("[]"));
      adoptionRefused(body, "tasks");
    }

    @Test
    void networksWithAnAdoptionAreRefusedButNoneAreFine() {
      ObjectNode body = adoptionBody();
      body.set("networks", json("['net-a']"));
      BadRequest refusal = adoptionRefused(body, "networks");
      assertTrue(refusal.getMessage().contains("host's network namespace"), refusal.getMessage());
      body.set("networks", json("[]"));
      assertEquals(List.of(), adopt(body).networks());
      body.putNull("networks");
      assertEquals(List.of(), adopt(body).networks());
    }

    @Test
    void neitherCgroupNorPodmanIsRefused() {
      ObjectNode body = adoptionBody();
      adoption(body).remove("cgroup");
      BadRequest refusal = adoptionRefused(body, "adoption");
      assertTrue(refusal.getMessage().contains("exactly one of cgroup"), refusal.getMessage());
      adoption(body).put("task_id", "t");
      adoptionRefused(body, "adoption");
    }

    @Test
    void bothCgroupAndPodmanAreRefused() {
      ObjectNode body = adoptionBody();
      adoption(body).put("podman", "memcached");
      BadRequest refusal = adoptionRefused(body, "adoption");
      assertTrue(refusal.getMessage().contains("exactly one of cgroup"), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"libpod-3f2a", "machine.slice/libpod", "./x", " /x"})
    void aRelativeCgroupIsRefused(String cgroup) {
      ObjectNode body = adoptionBody();
      adoption(body).put("cgroup", cgroup);
      BadRequest refusal = adoptionRefused(body, "adoption.cgroup");
      assertTrue(refusal.getMessage().contains("starting with /"), refusal.getMessage());
    }

    @Test
    void aCgroupWithANulIsRefused() {
      ObjectNode body = adoptionBody();
      adoption(body).put("cgroup", "/machine.slice/a\u0000b");
      adoptionRefused(body, "adoption.cgroup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "1", "null", "['/x']", "{}"})
    void aCgroupThatIsNoNonEmptyStringIsRefused(String cgroup) {
      ObjectNode body = adoptionBody();
      adoption(body).set("cgroup", json(cgroup));
      adoptionRefused(body, "adoption.cgroup");
    }

    @Test
    void anUnknownAdoptionFieldIsRefusedByName() {
      ObjectNode body = adoptionBody();
      adoption(body).putArray("command").add("sleep");
      BadRequest refusal = adoptionRefused(body, "adoption.command");
      assertTrue(refusal.getMessage().contains("unknown field"), refusal.getMessage());
      body = adoptionBody();
      adoption(body).put("cgroups", CGROUP);
      adoptionRefused(body, "adoption.cgroups");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'/x'", "['/x']", "1", "null"})
    void anAdoptionThatIsNoObjectIsRefused(String adoption) {
      ObjectNode body = adoptionBody();
      body.set("adoption", json(adoption));
      BadRequest refusal = adoptionRefused(body, "adoption");
      assertTrue(refusal.getMessage().contains("JSON object"), refusal.getMessage());
    }

    /**
     * A podman that answers {@code container inspect -- NAME} as the real one does, by name: {@code
     * memcached} runs with {@code --network host}; {@code stopped} has exited; {@code bridged} runs
     * on podman's bridge; {@code uncgrouped} runs with no cgroup path; any other name is unknown.
     * It logs its arguments.
     */
    private PodmanContainers podman() throws IOException {
      Path log = temp.resolve("podman.log");
      Path program = temp.resolve("podman");
      Files.writeString(
          program,
          String.join(
              "\n",
              "#!/bin/sh",
              "printf '%s\\n' \"$*\" >> '" + log + "'",
              "case \"$4\" in",
              "memcached) echo '[{\"Name\":\"memcached\",\"State\":{\"Status\":\"running\","
                  + "\"Running\":true,\"CgroupPath\":\""
                  + CGROUP
                  + "\"},\"HostConfig\":{\"NetworkMode\":\"host\"}}]' ;;",
              "stopped) echo '[{\"State\":{\"Status\":\"exited\",\"Running\":false,"
                  + "\"CgroupPath\":\"\"},\"HostConfig\":{\"NetworkMode\":\"host\"}}]' ;;",
              "bridged) echo '[{\"State\":{\"Status\":\"running\",\"Running\":true,"
                  + "\"CgroupPath\":\"/x\"},\"HostConfig\":{\"NetworkMode\":\"bridge\"}}]' ;;",
              "uncgrouped) echo '[{\"State\":{\"Status\":\"running\",\"Running\":true},"
                  + "\"HostConfig\":{\"NetworkMode\":\"host\"}}]' ;;",
              "*) echo '[]'; echo \"Error: no such container $4\" >&2; exit 125 ;;",
              "esac",
              ""));
      Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new PodmanContainers(Optional.of(program));
    }

    private ObjectNode podmanBody(String name) {
      ObjectNode body = adoptionBody();
      adoption(body).remove("cgroup");
      adoption(body).put("podman", name);
      return body;
    }

    private BadRequest podmanRefused(PodmanContainers podman, String name) {
      return refused(
          b -> Requests.launch(b, SWITCHING, Optional.empty(), podman),
          podmanBody(name),
          Optional.of("adoption.podman"));
    }

    @Test
    void aRunningPodmanContainerOnTheHostNetworkIsAdoptedAtItsCgroup() throws IOException {
      ExecutorSpec spec =
          Requests.launch(podmanBody("memcached"), SWITCHING, Optional.empty(), podman());
      assertEquals(Optional.of(new Adoption(CGROUP, Optional.of("memcached"))), spec.adoption());
      assertEquals(1, spec.tasks().size());
      assertEquals(
          List.of("container inspect -- memcached"),
          Files.readAllLines(temp.resolve("podman.log")));
    }

    @Test
    void aPodmanContainerThatIsNotRunningIsRefused() throws IOException {
      BadRequest refusal = podmanRefused(podman(), "stopped");
      assertEquals(
          "podman container 'stopped' is not running (it is exited)", refusal.getMessage());
    }

    @Test
    void aPodmanContainerOnAnotherNetworkIsRefused() throws IOException {
      BadRequest refusal = podmanRefused(podman(), "bridged");
      assertTrue(
          refusal.getMessage().contains("has network mode 'bridge', not host"),
          refusal.getMessage());
      assertTrue(refusal.getMessage().contains("--network host"), refusal.getMessage());
    }

    @Test
    void aPodmanContainerWithoutACgroupIsRefused() throws IOException {
      BadRequest refusal = podmanRefused(podman(), "uncgrouped");
      assertTrue(refusal.getMessage().contains("names no cgroup"), refusal.getMessage());
    }

    @Test
    void aContainerPodmanDoesNotKnowIsRefusedWithWhatPodmanSaid() throws IOException {
      BadRequest refusal = podmanRefused(podman(), "nonesuch");
      assertEquals(
          "podman knows no container 'nonesuch': Error: no such container nonesuch",
          refusal.getMessage());
    }

    /** The name is passed after {@code --}: one that looks like an option is still a name. */
    @Test
    void aNameLikeAnOptionIsPassedAsAName() throws IOException {
      podmanRefused(podman(), "--all");
      assertEquals(
          List.of("container inspect -- --all"), Files.readAllLines(temp.resolve("podman.log")));
    }

    @Test
    void withoutPodmanAPodmanAdoptionIsRefused() {
      BadRequest refusal = podmanRefused(noPodman, "memcached");
      assertTrue(refusal.getMessage().contains("podman is not installed"), refusal.getMessage());
    }

    @Test
    void aPodmanNameThatIsNoNonEmptyStringIsRefused() {
      for (String name : List.of("''", "1", "null", "['memcached']")) {
        ObjectNode body = podmanBody("x");
        adoption(body).set("podman", json(name));
        adoptionRefused(body, "adoption.podman");
      }
    }

    @Test
    void aPodmanThatCannotBeRunIsRefused() throws IOException {
      Path notAProgram = Files.writeString(temp.resolve("podman"), "");
      BadRequest refusal =
          podmanRefused(new PodmanContainers(Optional.of(notAProgram)), "memcached");
      assertTrue(refusal.getMessage().startsWith("cannot ask podman: "), refusal.getMessage());
    }
  }
}
