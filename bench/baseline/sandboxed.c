/*
 * Baseline for start-up, the floor of any self-sandboxing process: a static
 * musl program that sets no_new_privs, loads a seccomp filter of N BPF
 * instructions (argv[1]: the length of the packed app's own program, from
 * APP --print-policy), then prints one line. With "stamp" after N, the line
 * is the CLOCK_MONOTONIC time in nanoseconds taken right after the filter
 * is in place (for bench/baseline/entrytime.c). The filter is N - 1 no-op
 * jumps and "allow", so that it does not kill the program's own calls; what
 * the kernel does at load time (checking, translating and caching the
 * program) depends on its length.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static struct sock_filter filter[BPF_MAXINSNS];
    long n = argc >= 2 ? strtol(argv[1], NULL, 10) : 0;
    int stamp = argc == 3 && strcmp(argv[2], "stamp") == 0;

    if (n < 1 || n > BPF_MAXINSNS || argc > 2 + stamp) {
        fprintf(stderr, "usage: sandboxed N [stamp] (1 <= N <= %d)\n",
                BPF_MAXINSNS);
        return 2;
    }
    for (long i = 0; i < n - 1; i++)
        filter[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
    filter[n - 1] =
        (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = filter};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("sandboxed");
        return 1;
    }
    if (stamp) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        printf("%lld\n", ts.tv_sec * 1000000000LL + ts.tv_nsec);
        return 0;
    }
    puts("Hello, World");
    return 0;
}
