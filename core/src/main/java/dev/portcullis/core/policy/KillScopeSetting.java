package dev.portcullis.core.policy;

import dev.portcullis.api.KillScope;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Stability;
import dev.portcullis.core.config.FlagException;
import java.util.Locale;

/**
 * The setting {@value #NAME} of the built-in policies: what their kill verdicts kill, {@code root}
 * (the default, as Mesos does) or {@code offender}. Read and checked here only: by each built-in
 * policy when it is initialized, and by a host that checks its flags before selecting a policy.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class KillScopeSetting {

  /** The setting's name, and the agent's flag. */
  public static final String NAME = "container_ports_kill";

  /** The scope when the setting is absent. */
  public static final KillScope DEFAULT = KillScope.ROOT;

  private KillScopeSetting() {}

  /**
   * Reads a value of the setting: {@code root} or {@code offender}, in any case, with surrounding
   * whitespace ignored.
   *
   * @param value the setting's value as given
   * @return the scope it names
   * @throws FlagException naming the setting and quoting the value when it is neither
   */
  public static KillScope parse(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "root" -> KillScope.ROOT;
      case "offender" -> KillScope.OFFENDER;
      default ->
          throw FlagException.invalidValue(
              NAME,
              value,
              "must be 'root' (kill the executor's whole tree) or 'offender' (kill only the"
                  + " container listening)");
    };
  }

  /**
   * {@return the scope the settings give, or {@link #DEFAULT}}
   *
   * @param settings a provider's settings
   * @throws FlagException if the setting is given and is not a scope
   */
  public static KillScope from(ProviderSettings settings) {
    return settings.get(NAME).map(KillScopeSetting::parse).orElse(DEFAULT);
  }
}
