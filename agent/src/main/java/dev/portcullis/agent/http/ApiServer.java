package dev.portcullis.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.agent.engines.PodmanContainers;
import dev.portcullis.agent.executor.ConflictException;
import dev.portcullis.agent.executor.CoreLoop;
import dev.portcullis.agent.executor.ExecutorCore;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.ExecutorSpec;
import dev.portcullis.agent.executor.LaunchFailedException;
import dev.portcullis.agent.executor.RefusedException;
import dev.portcullis.agent.executor.UnknownExecutorException;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code POST /v1/executors}: launch; {@code GET /v1/executors}: list;
 *   <li>{@code GET|DELETE /v1/executors/ID}: one executor, or kill it;
 *   <li>{@code PUT /v1/executors/ID/resources}: update its allocation;
 *   <li>{@code GET /v1/events}: status updates as JSON lines, each with its sequence number, from
 *       the request on; {@code GET /v1/events?after=SEQ}: every retained update after {@code SEQ}
 *       first;
 *   <li>{@code POST /v1/acknowledgements}: acknowledges every update up to a sequence number;
 *   <li>{@code GET /metrics} (Prometheus text) and {@code GET /health}.
 * </ul>
 *
 * <p>Every error is a JSON object {@code {"error": ..., "field": ...}}, {@code field} naming the
 * request field at fault when there is one.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** A launch request is small; a bigger body is a mistake, refused before it is read whole. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final String EXECUTORS = "/v1/executors";
  private static final String ACKNOWLEDGEMENTS = "/v1/acknowledgements";
  private static final String JSON = "application/json";

  /** The message of the {@code TASK_KILLED} updates of a kill request. */
  private static final String KILL_REQUEST_MESSAGE = "Killed by a kill request to the agent";

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService handlers;
  private final CoreLoop loop;
  private final StatusFeed feed;
  private final StatusStream stream;
  private final AgentMetrics metrics;
  private final TaskUsers users;
  private final Optional<OciRuntime> oci;
  private final PodmanContainers podman = PodmanContainers.ofHost();

  /**
   * Binds the address, without serving yet.
   *
   * @param users resolves the users of launch requests, on the request's thread: a slow directory
   *     service then holds up that request only, never the agent's loop
   * @param oci the OCI runtime that runs tasks naming a container, if the agent has one; such a
   *     task's root filesystem is checked on the request's thread too
   * @throws IOException if the address cannot be bound
   */
  public ApiServer(
      InetSocketAddress address,
      CoreLoop loop,
      StatusFeed feed,
      AgentMetrics metrics,
      TaskUsers users,
      Optional<OciRuntime> oci)
      throws IOException {
    this.loop = loop;
    this.feed = feed;
    this.stream = feed.stream();
    this.metrics = metrics;
    this.users = users;
    this.oci = oci;
    this.server = HttpServer.create(address, 64);
    // A thread per request: event streams hold theirs for as long as the reader stays.
    this.handlers =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "portcullis-api");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public void start() {
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      try {
        route(exchange, method, path);
      } catch (BadRequest e) {
        error(exchange, e.status(), e.getMessage(), e.fieldName(), Optional.empty());
      } catch (ConflictException e) {
        error(exchange, 409, e.getMessage(), e.field(), Optional.empty());
      } catch (RefusedException e) {
        error(exchange, 400, e.getMessage(), e.field(), Optional.empty());
      } catch (UnknownExecutorException e) {
        error(exchange, 404, e.getMessage(), Optional.empty(), Optional.empty());
      } catch (LaunchFailedException e) {
        error(
            exchange,
            500,
            e.getMessage(),
            Optional.empty(),
            Optional.of(Views.executor(e.executor())));
      } catch (IOException e) {
        LOG.debug("The client of {} {} went away: {}", method, path, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, path, e);
        error(
            exchange,
            500,
            "the agent failed: " + e.getMessage(),
            Optional.empty(),
            Optional.empty());
      }
    }
  }

  private void route(HttpExchange exchange, String method, String path) throws IOException {
    if (path.equals(EXECUTORS) || path.equals(EXECUTORS + "/")) {
      if (method.equals("GET")) {
        reply(exchange, 200, Views.executors(loop.call(ExecutorCore::executors)));
      } else if (method.equals("POST")) {
        ExecutorSpec spec = Requests.launch(body(exchange), users, oci, podman);
        reply(exchange, 201, Views.executor(loop.call(core -> core.launch(spec))));
      } else {
        throw notAllowed(exchange, "GET, POST");
      }
    } else if (path.startsWith(EXECUTORS + "/")) {
      List<String> parts = List.of(path.substring(EXECUTORS.length() + 1).split("/", -1));
      String executorId = parts.get(0);
      if (parts.size() == 1) {
        if (method.equals("GET")) {
          reply(exchange, 200, Views.executor(loop.call(core -> core.executor(executorId))));
        } else if (method.equals("DELETE")) {
          reply(
              exchange,
              200,
              Views.executor(loop.call(core -> core.kill(executorId, KILL_REQUEST_MESSAGE))));
        } else {
          throw notAllowed(exchange, "GET, DELETE");
        }
      } else if (parts.size() == 2 && parts.get(1).equals("resources")) {
        if (!method.equals("PUT")) {
          throw notAllowed(exchange, "PUT");
        }
        Requests.Allocation allocation = Requests.update(body(exchange));
        ExecutorRecord updated =
            loop.call(core -> core.update(executorId, allocation.resources(), allocation.ports()));
        reply(exchange, 200, Views.executor(updated));
      } else {
        throw BadRequest.status(404, "no such resource: " + path);
      }
    } else if (path.equals("/v1/events")) {
      if (!method.equals("GET")) {
        throw notAllowed(exchange, "GET");
      }
      OptionalLong after = Requests.after(exchange.getRequestURI().getRawQuery());
      events(exchange, after.isPresent() ? feed.subscribe(after.getAsLong()) : feed.subscribe());
    } else if (path.equals(ACKNOWLEDGEMENTS)) {
      if (!method.equals("POST")) {
        throw notAllowed(exchange, "POST");
      }
      long upTo = Requests.acknowledgement(body(exchange));
      ObjectNode acknowledged = JsonNodeFactory.instance.objectNode();
      acknowledged.put("acknowledged", acknowledgeOrFail(upTo));
      reply(exchange, 200, acknowledged);
    } else if (path.equals("/metrics")) {
      if (!method.equals("GET")) {
        throw notAllowed(exchange, "GET");
      }
      byte[] text =
          metrics
              .render(
                  () ->
                      AgentMetrics.Gauges.of(
                          loop.call(ExecutorCore::census), stream, feed.figures()))
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, text.length);
      exchange.getResponseBody().write(text);
    } else if (path.equals("/health") || path.equals("/v1/health")) {
      if (!method.equals("GET")) {
        throw notAllowed(exchange, "GET");
      }
      reply(exchange, 200, Views.health(loop.call(ExecutorCore::health)));
    } else {
      throw BadRequest.status(404, "no such resource: " + path);
    }
  }

  private long acknowledgeOrFail(long upTo) {
    try {
      return feed.acknowledge(upTo);
    } catch (IOException e) {
      // Answered 500 and logged, with its cause, as any failure of the agent is.
      throw new IllegalStateException(
          "cannot record the acknowledgement: " + e.getMessage() + "; nothing was acknowledged", e);
    }
  }

  /** Streams status updates until the reader goes, falls too far behind, or the agent stops. */
  private void events(HttpExchange exchange, StatusStream.Subscription reader) throws IOException {
    try (StatusStream.Subscription subscription = reader) {
      exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.flush();
      while (!subscription.ended()) {
        Optional<String> line = subscription.next(1_000);
        if (line.isPresent()) {
          out.write((line.get() + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw BadRequest.status(413, "the request body is over " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw BadRequest.body("the request body is empty; it must be a JSON object");
    }
    try {
      return json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw BadRequest.body("the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static BadRequest notAllowed(HttpExchange exchange, String allowed) {
    exchange.getResponseHeaders().set("Allow", allowed);
    return BadRequest.status(
        405, exchange.getRequestMethod() + " is not allowed here; use " + allowed);
  }

  private void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", JSON);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void error(
      HttpExchange exchange,
      int status,
      String message,
      Optional<String> field,
      Optional<ObjectNode> executor) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", message);
    field.ifPresent(name -> body.put("field", name));
    executor.ifPresent(view -> body.set("executor", view));
    try {
      reply(exchange, status, body);
    } catch (IOException e) {
      LOG.debug("Could not send an error to a client that went away: {}", e.getMessage());
    }
  }

  /** Stops serving: open streams end, and requests under way get a second to finish. */
  @Override
  public void close() {
    stream.close();
    server.stop(1);
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
