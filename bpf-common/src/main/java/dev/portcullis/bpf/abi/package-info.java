/**
 * The {@code bpf(2)} ABI as pure Java: command, program, attach and map type numbers, the {@code
 * union bpf_attr} encodings of the commands the guard uses, the {@code bpf_prog_info} and {@code
 * bpf_map_info} records it reads back, and errno names. Nothing here calls the kernel, so all of it
 * is tested without one.
 */
package dev.portcullis.bpf.abi;
