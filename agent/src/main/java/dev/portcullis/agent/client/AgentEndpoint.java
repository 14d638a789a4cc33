package dev.portcullis.agent.client;

import dev.portcullis.core.config.FlagException;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/**
 * {@code --agent=URL}: where the daemon started by {@code portcullis agent} listens, shared by
 * every command that drives it ({@code launch}, {@code update}, {@code kill}, {@code ps}, {@code
 * events}).
 */
final class AgentEndpoint {

  /** The daemon's address when {@code --agent} is not given. */
  static final String DEFAULT_URL = "http://127.0.0.1:5051";

  private static final String AGENT = "agent";

  @Option(
      names = "--" + AGENT,
      paramLabel = "URL",
      defaultValue = DEFAULT_URL,
      description = "The agent's address, as http://HOST:PORT. Default: ${DEFAULT-VALUE}.")
  String url;

  /**
   * A client for the agent at {@code --agent}.
   *
   * @throws FlagException if {@code --agent} is not an {@code http://HOST:PORT} URL
   */
  AgentClient client() {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw invalid(e);
    }
    boolean bare =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
    if (!"http".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || uri.getUserInfo() != null
        || uri.getPort() < 1
        || uri.getPort() > 65535
        || !bare
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(null);
    }
    // Only the authority is kept, so that every request path can simply be appended.
    return new AgentClient(URI.create("http://" + uri.getRawAuthority()));
  }

  private FlagException invalid(Throwable cause) {
    return FlagException.invalidValue(
        AGENT,
        url,
        "must be http://HOST:PORT with nothing after the port, such as " + DEFAULT_URL,
        cause);
  }
}
