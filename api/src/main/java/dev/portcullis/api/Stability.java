package dev.portcullis.api;

import static java.lang.annotation.ElementType.CONSTRUCTOR;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * How far a public type, or a member of one, may change from one release to the next: what a
 * caller, a provider or an embedder can build on.
 *
 * <p>Every public type of {@code dev.portcullis.api} and of the packages {@code
 * dev.portcullis.core} exports carries one. A member may carry one of its own only to be less
 * stable than its type, for example an {@link Level#EXPERIMENTAL} method added to a {@link
 * Level#STABLE} interface; a member without one is as stable as its type. The marker is kept at run
 * time, so that tools and tests can read it, and costs nothing else: it is in {@code api} because
 * {@code api} depends on nothing.
 *
 * @since 0.2
 */
@Documented
@Retention(RUNTIME)
@Target({TYPE, METHOD, CONSTRUCTOR, FIELD})
@Stability(Stability.Level.EXPERIMENTAL)
public @interface Stability {

  /** {@return how far the marked type or member may change} */
  Level value();

  /**
   * The promises a marker makes, from the firmest to none.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  enum Level {
    /**
     * Will not change incompatibly within a major version: what compiles and runs against it in one
     * release still does in every later release of the same major version. It may gain members, and
     * an interface's new methods have defaults. A change that breaks it waits for the next major
     * version, after a release in which it is deprecated.
     */
    STABLE,
    /**
     * New, and may change incompatibly, or go, in any release, minor and patch releases included.
     * Use it, and say what works and what does not: it becomes {@link #STABLE} once it has been
     * used enough to settle.
     */
    EXPERIMENTAL,
    /**
     * Public only so that the project's own modules (or code an annotation processor generates) can
     * reach it. It promises nothing and may change or go in any release: do not use it.
     */
    INTERNAL
  }
}
