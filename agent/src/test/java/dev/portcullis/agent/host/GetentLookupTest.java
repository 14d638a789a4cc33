package dev.portcullis.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Users from {@code getent passwd}: its lines parsed, and the host's database asked. */
class GetentLookupTest {

  @Test
  void aPasswdLineGivesNameUidAndGid() throws IOException {
    assertEquals(
        new TaskUser("nobody", 65534, 65534),
        GetentLookup.parse("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"));
    assertEquals(
        new TaskUser("svc", 4_294_967_294L, 0), GetentLookup.parse("svc::4294967294:0:::"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "nobody",
        "nobody:x:65534:65534:nobody:/nonexistent",
        "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh:extra",
        "nobody:x:uid:65534:::",
        "nobody:x:65534:-1:::",
        "nobody:x:4294967295:0:::",
        "-x:x:1:1:::"
      })
  void anythingElseIsAnError(String line) {
    assertThrows(IOException.class, () -> GetentLookup.parse(line));
  }

  /** Every Linux host has root, uid 0; getent is part of glibc. */
  @Test
  void theHostsDatabaseIsAskedByNameAndByUid() throws IOException {
    assumeTrue(SearchPath.find("getent").isPresent(), "needs getent");
    GetentLookup lookup = new GetentLookup();
    assertEquals(Optional.of(0L), lookup.find("root").map(TaskUser::uid));
    assertEquals(Optional.of("root"), lookup.find("0").map(TaskUser::name));
    assertEquals(Optional.empty(), lookup.find("no-such-user-" + ProcessHandle.current().pid()));
  }
}
