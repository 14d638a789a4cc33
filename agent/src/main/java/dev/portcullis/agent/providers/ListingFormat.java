package dev.portcullis.agent.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.cli.TextTable;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** How {@code portcullis providers} prints its listing: a table for people, JSON for scripts. */
enum ListingFormat {

  /**
   * One line per provider under a header, {@code -} for nothing, then one line per kind saying what
   * would be selected:
   *
   * <pre>
   * KIND                NAME      ORDER  STATUS     SELECTED  MODULE               JAR              CLASS            CAUSE
   * enforcement policy  mesos     0      available  -         dev.portcullis.core  built-in         c.p.MesosPolicy  -
   * enforcement policy  tolerant  100    available  yes       com.example.ports    /ext/policy.jar  c.e.p.Tolerant   -
   *
   * enforcement policy: tolerant, as named
   * port guard: none (--container_ports_guard=none)
   * </pre>
   *
   * <p>A first line {@code Extension modules: DIR} says where the extensions came from, when they
   * did.
   */
  TABLE {
    @Override
    String format(ProviderListing listing) {
      StringBuilder text = new StringBuilder();
      listing
          .modulesDir()
          .ifPresent(dir -> text.append("Extension modules: ").append(dir).append("\n\n"));
      TextTable table = new TextTable(HEADER);
      for (KindListing kind : listing.kinds()) {
        for (ListedProvider provider : kind.providers()) {
          table.add(
              kind.kind().label(),
              provider.name().orElse(NONE),
              provider.order().isPresent() ? Integer.toString(provider.order().getAsInt()) : NONE,
              provider.status().toString(),
              provider.selected() ? "yes" : NONE,
              provider.origin().module().orElse(NONE),
              jar(provider),
              provider.className(),
              provider.cause().orElse(NONE));
        }
      }
      text.append(table).append('\n');
      for (KindListing kind : listing.kinds()) {
        text.append(kind.kind().label()).append(": ").append(selection(kind)).append('\n');
      }
      return text.toString();
    }

    private String jar(ListedProvider provider) {
      if (provider.origin().builtIn()) {
        return BUILT_IN;
      }
      return provider.origin().jar().map(Path::toString).orElse(NONE);
    }

    private String selection(KindListing kind) {
      if (kind.selected().isPresent()) {
        return kind.selected().get()
            + (kind.wanted().isPresent() ? ", as named" : ", the best available");
      }
      if (!kind.needed()) {
        String none = "none (--" + kind.kind().flag() + "=" + IsolatorConfig.NO_GUARD + ")";
        return kind.error().map(error -> none + "; " + error).orElse(none);
      }
      return "cannot be selected: " + kind.error().orElseThrow();
    }
  },

  /**
   * One JSON document: {@code modules_dir} (null without one), {@code startable}, and {@code
   * kinds}, one object per kind with {@code kind}, {@code spi}, {@code flag}, {@code wanted},
   * {@code needed}, {@code selected}, {@code error} and {@code providers}, each provider with
   * {@code name}, {@code class}, {@code module}, {@code jar} (null for a built-in), {@code
   * built_in}, {@code order}, {@code status} ({@code available}, {@code unavailable} or {@code
   * failed_to_load}), {@code cause} and {@code selected}. What is unknown or absent is null.
   */
  JSON {
    @Override
    String format(ProviderListing listing) {
      ObjectNode document = MAPPER.createObjectNode();
      document.put("modules_dir", listing.modulesDir().map(Path::toString).orElse(null));
      document.put("startable", listing.startable());
      ArrayNode kinds = document.putArray("kinds");
      for (KindListing kind : listing.kinds()) {
        ObjectNode node = kinds.addObject();
        node.put("kind", kind.kind().label());
        node.put("spi", kind.kind().type().getName());
        node.put("flag", kind.kind().flag());
        node.put("wanted", kind.wanted().orElse(null));
        node.put("needed", kind.needed());
        node.put("selected", kind.selected().orElse(null));
        node.put("error", kind.error().orElse(null));
        ArrayNode providers = node.putArray("providers");
        for (ListedProvider provider : kind.providers()) {
          ObjectNode entry = providers.addObject();
          entry.put("name", provider.name().orElse(null));
          entry.put("class", provider.className());
          entry.put("module", provider.origin().module().orElse(null));
          entry.put("jar", provider.origin().jar().map(Path::toString).orElse(null));
          entry.put("built_in", provider.origin().builtIn());
          if (provider.order().isPresent()) {
            entry.put("order", provider.order().getAsInt());
          } else {
            entry.putNull("order");
          }
          entry.put("status", provider.status().name().toLowerCase(Locale.ROOT));
          entry.put("cause", provider.cause().orElse(null));
          entry.put("selected", provider.selected());
        }
      }
      try {
        return MAPPER.writeValueAsString(document) + "\n";
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e); // a tree of strings, numbers and booleans serializes
      }
    }
  };

  private static final String[] HEADER = {
    "KIND", "NAME", "ORDER", "STATUS", "SELECTED", "MODULE", "JAR", "CLASS", "CAUSE"
  };
  private static final String NONE = "-";
  private static final String BUILT_IN = "built-in";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The listing as this format prints it, ending with a line break. */
  abstract String format(ProviderListing listing);

  /** {@code table} or {@code json}, as given to {@code --format}. */
  String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format a {@code --format} value names. */
  static ListingFormat ofFlag(String value) {
    for (ListingFormat format : values()) {
      if (format.flagValue().equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException("expected table or json, not '" + value + "'");
  }
}
