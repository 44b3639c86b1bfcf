/*
 * abtime N -- A [ARGS...] -- B [ARGS...]: start-to-exit times of two
 * programs, run alternately (A, B, A, B, ...) N times each after N / 10 of
 * each to warm up, so that a slow phase of the machine hits both alike;
 * their output goes to /dev/null. Prints
 *     A MEDIAN_US B MEDIAN_US RATIO
 * (RATIO = B's median / A's). For the arm64 VM (bench/arm64-start), whose
 * busybox has no hyperfine; built static for aarch64 by mk/aarch64.mk.
 * Exit status 1 if a run does not exit 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One run of argv; its time in ns, or -1 if it did not exit 0. */
static long long run_once(char **argv)
{
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    long long t = now_ns() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double median_us(long long *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_ll);
    long long m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return (double)m / 1000.0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 0;
    int a = 3, b = -1;
    for (int i = a; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            b = i + 1;
            argv[i] = NULL;
            break;
        }
    if (n < 1 || argc < 6 || strcmp(argv[2], "--") != 0 || b < 0 || b >= argc) {
        fprintf(stderr, "usage: abtime N -- A [ARGS...] -- B [ARGS...]\n");
        return 2;
    }
    long long *ta = calloc((size_t)n, sizeof(*ta));
    long long *tb = calloc((size_t)n, sizeof(*tb));
    if (ta == NULL || tb == NULL)
        return 2;
    for (int i = 0; i < n / 10 + 1; i++)
        if (run_once(argv + a) < 0 || run_once(argv + b) < 0) {
            fprintf(stderr, "abtime: a warm-up run failed\n");
            return 1;
        }
    for (int i = 0; i < n; i++) {
        ta[i] = run_once(argv + a);
        tb[i] = run_once(argv + b);
        if (ta[i] < 0 || tb[i] < 0) {
            fprintf(stderr, "abtime: run %d of %s failed\n", i,
                    ta[i] < 0 ? argv[a] : argv[b]);
            return 1;
        }
    }
    double ma = median_us(ta, n), mb = median_us(tb, n);
    printf("A %.1f B %.1f %.3f\n", ma, mb, mb / ma);
    return 0;
}
