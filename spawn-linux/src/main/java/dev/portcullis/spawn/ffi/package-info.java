/** The libc calls the spawner makes; a native boundary, not an API. */
package dev.portcullis.spawn.ffi;
