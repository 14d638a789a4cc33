package dev.portcullis.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The value of one agent resource, in one of the three kinds that Mesos accepts for {@code
 * --resources}. Values of the same kind merge the way Mesos adds resources: scalars sum, ranges and
 * sets unite. Each value's {@code toString()} prints the Mesos text form.
 */
sealed interface ResourceValue
    permits ResourceValue.Scalar, ResourceValue.Ranges, ResourceValue.Items {

  /** The Mesos type name: {@code SCALAR}, {@code RANGES} or {@code SET}. */
  String type();

  /**
   * This value merged with another of the same kind.
   *
   * @throws IllegalArgumentException if {@code other} is of another kind
   */
  ResourceValue plus(ResourceValue other);

  /** An amount such as {@code cpus:1.5}; never negative. */
  record Scalar(BigDecimal amount) implements ResourceValue {

    public Scalar {
      Objects.requireNonNull(amount, "amount");
      if (amount.signum() < 0) {
        throw new IllegalArgumentException("the amount " + amount + " is negative");
      }
      // Scale is not part of the value: 1 and 1.0 are the same amount of a resource.
      amount = amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
    }

    @Override
    public String type() {
      return "SCALAR";
    }

    @Override
    public ResourceValue plus(ResourceValue other) {
      return new Scalar(amount.add(((Scalar) sameKind(this, other)).amount));
    }

    @Override
    public String toString() {
      return amount.toPlainString();
    }
  }

  /**
   * Closed intervals of unsigned 64-bit integers, sorted and merged, as in {@code [31000-31005,
   * 31010-31010]}.
   */
  record Ranges(List<Span> spans) implements ResourceValue {

    /** The largest bound Mesos can hold: 2^64 - 1. */
    static final BigInteger MAX_BOUND = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    public Ranges {
      spans = merge(spans);
    }

    /** The union of the given spans, in any order. */
    static Ranges of(Collection<Span> spans) {
      return new Ranges(List.copyOf(spans));
    }

    /**
     * Parses the Mesos range grammar, as {@link dev.portcullis.api.PortRanges#parse} does, but with
     * bounds up to 2^64 - 1.
     *
     * @throws IllegalArgumentException whose message says what is wrong, without quoting {@code
     *     text}
     */
    static Ranges parse(String text) {
      String compact = text.replaceAll("\\s+", "");
      if (!compact.startsWith("[") || !compact.endsWith("]")) {
        throw new IllegalArgumentException("a range list must be enclosed in '[' and ']'");
      }
      List<String> tokens = new ArrayList<>();
      for (String token : compact.split("[\\[\\]\\-,]", -1)) {
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
      if (tokens.size() % 2 != 0) {
        throw new IllegalArgumentException(
            "expected begin-end pairs but found "
                + tokens.size()
                + " bound(s); write a single value v as v-v");
      }
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < tokens.size(); i += 2) {
        spans.add(
            Span.checked(parseBound(tokens.get(i)), parseBound(tokens.get(i + 1)), tokens, i));
      }
      return new Ranges(spans);
    }

    private static BigInteger parseBound(String token) {
      boolean hex = token.startsWith("0x") || token.startsWith("0X");
      String digits = hex ? token.substring(2) : token;
      int radix = hex ? 16 : 10;
      if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
        throw new IllegalArgumentException("'" + token + "' is not a whole number");
      }
      BigInteger bound = new BigInteger(digits, radix);
      if (bound.compareTo(MAX_BOUND) > 0) {
        throw new IllegalArgumentException(
            "bound " + token + " does not fit in 64 bits; the largest is " + MAX_BOUND);
      }
      return bound;
    }

    private static List<Span> merge(List<Span> spans) {
      List<Span> sorted = new ArrayList<>(spans);
      sorted.sort(Comparator.comparing(Span::begin));
      List<Span> merged = new ArrayList<>();
      for (Span span : sorted) {
        Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && span.begin().compareTo(last.end().add(BigInteger.ONE)) <= 0) {
          merged.set(merged.size() - 1, new Span(last.begin(), last.end().max(span.end())));
        } else {
          merged.add(span);
        }
      }
      return List.copyOf(merged);
    }

    @Override
    public String type() {
      return "RANGES";
    }

    @Override
    public ResourceValue plus(ResourceValue other) {
      List<Span> both = new ArrayList<>(spans);
      both.addAll(((Ranges) sameKind(this, other)).spans);
      return new Ranges(both);
    }

    @Override
    public String toString() {
      return spans.stream().map(Span::toString).collect(Collectors.joining(", ", "[", "]"));
    }
  }

  /** One closed interval, {@code 0 <= begin <= end <= 2^64 - 1}. */
  record Span(BigInteger begin, BigInteger end) {

    public Span {
      Objects.requireNonNull(begin, "begin");
      Objects.requireNonNull(end, "end");
      if (begin.signum() < 0 || end.compareTo(Ranges.MAX_BOUND) > 0) {
        throw new IllegalArgumentException(
            "range " + begin + "-" + end + " is outside 0 to " + Ranges.MAX_BOUND);
      }
      if (begin.compareTo(end) > 0) {
        throw new IllegalArgumentException("range " + begin + "-" + end + " has begin > end");
      }
    }

    /** The span {@code [begin, end]}. */
    static Span of(long begin, long end) {
      return new Span(BigInteger.valueOf(begin), BigInteger.valueOf(end));
    }

    /** The span from tokens {@code i} and {@code i + 1}, reported as written when invalid. */
    private static Span checked(BigInteger begin, BigInteger end, List<String> tokens, int i) {
      if (begin.compareTo(end) > 0) {
        throw new IllegalArgumentException(
            "range " + tokens.get(i) + "-" + tokens.get(i + 1) + " has begin > end");
      }
      return new Span(begin, end);
    }

    @Override
    public String toString() {
      return begin + "-" + end;
    }
  }

  /** A set of names such as {@code {a,b,c}}, sorted, without duplicates. */
  record Items(List<String> items) implements ResourceValue {

    public Items {
      for (String item : items) {
        checkItem(item);
      }
      items = List.copyOf(new TreeSet<>(items));
    }

    /** Items must survive a round trip through the text form {@code {a,b}}. */
    private static void checkItem(String item) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("a set item is empty");
      }
      if (!item.strip().equals(item) || item.chars().anyMatch(c -> "{},;".indexOf(c) >= 0)) {
        throw new IllegalArgumentException(
            "set item '" + item + "' must not contain '{', '}', ',', ';' or surrounding spaces");
      }
    }

    @Override
    public String type() {
      return "SET";
    }

    @Override
    public ResourceValue plus(ResourceValue other) {
      List<String> both = new ArrayList<>(items);
      both.addAll(((Items) sameKind(this, other)).items);
      return new Items(both);
    }

    @Override
    public String toString() {
      return items.stream().collect(Collectors.joining(",", "{", "}"));
    }
  }

  private static ResourceValue sameKind(ResourceValue self, ResourceValue other) {
    if (self.getClass() != other.getClass()) {
      throw new IllegalArgumentException(
          "cannot add a " + other.type() + " value to a " + self.type() + " value");
    }
    return other;
  }
}
