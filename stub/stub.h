/* Declarations shared by the modules of the stub. */
#ifndef NABLA_STUB_H
#define NABLA_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "nabla/packed.h"

/* Name the stub uses in messages: its argv[0]. */
extern const char *stub_progname;

/* Prints "PROG: error: MESSAGE" as one line on stderr and exits 1. */
void stub_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* Same, with ": strerror(errno)" appended. */
void stub_die_errno(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* payload.c: what nabla-pack baked into this executable. */
const struct nabla_payload *payload_find(void);
const struct mft *payload_mft(const struct nabla_payload *p);
/* The i-th string of a string list of the payload. */
const char *payload_string(const struct nabla_payload *p, uint32_t offset,
                           uint32_t size, uint32_t count, uint32_t i);

/* options.c: the command line, after the pack-time defaults. */
struct stub_config {
    uint64_t mem_mb;
    bool help;
    bool version;
    int guest_argc;
    const char *const *guest_argv;
};

void options_parse(struct stub_config *cfg, const struct nabla_payload *p,
                   int argc, char **argv);
void options_print_help(const struct nabla_payload *p);
void options_print_version(void);

/* memory.c: guest memory [SPT_HOST_MEM_BASE, mem_size) around the segments. */
void memory_map_guest(const struct nabla_payload *p, uint64_t mem_size);

/* seccomp.c: the policy of ABI.md §4 for this guest's devices. */
struct seccomp_policy {
    int epollfd;
    int timerfd;
    const struct mft *mft; /* the filled-in manifest: device fds and sizes */
};
void seccomp_install(const struct seccomp_policy *policy);

#endif
