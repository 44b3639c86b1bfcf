/*
 * udpping: datagrams to a UDP echo service on this host's loopback, each
 * checked when it comes back (tests/aarch64-stub.bats runs it in the arm64
 * VM, whose busybox nc speaks no UDP, against a packed netecho whose port 7
 * a user-mode net device forwards).
 *
 *   udpping PORT COUNT
 *
 * Sends COUNT datagrams to 127.0.0.1:PORT, one at a time, datagram i being
 * 1 + (i * 97) % 1400 bytes of a pattern that depends on i; each must come
 * back from that address byte for byte. The first is sent again every
 * 200 ms for up to 10 s (the service may still be starting); the others
 * get 5 s each. Prints "udpping: N of COUNT echoed byte for byte" and exits
 * 0 when all were; on the first that was not, one line saying why and
 * exit 1. Bad arguments or a failed socket: exit 2.
 */
#define _DEFAULT_SOURCE /* usleep */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SIZE 1400

static size_t fill(unsigned char *buf, unsigned i)
{
    size_t n = 1 + (i * 97u) % MAX_SIZE;
    for (size_t k = 0; k < n; k++)
        buf[k] = (unsigned char)(i * 31u + k * 7u);
    return n;
}

/* Waits up to ms for a datagram; returns its length, -1 on timeout. */
static ssize_t receive(int fd, unsigned char *buf, size_t size, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, ms);
    if (r <= 0)
        return -1;
    return recv(fd, buf, size, 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpping PORT COUNT\n");
        return 2;
    }
    int port = atoi(argv[1]);
    unsigned count = (unsigned)atoi(argv[2]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    /* Connected: only datagrams from the service's address come back. */
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        perror("udpping: socket");
        return 2;
    }
    static unsigned char out[MAX_SIZE], in[MAX_SIZE + 1];
    unsigned echoed = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t n = fill(out, i);
        int tries = i == 0 ? 50 : 1;
        ssize_t got = -1;
        while (tries-- > 0 && got < 0) {
            if (send(fd, out, n, 0) != (ssize_t)n) {
                /* A refusal (ECONNREFUSED) before the port is forwarded:
                 * try again. */
                if (i == 0 && errno == ECONNREFUSED) {
                    usleep(200000);
                    continue;
                }
                perror("udpping: send");
                return 1;
            }
            got = receive(fd, in, sizeof(in), i == 0 ? 200 : 5000);
        }
        if (got < 0) {
            printf("udpping: datagram %u (%zu bytes): no answer\n", i, n);
            return 1;
        }
        if ((size_t)got != n || memcmp(in, out, n) != 0) {
            printf("udpping: datagram %u (%zu bytes): %zd bytes back, not "
                   "the same\n",
                   i, n, got);
            return 1;
        }
        echoed++;
        /* Echoes of the first datagram's other copies: not the next's. */
        while (i == 0 && receive(fd, in, sizeof(in), 300) >= 0)
            ;
    }
    printf("udpping: %u of %u echoed byte for byte\n", echoed, count);
    return 0;
}
