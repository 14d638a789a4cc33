package dev.portcullis.testkit;

import dev.portcullis.api.Provider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A jar compiled at run time from Java sources held as text, for tests of a host that loads
 * provider modules from a directory ({@code bin/portcullis --modules_dir}): a module jar when the
 * sources include a {@code module-info.java}, a plain jar otherwise.
 *
 * <pre>{@code
 * Path jar =
 *     ModuleJar.builder()
 *         .source("module-info.java", "module example.policy { requires dev.portcullis.api; ... }")
 *         .source("example/policy/ExamplePolicy.java", "package example.policy; ...")
 *         .write(dir.resolve("example-policy.jar"));
 * }</pre>
 *
 * <p>The sources are compiled with the JDK's {@code javac} against {@code dev.portcullis.api} (on
 * the module path, or the class path for a plain jar) and the jars given to {@link
 * #against(Path...)}. A compilation error fails with javac's messages. Not thread-safe.
 */
public final class ModuleJar {

  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<Path> dependencies = new ArrayList<>();

  private ModuleJar() {}

  /** {@return a jar with no sources yet, compiled against {@code dev.portcullis.api} alone} */
  public static ModuleJar builder() {
    return new ModuleJar();
  }

  /**
   * Adds a source file.
   *
   * @param path relative to the source root, such as {@code example/policy/ExamplePolicy.java} or
   *     {@code module-info.java}
   * @param text the file's Java source; it replaces any text given before for the same path
   * @return this jar, for chaining
   */
  public ModuleJar source(String path, String text) {
    sources.put(path, text);
    return this;
  }

  /**
   * Compiles against these jars too, such as a module the sources {@code require}.
   *
   * @param jars jars or class directories, added to the module path for a module jar and to the
   *     class path for a plain one; they are not packed into the jar
   * @return this jar, for chaining
   */
  public ModuleJar against(Path... jars) {
    dependencies.addAll(List.of(jars));
    return this;
  }

  /**
   * Compiles the sources and writes the classes to {@code jar}, replacing any file there.
   *
   * @param jar the file to write; its directory must exist
   * @return {@code jar}
   * @throws IllegalStateException with javac's messages if the sources do not compile
   * @throws UncheckedIOException if a file cannot be written
   */
  public Path write(Path jar) {
    Path work = null;
    try {
      work = Files.createTempDirectory("portcullis-module-jar");
      Path sourceRoot = Files.createDirectories(work.resolve("src"));
      Path classes = Files.createDirectories(work.resolve("classes"));
      List<String> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = sourceRoot.resolve(source.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        files.add(file.toString());
      }
      compile(files, classes);
      pack(classes, jar);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (work != null) {
        delete(work);
      }
    }
  }

  private void compile(List<String> files, Path classes) {
    boolean module = sources.containsKey("module-info.java");
    List<String> args = new ArrayList<>();
    args.addAll(List.of("-proc:none", "-nowarn", "-d", classes.toString()));
    args.add(module ? "--module-path" : "--class-path");
    args.add(
        Stream.concat(Stream.of(apiLocation()), dependencies.stream())
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    args.addAll(files);
    ByteArrayOutputStream messages = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(messages, true, StandardCharsets.UTF_8);
    ToolProvider javac =
        ToolProvider.findFirst("javac")
            .orElseThrow(() -> new IllegalStateException("This JVM has no javac: run on a JDK"));
    if (javac.run(out, out, args.toArray(String[]::new)) != 0) {
      throw new IllegalStateException(
          "javac failed:\n" + messages.toString(StandardCharsets.UTF_8));
    }
  }

  /** Where {@code dev.portcullis.api} was loaded from: its jar, or its classes directory. */
  private static Path apiLocation() {
    try {
      return Path.of(Provider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot tell where dev.portcullis.api was loaded from", e);
    }
  }

  private static void pack(Path classes, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Path entry : files) {
        out.putNextEntry(new JarEntry(classes.relativize(entry).toString().replace('\\', '/')));
        Files.copy(entry, out);
        out.closeEntry();
      }
    }
  }

  private static void delete(Path tree) {
    try (Stream<Path> walk = Files.walk(tree)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + tree, e);
    }
  }
}
