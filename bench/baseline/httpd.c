/*
 * httpd baseline for bench/httpd: the httpd example's page served by a
 * plain Linux process over the kernel's TCP. One thread, epoll, non-blocking
 * sockets; the same HTTP as examples/httpd/http.c for what the benchmark
 * uses: GET of "/" or "/index.html" answers the page, anything else 404;
 * HTTP/1.1 keeps the connection open unless "Connection: close", HTTP/1.0
 * closes it unless "Connection: keep-alive"; pipelined requests are answered
 * in order. Prints "httpd-baseline: serving ADDR:PORT" when ready.
 *
 * usage: httpd ADDR PORT PAGE-FILE
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQ_MAX 4096
#define MAX_EVENTS 256

struct conn {
    int fd;
    size_t req_len;
    char req[REQ_MAX];
    /* pending output: out[out_off, out_len) */
    char *out;
    size_t out_len, out_off, out_cap;
    int close_after;
    int want_out; /* EPOLLOUT asked for */
};

/* The four possible answers, built once: page or 404, keep-alive or not. */
static char *answers[2][2];
static size_t answer_len[2][2];

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void build_answers(const char *page, size_t page_len)
{
    static const char not_found[] = "404 Not Found\nno such page\n";
    for (int found = 0; found < 2; found++) {
        for (int keep = 0; keep < 2; keep++) {
            const char *body = found ? page : not_found;
            size_t blen = found ? page_len : sizeof(not_found) - 1;
            char head[512];
            int n = snprintf(head, sizeof(head),
                             "HTTP/1.1 %s\r\n"
                             "Server: httpd-baseline\r\n"
                             "Content-Type: %s\r\n"
                             "Content-Length: %zu\r\n"
                             "Connection: %s\r\n"
                             "\r\n",
                             found ? "200 OK" : "404 Not Found",
                             found ? "text/html; charset=utf-8"
                                   : "text/plain; charset=utf-8",
                             blen, keep ? "keep-alive" : "close");
            char *a = malloc((size_t)n + blen);
            if (a == NULL)
                die("malloc");
            memcpy(a, head, (size_t)n);
            memcpy(a + n, body, blen);
            answers[found][keep] = a;
            answer_len[found][keep] = (size_t)n + blen;
        }
    }
}

static size_t head_length(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static int has_token(const char *v, const char *end, const char *token)
{
    size_t tl = strlen(token);
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        const char *t = v;
        while (v < end && *v != ',' && *v != ' ' && *v != '\t' && *v != '\r')
            v++;
        if ((size_t)(v - t) == tl && strncasecmp(t, token, tl) == 0)
            return 1;
        if (v < end && *v == '\r')
            break;
    }
    return 0;
}

static void queue_out(struct conn *c, const char *data, size_t len)
{
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (p == NULL)
            die("realloc");
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
}

/* Answers the request head req[0, len). */
static void answer(struct conn *c, const char *req, size_t len)
{
    const char *end = req + len;
    const char *sp1 = memchr(req, ' ', len);
    const char *sp2 =
        sp1 ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) : NULL;
    int http11 = sp2 && end - sp2 > 9 && memcmp(sp2 + 1, "HTTP/1.1", 8) == 0;
    int close_hdr = 0, keep_hdr = 0;
    for (const char *p = req; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if (eol - p > 11 && strncasecmp(p, "Connection:", 11) == 0) {
            close_hdr |= has_token(p + 11, eol, "close");
            keep_hdr |= has_token(p + 11, eol, "keep-alive");
        }
        p = eol + 1;
    }
    int keep = http11 ? !close_hdr : (keep_hdr && !close_hdr);
    int found = 0;
    if (sp1 && sp2 && sp1 - req == 3 && memcmp(req, "GET", 3) == 0) {
        size_t plen = 0;
        const char *t = sp1 + 1;
        while (t + plen < sp2 && t[plen] != '?')
            plen++;
        found = (plen == 1 && t[0] == '/') ||
                (plen == 11 && memcmp(t, "/index.html", 11) == 0);
    } else {
        keep = 0; /* not what the benchmark sends: answer and close */
    }
    queue_out(c, answers[found][keep], answer_len[found][keep]);
    if (!keep)
        c->close_after = 1;
}

static void conn_free(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->out);
    free(c);
}

/* Writes what is pending; 0 when all is out, 1 when the socket is full,
 * -1 on an error. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 1;
            return -1;
        }
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    return 0;
}

/* Handles readiness; returns -1 when the connection is to be closed. */
static int serve(int ep, struct conn *c, uint32_t events)
{
    if (events & EPOLLERR)
        return -1;
    if (events & (EPOLLIN | EPOLLHUP)) {
        if (c->req_len == sizeof(c->req))
            return -1; /* head too large */
        ssize_t n =
            read(c->fd, c->req + c->req_len, sizeof(c->req) - c->req_len);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        if (n == 0) {
            if (c->out_len == 0)
                return -1;
            c->close_after = 1;
        }
        if (n > 0) {
            c->req_len += (size_t)n;
            size_t head;
            while (!c->close_after &&
                   (head = head_length(c->req, c->req_len)) > 0) {
                answer(c, c->req, head);
                memmove(c->req, c->req + head, c->req_len - head);
                c->req_len -= head;
            }
        }
    }
    int rc = flush_out(c);
    if (rc < 0)
        return -1;
    if (rc == 0 && c->close_after)
        return -1;
    if (rc != c->want_out) { /* output pending or not any more */
        struct epoll_event ev = {.events = EPOLLIN | (rc ? EPOLLOUT : 0),
                                 .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
            return -1;
        c->want_out = rc;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ADDR PORT PAGE-FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[3], "rb");
    if (f == NULL)
        die(argv[3]);
    static char page[1 << 20];
    size_t page_len = fread(page, 1, sizeof(page), f);
    fclose(f);
    build_answers(page, page_len);

    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "httpd-baseline: bad address '%s'\n", argv[1]);
        return 2;
    }
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (lfd < 0)
        die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        die("bind");
    if (listen(lfd, 1024) != 0)
        die("listen");
    int ep = epoll_create1(0);
    if (ep < 0)
        die("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) != 0)
        die("epoll_ctl");
    printf("httpd-baseline: serving %s:%s\n", argv[1], argv[2]);
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0)
                        break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    struct conn *nc = calloc(1, sizeof(*nc));
                    if (nc == NULL)
                        die("calloc");
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
                        close(fd);
                        free(nc);
                    }
                }
                continue;
            }
            if (serve(ep, c, events[i].events) < 0)
                conn_free(ep, c);
        }
    }
}
