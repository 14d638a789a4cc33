package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM has no parent, so that importing it brings in no versions but Portcullis's own; these
 * tests keep what it then has to write itself true: the parent's coordinates, and every module the
 * build publishes.
 */
class BomTest {

  private static final Path TOP = Path.of("..").toAbsolutePath().normalize();

  /**
   * Modules that publish no library: tests only, benchmarks (-Pbench only), the BOM itself, and the
   * examples, which are outside projects built here.
   */
  private static final Set<String> UNPUBLISHED = Set.of("integration", "bench", "bom", "examples");

  @Test
  void theBomHasNoParentAndTheParentsGroupIdAndVersion() throws Exception {
    Element parent = read(TOP.resolve("pom.xml"));
    Element bom = read(TOP.resolve("bom/pom.xml"));

    assertTrue(children(bom, "parent").isEmpty(), "the BOM must not inherit dependencyManagement");
    assertEquals(text(parent, "groupId"), text(bom, "groupId"));
    assertEquals(text(parent, "version"), text(bom, "version"), "bump bom/pom.xml with the parent");
    assertEquals("portcullis-bom", text(bom, "artifactId"));
    assertEquals("pom", text(bom, "packaging"));
  }

  @Test
  void theExamplesImportTheBomOfThisVersionAndNothingElseOfPortcullis() throws Exception {
    Element parent = read(TOP.resolve("pom.xml"));
    Element examples = read(TOP.resolve("examples/pom.xml"));
    assertTrue(children(examples, "parent").isEmpty(), "the examples stand alone");
    assertEquals(
        text(parent, "version"),
        text(only(examples, "properties"), "portcullis.version"),
        "bump examples/pom.xml with the parent");
    for (Element dependency : descendants(only(examples, "dependencyManagement"), "dependency")) {
      if (text(dependency, "groupId").equals("dev.portcullis")) {
        assertEquals("portcullis-bom", text(dependency, "artifactId"));
        assertEquals("import", text(dependency, "scope"));
      }
    }
  }

  @Test
  void theBomManagesEveryPublishedModuleAtItsOwnVersionAndNothingElse() throws Exception {
    Element parent = read(TOP.resolve("pom.xml"));
    Set<String> published = new TreeSet<>();
    for (Element module : descendants(parent, "module")) {
      String folder = module.getTextContent().strip();
      if (!UNPUBLISHED.contains(folder)) {
        published.add(text(read(TOP.resolve(folder).resolve("pom.xml")), "artifactId"));
      }
    }

    Element bom = read(TOP.resolve("bom/pom.xml"));
    Set<String> managed = new TreeSet<>();
    for (Element dependency : descendants(only(bom, "dependencyManagement"), "dependency")) {
      String artifactId = text(dependency, "artifactId");
      assertEquals("dev.portcullis", text(dependency, "groupId"), artifactId);
      assertEquals("${project.version}", text(dependency, "version"), artifactId);
      assertTrue(children(dependency, "scope").isEmpty(), artifactId + " has a scope");
      assertTrue(managed.add(artifactId), artifactId + " is listed twice");
    }
    assertEquals(published, managed);
  }

  private static Element read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(pom.toFile())
        .getDocumentElement();
  }

  private static List<Element> children(Element element, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element child && child.getTagName().equals(name)) {
        found.add(child);
      }
    }
    return found;
  }

  private static Element only(Element element, String name) {
    List<Element> found = children(element, name);
    assertEquals(1, found.size(), "<" + name + "> in <" + element.getTagName() + ">");
    return found.get(0);
  }

  private static String text(Element element, String name) {
    return only(element, name).getTextContent().strip();
  }

  private static List<Element> descendants(Element element, String name) {
    List<Element> found = new ArrayList<>();
    var nodes = element.getElementsByTagName(name);
    for (int i = 0; i < nodes.getLength(); i++) {
      found.add((Element) nodes.item(i));
    }
    return found;
  }
}
