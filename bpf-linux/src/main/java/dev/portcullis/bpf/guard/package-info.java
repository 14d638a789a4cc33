/**
 * What a guard is, as pure Java: the layout of its map (port bitmaps, counters, refused ports), the
 * programs that read it, and the order in which an allowance is written so that no bind is refused
 * that both the old and the new allowance permit. Tested without a kernel.
 */
package dev.portcullis.bpf.guard;
