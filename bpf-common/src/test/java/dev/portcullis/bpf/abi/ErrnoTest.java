package dev.portcullis.bpf.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {

  @Test
  void namesAndMeanings() {
    assertEquals("EPERM (Operation not permitted)", Errno.describe(1));
    assertEquals("EACCES", Errno.name(13));
    assertEquals("errno 4242", Errno.describe(4242));
    assertEquals("errno 4242", Errno.name(4242));
  }
}
