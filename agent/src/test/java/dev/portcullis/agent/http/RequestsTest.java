package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.ExecutorSpec;
import dev.portcullis.agent.executor.TaskSpec;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.host.UserLookup;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every check {@link Requests} makes of a launch or update body. */
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
}
