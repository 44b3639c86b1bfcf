/*
 * udpping: the net benchmark's client. Sends COUNT 64-byte UDP datagrams to
 * ADDR:PORT one at a time, each after the echo of the previous one came back
 * (or after TIMEOUT_MS without it: counted as lost, and the next one is
 * sent). WARMUP round trips first (ARP, caches), not timed. Prints
 *     round_trips N lost L ns T rtt_ns X round_trips_per_sec R
 * and exits 1 if more than 1% of the datagrams were lost.
 *
 * usage: udpping ADDR PORT COUNT [TIMEOUT_MS [WARMUP]]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 64

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One round trip of datagram SEQ: 1 if its echo came back in time. */
static int round_trip(int fd, uint64_t seq, int timeout_ms)
{
    unsigned char out[PAYLOAD], in[PAYLOAD + 1];
    memset(out, 0xa5, sizeof(out));
    memcpy(out, &seq, sizeof(seq));
    if (send(fd, out, sizeof(out), 0) != (ssize_t)sizeof(out)) {
        perror("udpping: send");
        exit(1);
    }
    uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
    for (;;) {
        uint64_t now = now_ns();
        if (now >= deadline)
            return 0;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int left_ms = (int)((deadline - now + 999999) / 1000000);
        int rc = poll(&pfd, 1, left_ms);
        if (rc < 0 && errno != EINTR) {
            perror("udpping: poll");
            exit(1);
        }
        if (rc <= 0)
            continue;
        ssize_t n = recv(fd, in, sizeof(in), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED)
                continue;
            perror("udpping: recv");
            exit(1);
        }
        /* A late echo of an earlier datagram is skipped. */
        if (n == PAYLOAD && memcmp(in, out, PAYLOAD) == 0)
            return 1;
    }
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6) {
        fprintf(stderr,
                "usage: udpping ADDR PORT COUNT [TIMEOUT_MS [WARMUP]]\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "udpping: bad address %s\n", argv[1]);
        return 2;
    }
    long count = atol(argv[3]);
    int timeout_ms = argc > 4 ? atoi(argv[4]) : 1000;
    long warmup = argc > 5 ? atol(argv[5]) : 100;
    if (count <= 0 || timeout_ms <= 0 || warmup < 0) {
        fprintf(stderr, "udpping: bad count, timeout or warm-up\n");
        return 2;
    }

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("udpping: socket");
        return 1;
    }
    uint64_t seq = 0;
    long ok = 0;
    for (long i = 0; i < warmup; i++)
        ok += round_trip(fd, ++seq, timeout_ms);
    if (warmup > 0 && ok == 0) {
        fprintf(stderr, "udpping: no echo from %s:%s during the warm-up\n",
                argv[1], argv[2]);
        return 1;
    }

    long lost = 0;
    uint64_t t0 = now_ns();
    for (long i = 0; i < count; i++)
        lost += !round_trip(fd, ++seq, timeout_ms);
    uint64_t ns = now_ns() - t0;
    long done = count - lost;
    if (ns == 0)
        ns = 1;
    printf("round_trips %ld lost %ld ns %llu rtt_ns %llu "
           "round_trips_per_sec %llu\n",
           done, lost, (unsigned long long)ns,
           (unsigned long long)(done > 0 ? ns / (uint64_t)done : 0),
           (unsigned long long)((uint64_t)done * 1000000000ull / ns));
    if (lost * 100 > count) {
        fprintf(stderr, "udpping: %ld of %ld datagrams lost\n", lost, count);
        return 1;
    }
    return 0;
}
