package dev.portcullis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdTest {

  private static final ContainerId A = ContainerId.of("a");
  private static final ContainerId AB = A.child("b");
  private static final ContainerId ABC = AB.child("c");

  // ------------------------------------------------------- construction

  @Test
  void ofMakesATopLevelContainer() {
    assertEquals("a", A.value());
    assertEquals(Optional.empty(), A.parent());
    assertFalse(A.isNested());
    assertEquals("a", A.toString());
  }

  @Test
  void childKeepsItsParent() {
    assertEquals("b", AB.value());
    assertEquals(Optional.of(A), AB.parent());
    assertTrue(AB.isNested());
  }

  @Test
  void toStringJoinsTheChainFromTheRootWithDots() {
    assertEquals("a.b.c", ABC.toString());
  }

  @Test
  void parseReadsTheChainFromTheRoot() {
    ContainerId parsed = ContainerId.parse("a.b.c");

    assertEquals(ABC, parsed);
    assertEquals("c", parsed.value());
    assertEquals(Optional.of(AB), parsed.parent());
  }

  @Test
  void parseOfASingleValueIsTopLevel() {
    assertEquals(A, ContainerId.parse("a"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a.b.c", "executor-1.task_2.x:y", "3f2a9c1e-0000-4b6c-8d1e"})
  void parseAndToStringRoundTrip(String text) {
    assertEquals(text, ContainerId.parse(text).toString());
  }

  @Test
  void toStringParsesBackToAnEqualId() {
    assertEquals(ABC, ContainerId.parse(ABC.toString()));
  }

  // ---------------------------------------------------------- tree queries

  @Test
  void rootOfATopLevelContainerIsItself() {
    assertSame(A, A.root());
  }

  @Test
  void rootOfANestedContainerIsTheTopLevelAncestor() {
    assertEquals(A, ABC.root());
    assertEquals(A, AB.root());
  }

  @Test
  void depthCountsAncestors() {
    assertEquals(0, A.depth());
    assertEquals(1, AB.depth());
    assertEquals(2, ABC.depth());
  }

  @Test
  void lineageListsRootFirst() {
    assertEquals(List.of(A, AB, ABC), ABC.lineage());
    assertEquals(List.of(A), A.lineage());
  }

  @Test
  void lineageIsUnmodifiable() {
    List<ContainerId> lineage = ABC.lineage();

    assertThrows(UnsupportedOperationException.class, () -> lineage.add(A));
  }

  @Test
  void isAncestorOrSelfOfSelf() {
    assertTrue(AB.isAncestorOrSelfOf(AB));
  }

  @Test
  void isAncestorOrSelfOfDescendants() {
    assertTrue(A.isAncestorOrSelfOf(AB));
    assertTrue(A.isAncestorOrSelfOf(ABC));
    assertTrue(AB.isAncestorOrSelfOf(ABC));
  }

  @Test
  void isNotAncestorOfAncestors() {
    assertFalse(ABC.isAncestorOrSelfOf(AB));
    assertFalse(AB.isAncestorOrSelfOf(A));
  }

  @Test
  void isNotAncestorOfSiblingsOrUnrelatedTrees() {
    assertFalse(AB.isAncestorOrSelfOf(A.child("x")));
    assertFalse(A.isAncestorOrSelfOf(ContainerId.of("b")));
    assertFalse(A.isAncestorOrSelfOf(ContainerId.of("z").child("a")));
  }

  @Test
  void isAncestorUsesEqualityNotIdentity() {
    assertTrue(ContainerId.parse("a.b").isAncestorOrSelfOf(ContainerId.parse("a.b.c")));
  }

  // ------------------------------------------------------ invalid values

  private static void assertInvalid(String quoted, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(
        e.getMessage().contains("'" + quoted + "'"),
        () -> "message should quote '" + quoted + "': " + e.getMessage());
  }

  @Test
  void rejectsAnEmptyValue() {
    assertInvalid("", () -> ContainerId.of(""));
  }

  @Test
  void emptyValueMessageSaysItIsEmpty() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ContainerId.of(""));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a.b", ".", "a/b", "/", "a b", " a", "a\t", "a\nb", "a\u0000b", "a\u007fb"})
  void ofRejectsForbiddenCharacters(String value) {
    assertInvalid(value, () -> ContainerId.of(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a.b", "a/b", "a b", "a\u0001"})
  void childRejectsInvalidValues(String value) {
    assertInvalid(value, () -> A.child(value));
  }

  @Test
  void rejectsNullValue() {
    assertThrows(NullPointerException.class, () -> ContainerId.of(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".a", "a.", "a..b", ".", ".."})
  void parseRejectsEmptyParts(String text) {
    assertInvalid(text, () -> ContainerId.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b/c", "a. b", "a.b\u0007"})
  void parseRejectsPartsWithForbiddenCharacters(String text) {
    assertThrows(IllegalArgumentException.class, () -> ContainerId.parse(text));
  }

  @Test
  void parseMessageQuotesTheOffendingPart() {
    assertInvalid("b/c", () -> ContainerId.parse("a.b/c"));
  }

  @Test
  void parseRejectsNull() {
    assertThrows(NullPointerException.class, () -> ContainerId.parse(null));
  }

  // ------------------------------------------------------ equals/hashCode

  @Test
  void equalChainsAreEqualWithEqualHashCodes() {
    ContainerId built = ContainerId.of("a").child("b").child("c");
    ContainerId parsed = ContainerId.parse("a.b.c");

    assertEquals(built, parsed);
    assertEquals(built.hashCode(), parsed.hashCode());
  }

  @Test
  void sameValueWithDifferentParentsIsNotEqual() {
    assertNotEquals(ContainerId.of("b"), AB);
    assertNotEquals(ContainerId.of("x").child("b"), AB);
  }

  @Test
  void differentValuesUnderTheSameParentAreNotEqual() {
    assertNotEquals(A.child("b"), A.child("c"));
  }

  @Test
  void notEqualToOtherTypesOrNull() {
    assertFalse(A.equals(null));
    assertFalse(A.equals("a"));
  }
}
