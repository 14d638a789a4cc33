/**
 * An assembler for eBPF: instructions encoded to the bytes {@code bpf(BPF_PROG_LOAD)} takes, with
 * jumps to labels resolved when the program is assembled. Pure Java, no kernel; it knows the
 * instruction set, not what a program means.
 */
package dev.portcullis.bpf.asm;
