package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InodeSetTest {

  @Property
  void addsAsAHashSetDoes(
      @ForAll @Size(max = 3000) List<@LongRange(min = 1, max = 5000) Long> inodes,
      @ForAll @LongRange(min = 0, max = 64) long expected) {
    InodeSet set = new InodeSet((int) expected);
    Set<Long> reference = new HashSet<>();
    for (long inode : inodes) {
      assertEquals(reference.add(inode), set.add(inode), "adding " + inode);
    }
    assertEquals(reference.size(), set.size());
  }

  @Test
  void keepsInodesAcrossTheWholeRange() {
    InodeSet set = new InodeSet(0);
    long[] inodes = {
      1, Long.MAX_VALUE, Long.MIN_VALUE, -1, 1L << 32, (1L << 32) + 1, 4_294_967_295L
    };
    for (long inode : inodes) {
      assertEquals(true, set.add(inode));
    }
    for (long inode : inodes) {
      assertEquals(false, set.add(inode));
    }
    assertEquals(inodes.length, set.size());
  }

  @Test
  void aClearedSetHoldsNothingAndGrowsAgain() {
    InodeSet set = new InodeSet(2);
    for (long inode = 1; inode <= 100; inode++) {
      set.add(inode);
    }
    set.clear();
    assertEquals(0, set.size());
    for (long inode = 1; inode <= 100; inode++) {
      assertEquals(true, set.add(inode));
    }
    assertEquals(100, set.size());
  }

  @Test
  void refusesInodeZero() {
    assertThrows(IllegalArgumentException.class, () -> new InodeSet(4).add(0));
  }
}
