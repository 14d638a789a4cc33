/**
 * The {@code bpf} {@link dev.portcullis.api.PortGuard}: cgroup BPF bind, post-bind and listen
 * checks on a container's cgroup in the unified hierarchy, loaded and found again through {@code
 * bpf(2)}. See {@link dev.portcullis.bpf.BpfPortGuard}.
 */
package dev.portcullis.bpf;
