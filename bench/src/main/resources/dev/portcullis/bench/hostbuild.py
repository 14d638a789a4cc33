# Builds host state for the scan benchmark: one forked process per container, each of which first
# joins its container's cgroup (so that its sockets carry that cgroup's id) and then opens its
# listeners on 127.0.0.1 with kernel-chosen ports. With "parents", each such process first forks
# once more and waits, as the agent's supervising shell does, and its child opens the listeners.
# Children share the parent's pages, so a thousand of them cost little memory.
#
#   hostbuild.py SOCKETS_PER_PROCESS PROCS_FILE [flat|parents]
# PROCS_FILE has one cgroup.procs path per line. Prints "ready" once every child listens; every
# process exits when standard input closes.
import os
import socket
import sys

per_process = int(sys.argv[1])
with open(sys.argv[2]) as f:
    paths = [line.strip() for line in f if line.strip()]
parents = len(sys.argv) > 3 and sys.argv[3] == "parents"

r, w = os.pipe()
for path in paths:
    if os.fork() == 0:
        os.close(r)
        with open(path, "w") as procs:
            procs.write(str(os.getpid()))
        if parents and os.fork() != 0:
            # The supervising parent: waits for standard input to close, as its child does.
            os.close(w)
            try:
                sys.stdin.read()
            finally:
                os._exit(0)
        held = []
        for _ in range(per_process):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            s.listen(4)
            held.append(s)
        os.write(w, b"x")
        try:
            sys.stdin.read()
        finally:
            os._exit(0)
os.close(w)
got = 0
while got < len(paths):
    chunk = os.read(r, 4096)
    if not chunk:
        break
    got += len(chunk)
print("ready" if got == len(paths) else "failed %d of %d" % (got, len(paths)), flush=True)
sys.stdin.read()
