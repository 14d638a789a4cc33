/**
 * The kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read for what a tracing program needs: the id
 * of the function it attaches to and the offsets of the struct members it loads.
 */
package dev.portcullis.bpf.btf;
