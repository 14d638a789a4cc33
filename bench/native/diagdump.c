/* The kernel's floor for a scan: the two NETLINK_SOCK_DIAG dumps of every listening TCP socket
 * (IPv4, then IPv6), received and counted and nothing else. Prints the median and best wall time of
 * ROUNDS dumps in microseconds, and the sockets seen. Usage: diagdump [ROUNDS] */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long dump(int fd, int family, char *buf, size_t size) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;
  memset(&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.req.sdiag_family = family;
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = 1 << 10; /* TCP_LISTEN */
  if (send(fd, &msg, sizeof msg, 0) < 0) {
    perror("send");
    exit(1);
  }
  long sockets = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, size, 0);
    if (n < 0) {
      perror("recv");
      exit(1);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        return sockets;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        fprintf(stderr, "dump error\n");
        exit(1);
      }
      sockets++;
    }
  }
}

static int compare(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 50;
  static char buf[1 << 16];
  long *times = calloc(rounds, sizeof *times);
  long sockets = 0;
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  for (int i = 0; i < rounds; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sockets = dump(fd, AF_INET, buf, sizeof buf) + dump(fd, AF_INET6, buf, sizeof buf);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[i] = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
  }
  qsort(times, rounds, sizeof *times, compare);
  printf("%ld %ld %ld\n", times[rounds / 2], times[0], sockets);
  return 0;
}
