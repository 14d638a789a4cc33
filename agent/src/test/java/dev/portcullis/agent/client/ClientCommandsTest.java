package dev.portcullis.agent.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.agent.Main;
import dev.portcullis.agent.cli.StartupException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client commands ({@code launch}, {@code update}, {@code kill}, {@code ps}, {@code events})
 * run through {@link Main#execute} against a fake agent: a real HTTP server on the loopback that
 * records each request and answers as the test says.
 */
class ClientCommandsTest {

  private static final String VIEW = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"RUNNING\"}";

  private FakeAgent agent;
  private String url;

  /** Where the running command's standard output goes, for a server that waits for it. */
  private volatile ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @BeforeEach
  void startAgent() throws IOException {
    agent = new FakeAgent();
    url = "--agent=" + agent.url();
  }

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  // launch

  @Test
  void launchPostsOneTaskBuiltFromTheFlagsAndPrintsTheExecutor() throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW + "\n");

    Run run =
        run(
            "launch",
            url,
            "--executor_id=e1",
            "--task_id=t1",
            "--task_resources=cpus:1;ports:[31000-31001]",
            "--task_networks=blue, green",
            "--",
            "sleep",
            "60");

    assertEquals(new Run(0, VIEW + "\n", ""), run);
    Request request = agent.only();
    assertEquals("POST /v1/executors", request.line());
    assertEquals("application/json", request.contentType());
    assertEquals(
        json(
            "{'executor_id':'e1','resources':'cpus:1;ports:[31000-31001]',"
                + "'networks':['blue','green'],"
                + "'tasks':[{'task_id':'t1','command':['sleep','60']}]}"),
        request.json());
  }

  @Test
  void launchWithOnlyACommandLeavesTheRestToTheAgent() throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW);

    assertEquals(0, run("launch", url, "--", "echo", "hello there").status());

    assertEquals(json("{'tasks':[{'command':['echo','hello there']}]}"), agent.only().json());
  }

  @Test
  void launchSendsTheTaskGroupWithTheFlagsFillingIn(@TempDir Path dir) throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW);
    Path group =
        write(
            dir,
            "{'resources':'ports:[31000-31000]','tasks':[{'task_id':'a','command':['x']},"
                + "{'command':['y','1']}]}");

    Run run =
        run("launch", url, "--task_group=" + group, "--executor_id=e1", "--task_networks=blue");

    assertEquals(0, run.status(), run.err());
    assertEquals(
        json(
            "{'resources':'ports:[31000-31000]','tasks':[{'task_id':'a','command':['x']},"
                + "{'command':['y','1']}],'executor_id':'e1','networks':['blue']}"),
        agent.only().json());
  }

  static Stream<Arguments> flagsTheTaskGroupMaySetInstead() {
    return Stream.of(
        Arguments.of("--executor_id=e1", "executor_id"),
        Arguments.of("--task_resources=cpus:1", "resources"),
        Arguments.of("--task_networks=blue", "networks"));
  }

  @ParameterizedTest
  @MethodSource("flagsTheTaskGroupMaySetInstead")
  void launchRefusesAFlagWhoseFieldTheTaskGroupAlsoSets(
      String flag, String field, @TempDir Path dir) throws IOException {
    Path group =
        write(
            dir,
            "{'executor_id':'e0','resources':'cpus:2','networks':['red'],"
                + "'tasks':[{'command':['x']}]}");

    Run run = run("launch", url, "--task_group=" + group, flag);

    assertEquals(StartupException.EXIT_STATUS, run.status());
    String name = flag.substring(0, flag.indexOf('='));
    assertTrue(run.err().contains("Flag " + name + ": "), run.err());
    assertTrue(run.err().contains("sets \"" + field + "\" too"), run.err());
    assertEquals(List.of(), agent.requests);
  }

  @Test
  void launchSendsTheTaskUserAsTheTasksUser() throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW);

    Run run = run("launch", url, "--task_user=nobody", "--", "id", "-u");

    assertEquals(0, run.status(), run.err());
    assertEquals(json("{'tasks':[{'command':['id','-u'],'user':'nobody'}]}"), agent.only().json());
  }

  @Test
  void launchSendsATaskGroupsUsersAsTheFileGivesThem(@TempDir Path dir) throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW);
    String tasks = "[{'command':['x'],'user':'nobody'},{'command':['y'],'user':'65534'}]";
    Path group = write(dir, "{'tasks':" + tasks + "}");

    Run run = run("launch", url, "--task_group=" + group);

    assertEquals(0, run.status(), run.err());
    assertEquals(json("{'tasks':" + tasks + "}"), agent.only().json());
  }

  @Test
  void launchGivesTheTaskUserToEveryTaskOfAGroup(@TempDir Path dir) throws IOException {
    agent.reply("POST", "/v1/executors", 201, VIEW);
    Path group = write(dir, "{'tasks':[{'command':['x']},{'task_id':'b','command':['y']}]}");

    Run run = run("launch", url, "--task_group=" + group, "--task_user=nobody");

    assertEquals(0, run.status(), run.err());
    assertEquals(
        json(
            "{'tasks':[{'command':['x'],'user':'nobody'},"
                + "{'task_id':'b','command':['y'],'user':'nobody'}]}"),
        agent.only().json());
  }

  @Test
  void launchRefusesTheTaskUserWhenATaskOfTheGroupNamesItsOwn(@TempDir Path dir)
      throws IOException {
    Path group = write(dir, "{'tasks':[{'command':['x']},{'command':['y'],'user':'root'}]}");

    Run run = run("launch", url, "--task_group=" + group, "--task_user=nobody");

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(run.err().contains("Flag --task_user: "), run.err());
    assertTrue(run.err().contains("sets \"user\" for tasks[1] too"), run.err());
    assertEquals(List.of(), agent.requests);
  }

  @Test
  void launchRefusesTaskIdWithATaskGroup(@TempDir Path dir) throws IOException {
    Path group = write(dir, "{'tasks':[{'command':['x']}]}");

    Run run = run("launch", url, "--task_group=" + group, "--task_id=t1");

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(run.err().contains("Flag --task_id: not with --task_group"), run.err());
    assertEquals(List.of(), agent.requests);
  }

  @Test
  void launchNeedsExactlyOneOfCommandAndTaskGroup(@TempDir Path dir) throws IOException {
    Path group = write(dir, "{'tasks':[{'command':['x']}]}");

    Run neither = run("launch", url, "--executor_id=e1");
    Run both = run("launch", url, "--task_group=" + group, "--", "sleep", "1");

    assertEquals(StartupException.EXIT_STATUS, neither.status());
    assertTrue(neither.err().contains("no task: give COMMAND after '--'"), neither.err());
    assertEquals(StartupException.EXIT_STATUS, both.status());
    assertTrue(both.err().contains("not both"), both.err());
    assertEquals(List.of(), agent.requests);
  }

  @Test
  void aTaskGroupThatCannotBeUsedIsAFlagErrorNamingTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.json");
    Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"tasks\": [");
    Path notAnObject = Files.writeString(dir.resolve("array.json"), "[{\"command\":[\"x\"]}]");
    Path twoObjects = Files.writeString(dir.resolve("two.json"), "{} {}");

    Map<Path, String> problems =
        Map.of(
            missing, "no such file",
            notJson, "not JSON: ",
            notAnObject, "must hold one JSON object",
            twoObjects, "not JSON: ");
    for (Map.Entry<Path, String> problem : problems.entrySet()) {
      Run run = run("launch", url, "--task_group=" + problem.getKey());
      assertEquals(StartupException.EXIT_STATUS, run.status(), run.err());
      assertTrue(
          run.err()
              .contains(
                  "Invalid flag --task_group=" + problem.getKey() + ": " + problem.getValue()),
          run.err());
    }
    assertEquals(List.of(), agent.requests);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"--task_networks=", "--task_networks=blue,,green", "--task_networks= ,blue"})
  void anEmptyNetworkNameIsRefused(String flag) {
    Run run = run("launch", url, flag, "--", "sleep", "1");

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(run.err().contains("Invalid flag --task_networks="), run.err());
    assertEquals(List.of(), agent.requests);
  }

  // update and kill

  @Test
  void updatePutsTheResourcesAtTheEncodedExecutorPath() throws IOException {
    agent.reply("PUT", "/v1/executors/web%201%2Fa/resources", 200, VIEW);

    Run run = run("update", url, "--executor_id=web 1/a", "--resources=cpus:1");

    assertEquals(new Run(0, VIEW + "\n", ""), run);
    Request request = agent.only();
    assertEquals("PUT /v1/executors/web%201%2Fa/resources", request.line());
    assertEquals(json("{'resources':'cpus:1'}"), request.json());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--executor_id=e1", "--resources=cpus:1"})
  void updateNeedsBothItsFlags(String flag) {
    Run run = run("update", url, flag);

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(run.err().contains("Missing required option"), run.err());
    assertEquals(List.of(), agent.requests);
  }

  @Test
  void killDeletesTheExecutor() {
    agent.reply("DELETE", "/v1/executors/e1", 200, VIEW);

    Run run = run("kill", url, "--executor_id=e1");

    assertEquals(new Run(0, VIEW + "\n", ""), run);
    assertEquals("DELETE /v1/executors/e1", agent.only().line());
    assertEquals("", agent.only().body());
  }

  @Test
  void aBlankExecutorIdIsAFlagError() {
    Run run = run("kill", url, "--executor_id= ");

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(run.err().contains("Invalid flag --executor_id= : must not be blank"), run.err());
    assertEquals(List.of(), agent.requests);
  }

  // ps

  @Test
  void psPrintsOneRowPerTask() {
    agent.reply(
        "GET",
        "/v1/executors",
        200,
        json("{'executors':["
                + "{'executor_id':{'value':'web'},'allocated_ports':'[31000-31001]','tasks':["
                + "{'task_id':{'value':'web-1'},'state':'TASK_RUNNING','pid':4242,"
                + "'listening_ports':'[31000-31000]'},"
                + "{'task_id':{'value':'web-2'},'state':'TASK_FAILED','pid':null,"
                + "'listening_ports':null}]},"
                + "{'executor_id':'idle','allocated_ports':'','tasks':[]}]}")
            .toString());

    Run run = run("ps", url);

    assertEquals(
        new Run(
            0,
            "EXECUTOR  TASK   STATE         PID   ALLOCATED      LISTENING\n"
                + "web       web-1  TASK_RUNNING  4242  [31000-31001]  [31000-31000]\n"
                + "web       web-2  TASK_FAILED   -     [31000-31001]  -\n"
                + "idle      -      -             -     -              -\n",
            ""),
        run);
    assertEquals("GET /v1/executors", agent.only().line());
  }

  @Test
  void psWithJsonPrintsTheAnswerAsItIs() {
    String answer = "{\"executors\":[{\"executor_id\":{\"value\":\"web\"},\"tasks\":[]}]}";
    agent.reply("GET", "/v1/executors", 200, answer);

    assertEquals(new Run(0, answer + "\n", ""), run("ps", url, "--json"));
  }

  @Test
  void psRefusesAnAnswerWithoutExecutors() {
    agent.reply("GET", "/v1/executors", 200, "{\"tasks\":[]}");

    Run run = run("ps", url);

    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("portcullis ps: the agent's answer holds no list"), run.err());
  }

  // the agent's errors, and no agent

  @Test
  void anErrorAnswerIsStatus1WithTheMessageAndTheField() {
    agent.reply(
        "POST",
        "/v1/executors",
        400,
        "{\"error\":\"must be a non-empty array of strings\",\"field\":\"tasks[0].command\"}");

    Run run = run("launch", url, "--", "x");

    assertEquals(
        new Run(
            1,
            "",
            "portcullis launch: must be a non-empty array of strings (field tasks[0].command)\n"),
        run);
  }

  @Test
  void anErrorWithoutFieldIsJustTheMessage() {
    agent.reply("DELETE", "/v1/executors/gone", 404, "{\"error\":\"no executor 'gone'\"}");

    assertEquals(
        new Run(1, "", "portcullis kill: no executor 'gone'\n"),
        run("kill", url, "--executor_id=gone"));
  }

  @Test
  void anErrorThatIsNotJsonShowsTheStatusAndTheBody() {
    agent.reply("GET", "/v1/executors", 502, "Bad Gateway\n");

    assertEquals(
        new Run(1, "", "portcullis ps: the agent answered HTTP 502: Bad Gateway\n"),
        run("ps", url));
  }

  static Stream<List<String>> everyCommand() {
    return Stream.of(
        List.of("launch", "--", "sleep", "1"),
        List.of("update", "--executor_id=e1", "--resources=cpus:1"),
        List.of("kill", "--executor_id=e1"),
        List.of("ps"),
        List.of("events"));
  }

  @ParameterizedTest
  @MethodSource("everyCommand")
  void anAgentThatCannotBeReachedIsStatus2(List<String> command) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String agentUrl = "http://127.0.0.1:" + closedPort;

    Run run = run(withAgent(command, "--agent=" + agentUrl));

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertEquals(
        command.get(0) + ": cannot reach the agent at " + agentUrl + ": Connection refused\n",
        run.err());
    assertEquals("", run.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1:5051",
        "127.0.0.1:5051",
        "http://127.0.0.1",
        "http://127.0.0.1:0",
        "http://127.0.0.1:70000",
        "http://127.0.0.1:5051/v1",
        "http://127.0.0.1:5051?x=1",
        "http://user@127.0.0.1:5051",
        "http://bad host:5051"
      })
  void anAgentUrlThatIsNotHttpHostPortIsAFlagError(String agentUrl) {
    Run run = run("ps", "--agent=" + agentUrl);

    assertEquals(StartupException.EXIT_STATUS, run.status());
    assertTrue(
        run.err().startsWith("ps: Invalid flag --agent=" + agentUrl + ": must be http://HOST:PORT"),
        run.err());
  }

  @Test
  void theDefaultAgentIsTheLocalPort5051AndATrailingSlashIsFine() {
    AgentEndpoint endpoint = new AgentEndpoint();
    endpoint.url = AgentEndpoint.DEFAULT_URL;
    endpoint.client();

    agent.reply("GET", "/v1/executors", 200, "{\"executors\":[]}");
    assertEquals(0, run("ps", url + "/").status());
    assertEquals("GET /v1/executors", agent.only().line());
  }

  // events

  @Test
  void eventsPrintsEachLineAsItArrivesUntilTheAgentEndsTheStream() {
    String first = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"TASK_STARTING\"}";
    String second = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"TASK_RUNNING\"}";
    AtomicBoolean printedBeforeTheEnd = new AtomicBoolean();
    agent.handle(
        "GET",
        "/v1/events",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          OutputStream body = exchange.getResponseBody();
          send(body, first + "\n\n");
          printedBeforeTheEnd.set(awaitOutput(first + "\n"));
          send(body, second + "\n");
          body.close();
        });

    Run run = run("events", url);

    assertEquals(new Run(0, first + "\n" + second + "\n", ""), run);
    assertTrue(printedBeforeTheEnd.get(), "the first event was not printed before the second");
    assertEquals("GET /v1/events", agent.only().line());
  }

  @Test
  void eventsForOneExecutorPrintsOnlyItsLines() {
    String mine = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"TASK_RUNNING\"}";
    String other = "{\"executor_id\":{\"value\":\"e2\"},\"state\":\"TASK_RUNNING\"}";
    String noExecutor = "{\"agent\":\"started\"}";
    agent.reply(
        "GET",
        "/v1/events",
        200,
        String.join("\n", mine, other, noExecutor, "not json", "", mine) + "\n");

    assertEquals(new Run(0, mine + "\n" + mine + "\n", ""), run("events", url, "--executor_id=e1"));
  }

  @Test
  void aStreamThatEndsWithAnErrorIsStatus1() {
    String event = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"TASK_RUNNING\"}";
    agent.reply("GET", "/v1/events", 200, event + "\n{\"error\":\"the agent is shutting down\"}\n");

    assertEquals(
        new Run(1, event + "\n", "portcullis events: the agent is shutting down\n"),
        run("events", url));
  }

  @Test
  void anErrorLineFollowedByEventsDoesNotEndTheStream() {
    String event = "{\"executor_id\":{\"value\":\"e1\"},\"state\":\"TASK_RUNNING\"}";
    agent.reply("GET", "/v1/events", 200, "{\"error\":\"slow reader\"}\n" + event + "\n");

    assertEquals(new Run(0, event + "\n", "portcullis events: slow reader\n"), run("events", url));
  }

  @Test
  void eventsRefusedByTheAgentIsStatus1() {
    agent.reply("GET", "/v1/events", 503, "{\"error\":\"too many subscribers\"}");

    assertEquals(new Run(1, "", "portcullis events: too many subscribers\n"), run("events", url));
  }

  // The harness.

  /** What one run printed, and its exit status. */
  record Run(int status, String out, String err) {}

  /** One request as the fake agent received it. */
  record Request(String method, String path, String contentType, String body) {
    String line() {
      return method + " " + path;
    }

    JsonNode json() throws IOException {
      return AgentClient.JSON.readTree(body);
    }
  }

  /** Answers one exchange. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** An agent on the loopback that records each request and answers as told, else with 404. */
  static final class FakeAgent implements AutoCloseable {
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpServer server;

    FakeAgent() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::answer);
      server.setExecutor(threads);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void reply(String method, String path, int status, String body) {
      handle(
          method,
          path,
          exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          });
    }

    void handle(String method, String path, Handler handler) {
      handlers.put(method + " " + path, handler);
    }

    /** The one request received. */
    Request only() {
      assertEquals(1, requests.size(), requests.toString());
      return requests.get(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      requests.add(request);
      Handler handler = handlers.get(request.line());
      if (handler == null) {
        byte[] body = "{\"error\":\"no such route\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      } else {
        handler.handle(exchange);
      }
      exchange.close();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /**
   * Runs {@code portcullis ARGS} as {@code main} would, capturing what it prints: picocli's writers
   * wrap {@code System.out} and {@code System.err} as they are when first used.
   */
  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    stdout = out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int status = Main.execute(args);
      return new Run(
          status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  private Run run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  /** Waits up to ten seconds for the command to have printed {@code expected}. */
  private boolean awaitOutput(String expected) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (stdout.toString(StandardCharsets.UTF_8).equals(expected)) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static void send(OutputStream body, String text) throws IOException {
    body.write(text.getBytes(StandardCharsets.UTF_8));
    body.flush();
  }

  /** The command with {@code --agent} after its name. */
  private static List<String> withAgent(List<String> command, String agentFlag) {
    List<String> args = new ArrayList<>(command);
    args.add(1, agentFlag);
    return args;
  }

  /** JSON written with single quotes, for legibility. */
  private static JsonNode json(String singleQuoted) {
    try {
      return AgentClient.JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Path write(Path dir, String singleQuotedJson) throws IOException {
    return Files.writeString(dir.resolve("group.json"), singleQuotedJson.replace('\'', '"'));
  }
}
