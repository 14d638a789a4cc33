package dev.portcullis.agent.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.cli.StartupException;
import dev.portcullis.core.config.FlagException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A small HTTP client for the agent's API: one request, one {@link AgentReply}. A connection that
 * cannot be made, or is lost, is a {@link StartupException} (exit status 2), since the agent never
 * answered.
 */
final class AgentClient {

  /** Reads the agent's answers and writes the requests' bodies. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final String JSON_TYPE = "application/json";

  /** The agent is local, or near: a connection that takes longer will not be made. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final HttpClient http;

  /** A client for the agent at {@code base}, {@code http://HOST:PORT} without path. */
  AgentClient(URI base) {
    this.base = base;
    // HTTP/1.1 spares every request the h2c upgrade, which the agent does not offer.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  AgentReply get(String path) throws InterruptedException {
    return send(request(path).GET());
  }

  AgentReply post(String path, JsonNode body) throws InterruptedException {
    return send(request(path).POST(json(body)).header("Content-Type", JSON_TYPE));
  }

  AgentReply put(String path, JsonNode body) throws InterruptedException {
    return send(request(path).PUT(json(body)).header("Content-Type", JSON_TYPE));
  }

  AgentReply delete(String path) throws InterruptedException {
    return send(request(path).DELETE());
  }

  /**
   * GETs {@code path} and returns as soon as the headers arrive, with the body as lines read as the
   * agent sends them. Reading them throws {@link java.io.UncheckedIOException} if the connection is
   * lost; {@link #lost} turns its cause into the failure to report.
   */
  HttpResponse<Stream<String>> lines(String path) throws InterruptedException {
    return exchange(request(path).GET().build(), HttpResponse.BodyHandlers.ofLines());
  }

  /** The path of one executor, its id encoded as one path segment. */
  static String executorPath(String executorId) {
    if (executorId.isBlank()) {
      throw FlagException.invalidValue("executor_id", executorId, "must not be blank");
    }
    // URLEncoder encodes for forms; a path wants %20, not +, for a space.
    return "/v1/executors/"
        + URLEncoder.encode(executorId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The JSON in {@code text}, or empty if it is not JSON. */
  static Optional<JsonNode> parse(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The failure to report when the connection could not be made, or broke. */
  StartupException lost(IOException failure) {
    boolean neverConnected =
        failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException;
    String reason = reason(failure);
    if (reason == null && failure instanceof ConnectException) {
      reason = reconnect();
    }
    return new StartupException(
        (neverConnected ? "cannot reach the agent at " : "lost the connection to the agent at ")
            + base
            + ": "
            + (reason == null ? failure.getClass().getSimpleName() : reason),
        failure);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Accept", JSON_TYPE);
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
  }

  private AgentReply send(HttpRequest.Builder request) throws InterruptedException {
    HttpResponse<String> response =
        exchange(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new AgentReply(response.statusCode(), response.body());
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws InterruptedException {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /** The first message in the chain, or null if there is none. */
  private static String reason(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getMessage();
      }
    }
    return null;
  }

  /**
   * Why a plain socket cannot connect to the agent either, such as {@code Connection refused}: JDK
   * 17's client retries a failed connection and loses the reason on the way.
   */
  private String reconnect() {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(base.getHost(), base.getPort()), (int) CONNECT_TIMEOUT.toMillis());
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
