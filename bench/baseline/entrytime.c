/*
 * entrytime RUNS COMMAND [ARG...]: runs COMMAND RUNS times and prints the
 * median time, in microseconds, from just before its execve to the
 * CLOCK_MONOTONIC time in nanoseconds it prints as the first line of its
 * standard output (bench/guests/stamp.c; bench/baseline/sandboxed.c with
 * "stamp"), both read from CLOCK_MONOTONIC: the time from exec to the program's
 * first instruction. Also prints the minimum: "median MEDIAN_US min MIN_US".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* One run: the time from before execve to the stamp, in ns; -1 on error.
 * The child leaves its start time in shared memory, not in the pipe: a
 * write would wake the parent, which could then run before the execve. */
static long long one_run(char **argv, volatile long long *t0)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    *t0 = -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        *t0 = now_ns();
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    char buf[256];
    size_t len = 0;
    ssize_t r;
    while ((r = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)r;
    close(fds[0]);
    buf[len] = '\0';
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    long long t1;
    if (sscanf(buf, "%lld", &t1) != 1 || *t0 < 0 || t1 < *t0)
        return -1;
    return t1 - *t0;
}

int main(int argc, char **argv)
{
    long runs = argc > 2 ? strtol(argv[1], NULL, 10) : 0;
    if (runs < 1) {
        fprintf(stderr, "usage: entrytime RUNS COMMAND [ARG...]\n");
        return 2;
    }
    long long *t = calloc((size_t)runs, sizeof(*t));
    long long *t0 = mmap(NULL, sizeof(*t0), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t == NULL || t0 == MAP_FAILED)
        return 1;
    for (long i = 0; i < runs; i++) {
        t[i] = one_run(argv + 2, t0);
        if (t[i] < 0) {
            fprintf(stderr, "entrytime: %s failed or printed no time\n",
                    argv[2]);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    long long med =
        runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    printf("median %.1f min %.1f\n", med / 1e3, t[0] / 1e3);
    return 0;
}
