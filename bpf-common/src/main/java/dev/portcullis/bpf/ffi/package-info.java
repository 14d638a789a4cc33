/**
 * The jnr-ffi binding of the three libc calls the guard needs: {@code syscall} (for {@code
 * bpf(2)}), {@code open} and {@code close}. Kept in its own package because jnr-ffi needs it
 * exported; no logic lives here.
 */
package dev.portcullis.bpf.ffi;
