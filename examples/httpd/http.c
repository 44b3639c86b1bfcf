/*
 * The HTTP server: lwIP's raw TCP API, port 80, HTTP/1.0 and HTTP/1.1 with
 * keep-alive (and pipelining: requests are answered in order).
 *
 *   GET /, /index.html  the page (text/html)
 *   GET /random.bin     64 KiB of a fixed pseudo-random pattern
 *   GET /stats          counters, "NAME VALUE" lines (text/plain)
 *   GET anything else   404; a method other than GET: 405
 *
 * HTTP/1.1 keeps the connection open unless the request says
 * "Connection: close"; HTTP/1.0 closes it unless the request says
 * "Connection: keep-alive". Malformed or oversized requests (400, 431), 405
 * and 505 answers close the connection after the answer. A connection idle
 * for IDLE_SECONDS is closed.
 *
 * The embedded files are sent without copying (lwIP references them until
 * they are acknowledged); headers and generated pages are copied into lwIP.
 *
 * /stats counts every request answered, with any status, including the
 * /stats request it answers: on a fresh server the first /stats says
 * "requests 1".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "solo5.h"

#include "httpd.h"
#include "lwip/tcp.h"

#define HTTP_PORT 80
#define REQ_MAX 4096    /* request bytes buffered per connection */
#define HDR_MAX 512     /* response header */
#define PAGE_MAX 2048   /* generated page (/stats, errors) */
#define POLL_INTERVAL 2 /* lwIP's slow timer ticks (500 ms): once a second */
#define IDLE_SECONDS 60
#define CLOSE_RETRIES 10 /* seconds of failed tcp_close before an abort */

struct conn {
    struct tcp_pcb *pcb; /* NULL: free slot */
    int next_free;
    uint16_t idle;        /* polls without traffic */
    uint16_t close_tries; /* polls since tcp_close first failed */
    uint8_t closing;      /* tcp_close failed: retried by the poll */
    uint8_t peer_closed;  /* FIN received */
    uint8_t close_after;  /* close once the response is queued */
    /* the response being queued */
    size_t hdr_len, hdr_off;
    const uint8_t *body;
    size_t body_len, body_off;
    uint8_t body_copy; /* body is in page[]: copy it */
    /* received, not yet in req[]: held until there is room (the window
     * shrinks meanwhile) */
    struct pbuf *rx;
    /* received, not yet answered */
    size_t req_len;
    char req[REQ_MAX];
    char hdr[HDR_MAX];
    char page[PAGE_MAX];
};

struct httpd_stats httpd_stats;
static struct conn conns[HTTPD_MAX_CONNS];
static int free_head = -1;
static uint64_t start_ns;

struct file {
    const char *path;
    const char *type;
    const uint8_t *data;
    const uint8_t *end;
};

static const struct file files[] = {
    {"/", "text/html; charset=utf-8", site_index_html, site_index_html_end},
    {"/index.html", "text/html; charset=utf-8", site_index_html,
     site_index_html_end},
    {"/random.bin", "application/octet-stream", site_random_bin,
     site_random_bin_end},
};

/* --- connection slots ----------------------------------------------------- */

static struct conn *conn_alloc(void)
{
    if (free_head < 0)
        return NULL;
    struct conn *c = &conns[free_head];
    free_head = c->next_free;
    int next = c->next_free;
    memset(c, 0, offsetof(struct conn, req));
    c->next_free = next;
    return c;
}

/* Detaches the connection from its pcb (no more callbacks) and frees the
 * slot. The pcb itself is closed, aborted or gone already. */
static void conn_release(struct conn *c, struct tcp_pcb *pcb)
{
    if (pcb != NULL) {
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
        tcp_poll(pcb, NULL, 0);
    }
    if (c->rx != NULL) {
        pbuf_free(c->rx);
        c->rx = NULL;
    }
    c->pcb = NULL;
    c->next_free = free_head;
    free_head = (int)(c - conns);
    httpd_stats.connections_open--;
}

