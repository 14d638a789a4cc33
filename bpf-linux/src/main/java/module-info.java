/**
 * The {@code bpf} port guard: cgroup BPF programs, assembled in Java and loaded through {@code
 * bpf(2)}, that refuse a container's binds to ports it was not allocated.
 *
 * <p>Nothing is exported: the packages are the pieces of the guard, tested on their own.
 */
module dev.portcullis.bpf {
  requires dev.portcullis.api;
  requires dev.portcullis.linux;
  requires org.slf4j;
  requires static com.google.auto.service;
}
