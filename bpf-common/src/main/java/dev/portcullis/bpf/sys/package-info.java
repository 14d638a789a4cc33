/**
 * The only code that calls the kernel: {@code bpf(2)}, {@code open(2)}, {@code read(2)} and {@code
 * close(2)} through the jnr-ffi binding, with errno turned into exceptions and descriptors owned by
 * {@link dev.portcullis.bpf.sys.Fd}. What the calls carry is encoded in {@code
 * dev.portcullis.bpf.abi}.
 */
package dev.portcullis.bpf.sys;