/* Aborts the connection (RST); the caller returns ERR_ABRT to lwIP. */
static err_t conn_abort(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    conn_release(c, pcb);
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* Closes the connection once its queued data is sent (FIN after it).
 * Returns ERR_OK, or ERR_ABRT when it had to be aborted. */
static err_t conn_close(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    /* Data received and not read is dropped, but the window opened for
     * it: lwIP answers a close with unread data by a reset, which could
     * overtake the answer. */
    if (c->rx != NULL) {
        tcp_recved(pcb, c->rx->tot_len);
        pbuf_free(c->rx);
        c->rx = NULL;
    }
    if (tcp_close(pcb) == ERR_OK) {
        /* Data that still arrives is dropped by lwIP (no recv callback). */
        conn_release(c, pcb);
        return ERR_OK;
    }
    /* Out of memory for the FIN: the poll tries again. */
    c->closing = 1;
    if (c->close_tries++ >= CLOSE_RETRIES)
        return conn_abort(c);
    return ERR_OK;
}

/* --- responses ------------------------------------------------------------ */

static int response_pending(const struct conn *c)
{
    return c->hdr_off < c->hdr_len || c->body_off < c->body_len;
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

static void count(int status)
{
    httpd_stats.requests++;
    httpd_stats.status[status / 100 % 6]++;
    if (status == 404)
        httpd_stats.not_found++;
    else if (status == 405)
        httpd_stats.bad_method++;
}

/* Queues a response (the header is built here); body_copy when the body is
 * in c->page. */
static void queue(struct conn *c, int status, const char *type,
                  const uint8_t *body, size_t len, int body_copy,
                  int keep_alive)
{
    int n = snprintf(c->hdr, sizeof(c->hdr),
                     "HTTP/1.1 %d %s\r\n"
                     "Server: nabla-httpd (lwIP 2.1.3)\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "%s"
                     "Connection: %s\r\n"
                     "\r\n",
                     status, reason(status), type, len,
                     status == 405 ? "Allow: GET\r\n" : "",
                     keep_alive ? "keep-alive" : "close");
    c->hdr_len = (size_t)n < sizeof(c->hdr) ? (size_t)n : sizeof(c->hdr) - 1;
    c->hdr_off = 0;
    c->body = body;
    c->body_len = len;
    c->body_off = 0;
    c->body_copy = (uint8_t)body_copy;
    c->close_after = !keep_alive;
}

static void respond(struct conn *c, int status, const char *type,
                    const uint8_t *body, size_t len, int body_copy,
                    int keep_alive)
{
    count(status);
    queue(c, status, type, body, len, body_copy, keep_alive);
}

static void respond_text(struct conn *c, int status, const char *text,
                         int keep_alive)
{
    int n = snprintf(c->page, sizeof(c->page), "%d %s\n%s", status,
                     reason(status), text);
    size_t len = (size_t)n < sizeof(c->page) ? (size_t)n : sizeof(c->page) - 1;
    respond(c, status, "text/plain; charset=utf-8", (const uint8_t *)c->page,
            len, 1, keep_alive);
}

static void respond_stats(struct conn *c, int keep_alive)
{
    count(200); /* this request counts on its own page */
    const struct httpd_stats *s = &httpd_stats;
    uint64_t up_ms = (solo5_clock_monotonic() - start_ns) / 1000000u;
    int n = snprintf(
        c->page, sizeof(c->page),
        "requests %llu\n"
        "responses_2xx %llu\n"
        "responses_4xx %llu\n"
        "responses_5xx %llu\n"
        "not_found %llu\n"
        "method_not_allowed %llu\n"
        "connections_accepted %llu\n"
        "connections_open %llu\n"
        "connections_refused %llu\n"
        "time_wait_reused %llu\n"
        "frames_in %llu\n"
        "frames_out %llu\n"
        "bytes_in %llu\n"
        "bytes_out %llu\n"
        "frames_dropped %llu\n"
        "tx_errors %llu\n"
        "uptime_ms %llu\n",
        (unsigned long long)s->requests, (unsigned long long)s->status[2],
        (unsigned long long)s->status[4], (unsigned long long)s->status[5],
        (unsigned long long)s->not_found, (unsigned long long)s->bad_method,
        (unsigned long long)s->connections,
        (unsigned long long)s->connections_open,
        (unsigned long long)s->connections_refused,
        (unsigned long long)s->time_wait_reused,
        (unsigned long long)s->frames_in, (unsigned long long)s->frames_out,
        (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
        (unsigned long long)s->frames_dropped, (unsigned long long)s->tx_errors,
        (unsigned long long)up_ms);
    size_t len = (size_t)n < sizeof(c->page) ? (size_t)n : sizeof(c->page) - 1;
    queue(c, 200, "text/plain; charset=utf-8", (const uint8_t *)c->page, len, 1,
          keep_alive);
}

/* Hands as much of the response to lwIP as it takes now. ERR_OK (the rest,
 * if any, follows from the sent or poll callback) or a fatal error. */
static err_t push(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    int wrote = 0;

    while (response_pending(c)) {
        const void *data;
        size_t left;
        u8_t flags;
        int in_hdr = c->hdr_off < c->hdr_len;
        if (in_hdr) {
            data = c->hdr + c->hdr_off;
            left = c->hdr_len - c->hdr_off;
            flags = TCP_WRITE_FLAG_COPY;
        } else {
            data = c->body + c->body_off;
            left = c->body_len - c->body_off;
            flags = c->body_copy ? TCP_WRITE_FLAG_COPY : 0;
        }
        size_t room = tcp_sndbuf(pcb);
        if (room == 0)
            break;
        u16_t len = (u16_t)(left < room ? left : room);
        if (len < left || (in_hdr && c->body_len > 0))
            flags |= TCP_WRITE_FLAG_MORE;
        err_t err;
        for (;;) {
            err = tcp_write(pcb, data, len, flags);
            /* Out of segments or buffers: try a smaller piece. */
            if (err != ERR_MEM || len < 512 ||
                tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN)
                break;
            len /= 2;
            flags |= TCP_WRITE_FLAG_MORE;
        }
        if (err == ERR_MEM)
            break;
        if (err != ERR_OK)
            return err;
        wrote = 1;
        if (in_hdr)
            c->hdr_off += len;
        else
            c->body_off += len;
    }
    if (wrote)
        tcp_output(pcb);
    return ERR_OK;
}

/* --- requests ------------------------------------------------------------- */

/* Length of the request head at the start of buf (through the empty line
 * that ends it), or 0 if it is not complete. Bare LF line ends are
 * accepted. */
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

/* The word at *p up to a space or the end of the line; advances *p. */
static size_t word(const char **p, const char *end, const char **start)
{
    const char *s = *p;
    *start = s;
    while (s < end && *s != ' ' && *s != '\r' && *s != '\n')
        s++;
    *p = s;
    return (size_t)(s - *start);
}

/* Does the comma-separated header value [v, end) contain token? */
static int has_token(const char *v, const char *end, const char *token)
{
    size_t tl = strlen(token);
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        const char *t = v;
        while (v < end && *v != ',' && *v != ' ' && *v != '\t')
            v++;
        if ((size_t)(v - t) == tl && strncasecmp(t, token, tl) == 0)
            return 1;
    }
    return 0;
}

/* Answers the request head req[0, len). */
static void handle_request(struct conn *c, const char *req, size_t len)
{
    const char *p = req, *end = req + len;
    const char *method, *target, *version;
    size_t mlen = word(&p, end, &method);
    if (p < end && *p == ' ')
        p++;
    size_t tlen = word(&p, end, &target);
    if (p < end && *p == ' ')
        p++;
    size_t vlen = word(&p, end, &version);

    if (mlen == 0 || tlen == 0 || vlen == 0 || (*p != '\r' && *p != '\n')) {
        respond_text(c, 400, "malformed request line\n", 0);
        return;
    }
    int http11;
    if (vlen == 8 && memcmp(version, "HTTP/1.1", 8) == 0) {
        http11 = 1;
    } else if (vlen == 8 && memcmp(version, "HTTP/1.0", 8) == 0) {
        http11 = 0;
    } else if (vlen > 5 && memcmp(version, "HTTP/", 5) == 0) {
        respond_text(c, 505, "HTTP/1.0 and HTTP/1.1 only\n", 0);
        return;
    } else {
        respond_text(c, 400, "malformed request line\n", 0);
        return;
    }

    /* Headers: Connection, and whether a body follows. */
    int conn_close = 0, conn_keep = 0, has_body = 0;
    while (p < end) {
        const char *line = p;
        while (p < end && *p != '\n')
            p++;
        const char *eol = p > line && p[-1] == '\r' ? p - 1 : p;
        if (p < end)
            p++;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon == NULL)
            continue;
        size_t nlen = (size_t)(colon - line);
        const char *v = colon + 1;
        if (nlen == 10 && strncasecmp(line, "Connection", 10) == 0) {
            conn_close |= has_token(v, eol, "close");
            conn_keep |= has_token(v, eol, "keep-alive");
        } else if (nlen == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            if (!(eol - v == 1 && *v == '0'))
                has_body = 1;
        } else if (nlen == 17 &&
                   strncasecmp(line, "Transfer-Encoding", 17) == 0) {
            has_body = 1;
        }
    }
    int keep_alive = http11 ? !conn_close : (conn_keep && !conn_close);

    if (!(mlen == 3 && memcmp(method, "GET", 3) == 0)) {
        /* Its body, if any, is not read: close after the answer. */
        respond_text(c, 405, "only GET is supported\n", 0);
        return;
    }
    if (has_body)
        keep_alive = 0;
    if (target[0] != '/') {
        respond_text(c, 400, "the target must be a path\n", 0);
        return;
    }
    /* The path: without the query. */
    size_t plen = 0;
    while (plen < tlen && target[plen] != '?' && target[plen] != '#')
        plen++;

    if (plen == 6 && memcmp(target, "/stats", 6) == 0) {
        respond_stats(c, keep_alive);
        return;
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const struct file *f = &files[i];
        if (strlen(f->path) == plen && memcmp(f->path, target, plen) == 0) {
            respond(c, 200, f->type, f->data, (size_t)(f->end - f->data), 0,
                    keep_alive);
            return;
        }
    }
    respond_text(c, 404, "no such page\n", keep_alive);
}

/* Moves received data from c->rx into req[] as far as there is room,
 * opening the window by as much. */
static void fill(struct conn *c)
{
    while (c->rx != NULL && c->req_len < sizeof(c->req)) {
        size_t room = sizeof(c->req) - c->req_len;
        u16_t n = (u16_t)(c->rx->tot_len < room ? c->rx->tot_len : room);
        pbuf_copy_partial(c->rx, c->req + c->req_len, n, 0);
        c->req_len += n;
        c->rx = pbuf_free_header(c->rx, n);
        tcp_recved(c->pcb, n);
    }
}

/*
 * Moves the connection on: pushes the response being queued; when it is all
 * queued, closes the connection if it ends with it, else answers the next
 * complete request. Returns ERR_ABRT if the connection was aborted.
 */
static err_t advance(struct conn *c)
{
    for (;;) {
        if (c->closing)
            return ERR_OK;
        if (response_pending(c)) {
            if (push(c) != ERR_OK)
                return conn_abort(c);
            if (response_pending(c))
                return ERR_OK;
        }
        if (c->close_after)
            return conn_close(c);
        fill(c);
        size_t head = head_length(c->req, c->req_len);
        if (head == 0) {
            if (c->req_len == sizeof(c->req)) {
                respond_text(c, 431, "request head too large\n", 0);
                continue;
            }
            if (c->peer_closed && c->rx == NULL)
                return conn_close(c);
            return ERR_OK;
        }
        handle_request(c, c->req, head);
        /* After an answer that closes the connection, nothing more is
         * read; else the next request moves to the front. */
        memmove(c->req, c->req + head, c->req_len - head);
        c->req_len -= head;
    }
}

/* --- lwIP callbacks ------------------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;

    if (c == NULL || (p != NULL && (c->closing || c->close_after))) {
        /* Not ours any more, or after the last answer: dropped. */
        if (p != NULL) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        c->peer_closed = 1;
        return advance(c);
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return err;
    }
    c->idle = 0;
    /* What is held is at most a window (TCP_WND < 64 KiB): fits a pbuf's
     * 16-bit tot_len. */
    if (c->rx == NULL)
        c->rx = p;
    else
        pbuf_cat(c->rx, p);
    return advance(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct conn *c = arg;
    (void)pcb;
    (void)len;
    if (c == NULL)
        return ERR_OK;
    c->idle = 0;
    return advance(c);
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    struct conn *c = arg;
    if (c == NULL) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (c->closing) {
        c->closing = 0;
        return conn_close(c);
    }
    if (response_pending(c)) { /* lwIP was out of memory: try again */
        err_t err = advance(c);
        if (err != ERR_OK || c->pcb != pcb)
            return err;
    }
    if (++c->idle >= IDLE_SECONDS / (POLL_INTERVAL / 2))
        return conn_close(c);
    return ERR_OK;
}

/* The pcb is gone already (reset by the peer, or aborted by lwIP). */
static void on_err(void *arg, err_t err)
{
    struct conn *c = arg;
    (void)err;
    if (c != NULL)
        conn_release(c, NULL);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL)
        return ERR_VAL;
    struct conn *c = conn_alloc();
    if (c == NULL) {
        httpd_stats.connections_refused++;
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    httpd_stats.connections++;
    httpd_stats.connections_open++;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, POLL_INTERVAL);
    /* Responses go out at once, whatever their last segment's size. */
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int httpd_http_start(void)
{
    start_ns = solo5_clock_monotonic();
    for (int i = HTTPD_MAX_CONNS - 1; i >= 0; i--) {
        conns[i].next_free = free_head;
        free_head = i;
    }
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (pcb == NULL)
        return -1;
    if (tcp_bind(pcb, IP_ANY_TYPE, HTTP_PORT) != ERR_OK) {
        tcp_close(pcb);
        return -1;
    }
    struct tcp_pcb *listen = tcp_listen_with_backlog(pcb, 255);
    if (listen == NULL) {
        tcp_close(pcb);
        return -1;
    }
    tcp_accept(listen, on_accept);
    return 0;
}
