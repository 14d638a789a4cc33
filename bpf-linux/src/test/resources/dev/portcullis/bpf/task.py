# A task process for the guard's tests: started outside the guarded cgroup, moved into it by the
# test, then told what to do one line at a time, so that every socket it makes is created inside
# the cgroup. Each command prints one line: "ok [value]" or "err <ERRNO NAME>".
#
#   task.py [--uid N]           drop to uid/gid N before anything else
#
#   bind PROTO FAMILY ADDR PORT  make a socket, bind it, report the port it got, close it
#   hold PROTO FAMILY ADDR PORT  the same, but keep the socket (a TCP one listening)
#   listen FAMILY                a TCP socket that listens without ever being bound
#   bpf CMD                      bpf(CMD) with an all-zero attr
#   bpf-words CMD W...           bpf(CMD) with the attr starting with the u32 words W...
#   bpf-detach DIR TYPE          bpf(BPF_PROG_DETACH) from cgroup DIR, naming no program
#   bpf-query DIR TYPE           bpf(BPF_PROG_QUERY) of cgroup DIR
#   join PROCS                   write the own pid to a cgroup.procs file
#
# PROTO is tcp or udp; FAMILY is 4, 6 (dual-stack) or 6only.
import ctypes
import errno
import os
import socket
import struct
import sys

BPF = {"x86_64": 321, "aarch64": 280}[os.uname().machine]
libc = ctypes.CDLL(None, use_errno=True)
held = []


def error(code):
    return "err " + errno.errorcode.get(code, str(code))


def make(proto, family):
    af = socket.AF_INET if family == "4" else socket.AF_INET6
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(af, kind)
    if af == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if family == "6only" else 0)
    return s


def bpf(command, attr):
    buffer = ctypes.create_string_buffer(attr, 144)
    result = libc.syscall(ctypes.c_long(BPF), ctypes.c_long(command), buffer, ctypes.c_long(144))
    return "ok " + str(result) if result >= 0 else error(ctypes.get_errno())


def run(words):
    op = words[0]
    try:
        if op in ("bind", "hold"):
            s = make(words[1], words[2])
            try:
                s.bind((words[3], int(words[4])))
                port = s.getsockname()[1]
                if op == "hold":
                    if words[1] == "tcp":
                        s.listen(8)
                    held.append(s)
                    s = None
                return "ok " + str(port)
            finally:
                if s is not None:
                    s.close()
        if op == "listen":
            s = make("tcp", words[1])
            s.listen(8)
            held.append(s)
            return "ok " + str(s.getsockname()[1])
        if op == "bpf":
            return bpf(int(words[1]), b"")
        if op == "bpf-words":
            values = [int(w) for w in words[2:]]
            return bpf(int(words[1]), struct.pack("<%dI" % len(values), *values))
        if op == "bpf-detach":
            fd = os.open(words[1], os.O_RDONLY | os.O_DIRECTORY)
            try:
                return bpf(9, struct.pack("<III", fd, 0, int(words[2])))
            finally:
                os.close(fd)
        if op == "bpf-query":
            fd = os.open(words[1], os.O_RDONLY | os.O_DIRECTORY)
            try:
                return bpf(16, struct.pack("<II", fd, int(words[2])))
            finally:
                os.close(fd)
        if op == "join":
            with open(words[1], "w") as procs:
                procs.write(str(os.getpid()))
            return "ok"
        return "err EINVAL unknown command " + op
    except OSError as e:
        return error(e.errno)


if "--uid" in sys.argv:
    uid = int(sys.argv[sys.argv.index("--uid") + 1])
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)

print("ready", os.getpid(), flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "exit":
        break
    print(run(words), flush=True)
