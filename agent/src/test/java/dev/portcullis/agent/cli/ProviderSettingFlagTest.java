package dev.portcullis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.config.FlagException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --provider_setting=NAME=VALUE} on its way into the providers' settings. */
class ProviderSettingFlagTest {

  private static ProviderSettings settings(String... flags) {
    return FlagsCommand.settings(flags).config().providerSettings();
  }

  @Test
  void eachSettingReachesTheProvidersAsGiven() {
    ProviderSettings settings =
        settings(
            "--provider_setting=example_pattern=web-.*",
            "--provider_setting=example_query=a=b",
            "--provider_setting=example_empty=");

    assertEquals(Optional.of("web-.*"), settings.get("example_pattern"));
    assertEquals(Optional.of("a=b"), settings.get("example_query"));
    assertEquals(Optional.of(""), settings.get("example_empty"));
    // The agent's own settings are still there.
    assertEquals(Optional.of("portcullis"), settings.get("cgroups_root"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "example | has no '='",
        "=value | has no NAME before '='",
        "--example=1 | without leading dashes",
        "a b=1 | whitespace"
      })
  void aMalformedSettingIsAFlagError(String value, String problem) {
    CommandLine.ParameterException failure =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> FlagsCommand.settings("--provider_setting=" + value));

    assertTrue(failure.getMessage().contains("--provider_setting"), failure.getMessage());
    assertTrue(failure.getMessage().contains(problem), failure.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cgroups_root",
        "container_ports_policy",
        "enforce_container_ports",
        "modules_dir"
      })
  void aSettingNamedAsOneOfTheAgentsFlagsIsRefused(String name) {
    FlagException failure =
        assertThrows(FlagException.class, () -> settings("--provider_setting=" + name + "=x"));

    assertEquals(
        "Invalid flag --provider_setting="
            + name
            + "=x: "
            + name
            + " is a flag of the agent's (--"
            + name
            + "): give it as that flag, or name the setting otherwise",
        failure.getMessage());
  }

  @Test
  void aSettingGivenTwiceIsRefused() {
    FlagException failure =
        assertThrows(
            FlagException.class,
            () -> settings("--provider_setting=example=1", "--provider_setting=example=2"));

    assertEquals(
        "Invalid flag --provider_setting=example=2: example is already set by"
            + " --provider_setting=example=1; give each setting once",
        failure.getMessage());
  }
}
