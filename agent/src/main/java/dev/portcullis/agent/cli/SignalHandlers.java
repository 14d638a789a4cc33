package dev.portcullis.agent.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Handlers for SIGTERM and SIGINT, so that {@code run} reports its task killed and the daemon stops
 * cleanly, with their own exit status, rather than the JVM ending at once.
 *
 * <p>The JDK has no public API for this: {@code jdk.unsupported} exports {@code sun.misc.Signal}
 * for exactly this use. It is reached reflectively because javac, compiling with {@code --release},
 * warns at every direct reference to it without any way to suppress the warning, and the build
 * treats warnings as errors.
 */
public final class SignalHandlers {

  private SignalHandlers() {}

  /**
   * Handles the signal named (such as {@code TERM}) by calling {@code handler} with that name, on a
   * thread of the JVM's.
   *
   * @throws IllegalArgumentException if the signal cannot be handled here (for example under {@code
   *     -Xrs}, or on a JDK without {@code sun.misc.Signal})
   */
  public static void handle(String name, Consumer<String> handler) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method getName = signalType.getMethod("getName");
      Object proxy =
          Proxy.newProxyInstance(
              SignalHandlers.class.getClassLoader(),
              new Class<?>[] {handlerType},
              (self, method, args) -> {
                if (method.getName().equals("handle") && args != null && args.length == 1) {
                  handler.accept((String) getName.invoke(args[0]));
                  return null;
                }
                // Object's own methods, which a proxy must answer too.
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(self);
                  case "equals" -> self == args[0];
                  default -> "signal handler for SIG" + name;
                };
              });
      Object signal = signalType.getConstructor(String.class).newInstance(name);
      signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, proxy);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException refused) {
        throw refused;
      }
      throw new IllegalArgumentException(String.valueOf(e.getCause()), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException("sun.misc.Signal is not available: " + e, e);
    }
  }
}
