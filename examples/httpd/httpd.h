/* The parts of the httpd example (see main.c) and what they share. */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/netif.h"

/* Counters shown on /stats. */
struct httpd_stats {
    uint64_t frames_in, frames_out; /* Ethernet frames read / written */
    uint64_t bytes_in, bytes_out;   /* their bytes */
    uint64_t frames_dropped;        /* read but no pbuf to put them in */
    uint64_t tx_errors;             /* frames the device did not take */
    uint64_t requests;              /* HTTP requests answered */
    uint64_t status[6];             /* by class: [2] = 2xx, ... [5] */
    uint64_t not_found, bad_method; /* 404 and 405 answers */
    uint64_t connections;           /* accepted */
    uint64_t connections_open;      /* now */
    uint64_t connections_refused;   /* no connection slot left */
    uint64_t time_wait_reused;      /* TIME-WAIT pcbs a new SYN replaced */
};
extern struct httpd_stats httpd_stats;

/* main.c: formatted output on the console. */
void httpd_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (lwIP's diagnostics use it too). */
void httpd_vprint(const char *fmt, va_list ap);

/* platform.c: seeds the random numbers and the ISN key. */
void httpd_seed(const uint8_t mac[6]);

/* netif.c: the Solo5 net device "service" as an lwIP netif. */
int httpd_netif_acquire(const char *name, uint8_t mac[6], size_t *mtu);
err_t httpd_netif_init(struct netif *nif);
/* Reads and hands to lwIP every frame waiting on the device. */
void httpd_netif_drain(struct netif *nif);
uint64_t httpd_netif_handle(void);

/* timewait.c: before lwIP sees a received frame: a SYN that reuses the
 * addresses and ports of a connection in TIME-WAIT, and is newer than it,
 * ends that TIME-WAIT, so that the listener takes the SYN. */
void httpd_timewait_reuse(const uint8_t *frame, size_t len);

/* http.c: the server on TCP port 80. */
int httpd_http_start(void);

/* site.S: the embedded files. */
extern const uint8_t site_index_html[], site_index_html_end[];
extern const uint8_t site_random_bin[], site_random_bin_end[];

#endif
