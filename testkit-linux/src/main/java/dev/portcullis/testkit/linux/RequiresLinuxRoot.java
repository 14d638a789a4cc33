package dev.portcullis.testkit.linux;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (or every test of a class) that needs root on Linux: real cgroups, real processes,
 * real netlink. Elsewhere the test is skipped with the reason — unless the environment variable
 * {@value LinuxRootCondition#REQUIRE_VARIABLE} is {@code 1}, as in CI, where a skip would hide a
 * broken machine: then the test fails with the reason instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LinuxRootCondition.class)
public @interface RequiresLinuxRoot {}
