# A listener process for Portcullis tests: opens the sockets named on the command line, prints
# "ready <pid> [<pid>...]" and then holds them until killed or until standard input closes.
#
#   listener.py [--wait] [--fork | --fork-chain] SPEC...
#   SPEC = proto,family,address,port[,v6only]   e.g. tcp,4,0.0.0.0,8080  udp,6,::,53,v6only
#
# --wait        read one line from stdin before opening anything (so the test can move the
#               process into a cgroup first)
# --fork        open the sockets in a forked child; the parent holds none
# --fork-chain  open the sockets, then keep forking: each child replaces its parent, which exits,
#               so the holder's pid changes every few milliseconds
import os
import socket
import sys
import time

args = sys.argv[1:]
wait = "--wait" in args
fork = "--fork" in args
chain = "--fork-chain" in args
specs = [a for a in args if not a.startswith("--")]


def open_all():
    held = []
    for spec in specs:
        parts = spec.split(",")
        proto, family, address, port = parts[0], parts[1], parts[2], int(parts[3])
        af = socket.AF_INET6 if family == "6" else socket.AF_INET
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(af, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if af == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if "v6only" in parts[4:] else 0)
        s.bind((address, port))
        if kind == socket.SOCK_STREAM:
            s.listen(16)
        held.append(s)
    return held


def hold_until_stdin_closes():
    try:
        sys.stdin.read()
    except Exception:
        pass
    # Stdin closed: the test is gone; do not outlive it.
    os._exit(0)


if wait:
    sys.stdin.readline()

if fork:
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        held = open_all()
        os.write(w, b"x")
        hold_until_stdin_closes()
    os.read(r, 1)
    print("ready", os.getpid(), child, flush=True)
    hold_until_stdin_closes()
elif chain:
    held = open_all()
    print("ready", os.getpid(), flush=True)
    sys.stdout.close()
    deadline = time.time() + 120  # never outlive a broken test for long
    while time.time() < deadline:
        try:
            if os.fork() != 0:
                os._exit(0)
        except OSError:
            time.sleep(0.01)
        time.sleep(0.002)
    os._exit(0)
else:
    held = open_all()
    print("ready", os.getpid(), flush=True)
    hold_until_stdin_closes()
