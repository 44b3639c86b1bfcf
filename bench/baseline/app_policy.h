/*
 * The seccomp program of a packed app with one block device, made by the
 * stub's own policy and compiler (common/), for the baselines that run
 * under it (blkbench --filter=app, filtercost app).
 */
#ifndef NABLA_BENCH_APP_POLICY_H
#define NABLA_BENCH_APP_POLICY_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* The program for block device fd (bs-byte blocks, capacity bytes; the
 * epoll and timer fds: the two after it) into out; its length, 0 if it did
 * not compile. */
size_t app_block_program(int fd, uint64_t bs, uint64_t capacity,
                         struct sock_filter *out, size_t max);

/*
 * Sets no_new_privs and loads, by name: "none" (nothing), "one" (allow: one
 * instruction, which the kernel's cache of always-allowed calls spares from
 * ever running), "run" (load an argument, allow: two instructions that run
 * on every call) or "app" (app_block_program for fd). Returns 0, or -1 with
 * a line on fd 1 saying why.
 */
int app_load_filter(const char *mode, int fd, uint64_t bs, uint64_t capacity);

#endif
