package dev.portcullis.agent.cli;

import dev.portcullis.core.config.FlagException;
import java.util.ArrayList;
import java.util.List;

/** The {@code --task_networks} flag of {@code run} and {@code launch}: CNI network names. */
public final class NetworkNames {

  public static final String FLAG = "task_networks";

  private NetworkNames() {}

  /**
   * The names in a comma-separated list, stripped.
   *
   * @throws FlagException if a name is empty
   */
  public static List<String> parse(String value) {
    List<String> networks = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      if (name.isBlank()) {
        throw FlagException.invalidValue(
            FLAG,
            value,
            "list network names separated by commas, with none empty; omit the flag for the"
                + " host network");
      }
      networks.add(name.strip());
    }
    return networks;
  }
}
