package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real {@code bin/portcullis agent}, started as a user starts it, and a client for its API. It
 * can be stopped cleanly (SIGTERM) or crashed (SIGKILL to the agent's JVM alone, so its tasks,
 * which are its children, live on).
 */
final class DaemonProcess implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration BOUND = Duration.ofSeconds(60);

  private final AgentLauncher.Running running;
  private final String url;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private DaemonProcess(AgentLauncher.Running running, String url) {
    this.running = running;
    this.url = url;
  }

  /** Starts the agent with {@code --port=0} and waits for it to print its address. */
  static DaemonProcess start(List<String> flags) throws InterruptedException {
    List<String> args = new ArrayList<>(List.of("agent", "--port=0"));
    args.addAll(flags);
    AgentLauncher.Running running = AgentLauncher.start(args.toArray(String[]::new));
    try {
      String url = running.lines(1).get(0);
      assertTrue(url.startsWith("http://127.0.0.1:"), "not an address: " + url);
      return new DaemonProcess(running, url);
    } catch (RuntimeException | Error | InterruptedException e) {
      running.close();
      throw e;
    }
  }

  String url() {
    return url;
  }

  /** A reply: its status and its JSON body. */
  record Reply(int status, JsonNode body) {
    Reply expect(int expected) {
      assertTrue(status == expected, "expected HTTP " + expected + ", got " + status + ": " + body);
      return this;
    }

    /** A refusal: {@code status}, an error message, and {@code field} named, or none if null. */
    void assertRefused(int expected, String field) {
      expect(expected);
      assertTrue(body.path("error").isTextual(), this::toString);
      if (field == null) {
        assertTrue(!body.has("field"), this::toString);
      } else {
        assertTrue(field.equals(body.path("field").asText()), "field " + field + ": " + this);
      }
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  Reply post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply put(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).DELETE());
  }

  /** Sends any method, for the tests of refused ones. */
  Reply method(String method, String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The metrics, as text. */
  String metrics() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(response.statusCode() == 200, "GET /metrics: " + response.statusCode());
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
          "metrics content type: " + response.headers());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.timeout(BOUND).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One executor's view. */
  JsonNode executor(String executorId) {
    return get("/v1/executors/" + executorId).expect(200).body();
  }

  /** Polls the executor's view until {@code condition} holds; fails after {@link #BOUND}. */
  JsonNode awaitExecutor(String executorId, String what, Predicate<JsonNode> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    JsonNode view = executor(executorId);
    while (!condition.test(view)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("executor " + executorId + " never " + what + ": " + view);
      }
      Thread.sleep(100);
      view = executor(executorId);
    }
    return view;
  }

  /** The task of that id in an executor's view. */
  static JsonNode task(JsonNode executor, String taskId) {
    for (JsonNode task : executor.path("tasks")) {
      if (task.path("task_id").asText().equals(taskId)) {
        return task;
      }
    }
    throw new AssertionError("no task " + taskId + " in " + executor);
  }

  static Stream<JsonNode> tasks(JsonNode executor) {
    List<JsonNode> tasks = new ArrayList<>();
    executor.path("tasks").forEach(tasks::add);
    return tasks.stream();
  }

  /** Reads {@code /v1/events} from now on, line by line, in the background. */
  Events events() {
    return events("/v1/events");
  }

  /** Reads {@code /v1/events?after=SEQ}: the retained updates after SEQ, then the live ones. */
  Events eventsAfter(long sequence) {
    return events("/v1/events?after=" + sequence);
  }

  private Events events(String path) {
    Events events = new Events();
    http.sendAsync(
            HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
            HttpResponse.BodyHandlers.ofLines())
        .thenAccept(
            response ->
                response
                    .body()
                    .forEach(
                        line -> {
                          try {
                            events.lines.add(Optional.of(JSON.readTree(line)));
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }))
        .whenComplete((done, failure) -> events.lines.add(Optional.empty()));
    return events;
  }

  /** A stream of status updates. */
  static final class Events {
    private final BlockingQueue<Optional<JsonNode>> lines = new LinkedBlockingQueue<>();

    /** The next {@code count} updates; fails if they do not come within the bound. */
    List<JsonNode> next(int count) throws InterruptedException {
      List<JsonNode> read = new ArrayList<>();
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (read.size() < count) {
        Optional<JsonNode> line =
            lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null || line.isEmpty()) {
          throw new AssertionError(
              (line == null ? "timed out" : "the stream ended") + " after " + read);
        }
        read.add(line.get());
      }
      return read;
    }

    /** Every update until the stream ends, as when the agent dies; fails if it does not end. */
    List<JsonNode> untilEnd() throws InterruptedException {
      List<JsonNode> read = new ArrayList<>();
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (true) {
        Optional<JsonNode> line =
            lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("the stream did not end; read " + read);
        }
        if (line.isEmpty()) {
          return read;
        }
        read.add(line.get());
      }
    }

    /** What has come so far, without waiting. */
    List<JsonNode> sofar() {
      List<JsonNode> read = new ArrayList<>();
      for (Optional<JsonNode> line; (line = lines.peek()) != null && line.isPresent(); ) {
        read.add(lines.remove().get());
      }
      return read;
    }
  }

  /**
   * Waits for the agent to die by itself, as when strace kills it.
   *
   * @return whether it died within the bound
   */
  boolean awaitDeath() throws InterruptedException {
    return running.process().waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  /** The pid of the agent's JVM. */
  long pid() {
    return running.pid();
  }

  /** SIGKILL to the agent's JVM only: its tasks live on, reparented. */
  void crash() throws InterruptedException {
    running.process().destroyForcibly();
    assertTrue(running.process().waitFor(30, TimeUnit.SECONDS), "the agent survived SIGKILL");
  }

  /** SIGTERM: the agent stops cleanly and exits 0; its tasks live on. */
  int stop() throws InterruptedException {
    running.process().destroy();
    assertTrue(running.process().waitFor(30, TimeUnit.SECONDS), "the agent ignored SIGTERM");
    return running.process().exitValue();
  }

  /**
   * Kills the agent alone if it still runs; tasks are left to the scratch cgroups' clean-up. An
   * interrupt while it waits for the agent to die ends the wait and is kept for the caller.
   */
  @Override
  public void close() {
    if (running.process().isAlive()) {
      try {
        crash();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
