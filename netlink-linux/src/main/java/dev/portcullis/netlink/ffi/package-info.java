/**
 * The jnr-ffi binding of the few libc calls a netlink dump needs. Kept in its own package because
 * jnr-ffi needs it exported; no logic lives here.
 */
package dev.portcullis.netlink.ffi;
