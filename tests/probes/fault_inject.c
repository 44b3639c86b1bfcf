/*
 * fault_inject: runs a command under ptrace and makes chosen system calls
 * fail, or changes their arguments, counted from the command's (last)
 * execve; for tests/startup-faults.bats. x86_64 only.
 *
 *   fault_inject [-l LOG] [-L] [RULE...] -- COMMAND [ARG...]
 *
 *   RULE is CALL[@N[+]]=ACTION: the Nth call (from 1; default 1) of CALL,
 *   or with "+" the Nth and every later one; CALL is a name (the table
 *   below) or a number. ACTION is one of
 *     ENAME or a number   the call is not made (its number is replaced by
 *                         -1 at entry) and returns -errno
 *     ret:V               not made; returns V
 *     argK=V              argument K (0 to 5) becomes V, then it is made
 *     argK&~M             the bits M of argument K are cleared, then made
 *   Numbers are C style (0x..., negative allowed).
 *   -l LOG  appends one line per rule applied: "NAME#N ACTION".
 *   -L      appends to LOG one line per call the command makes, up to and
 *           including seccomp(SECCOMP_SET_MODE_FILTER):
 *           "NAME#N ARG0 ... ARG5 = RESULT", numbers in hex.
 *
 * The command's signals are passed to it, and signals sent to
 * fault_inject (TERM, INT, HUP, QUIT, USR1, USR2) are forwarded to it.
 * fault_inject exits as the command did: with its status, or killed by
 * its signal (without a core dump). Status 2 with a message: a usage or
 * set-up error of its own.
 *
 * The command is not followed into its children. The stub's seccomp
 * filter does not hinder tracing (the tracer is outside it); once every
 * rule has been used up and nothing is listed, the command runs without
 * system-call stops.
 */
#ifndef __x86_64__
#error "fault_inject knows x86_64's system calls only"
#endif
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RULES 16
#define MAX_NR 1024

struct named {
    const char *name;
    long nr;
};

/* The calls a packed executable makes at start-up, and a few more. */
static const struct named calls[] = {
    {"read", SYS_read},
    {"write", SYS_write},
    {"writev", SYS_writev},
    {"open", SYS_open},
    {"close", SYS_close},
    {"stat", SYS_stat},
    {"fstat", SYS_fstat},
    {"mmap", SYS_mmap},
    {"mprotect", SYS_mprotect},
    {"munmap", SYS_munmap},
    {"brk", SYS_brk},
    {"rt_sigaction", SYS_rt_sigaction},
    {"rt_sigprocmask", SYS_rt_sigprocmask},
    {"ioctl", SYS_ioctl},
    {"pread64", SYS_pread64},
    {"pwrite64", SYS_pwrite64},
    {"mremap", SYS_mremap},
    {"madvise", SYS_madvise},
    {"getpid", SYS_getpid},
    {"socket", SYS_socket},
    {"socketpair", SYS_socketpair},
    {"clone", SYS_clone},
    {"fork", SYS_fork},
    {"execve", SYS_execve},
    {"exit", SYS_exit},
    {"wait4", SYS_wait4},
    {"kill", SYS_kill},
    {"fcntl", SYS_fcntl},
    {"flock", SYS_flock},
    {"getrlimit", SYS_getrlimit},
    {"capget", SYS_capget},
    {"capset", SYS_capset},
    {"personality", SYS_personality},
    {"prctl", SYS_prctl},
    {"arch_prctl", SYS_arch_prctl},
    {"gettid", SYS_gettid},
    {"set_tid_address", SYS_set_tid_address},
    {"clock_gettime", SYS_clock_gettime},
    {"exit_group", SYS_exit_group},
    {"epoll_wait", SYS_epoll_wait},
    {"epoll_ctl", SYS_epoll_ctl},
    {"openat", SYS_openat},
    {"ppoll", SYS_ppoll},
    {"timerfd_create", SYS_timerfd_create},
    {"timerfd_settime", SYS_timerfd_settime},
    {"epoll_pwait", SYS_epoll_pwait},
    {"epoll_create1", SYS_epoll_create1},
    {"pipe2", SYS_pipe2},
    {"prlimit64", SYS_prlimit64},
    {"seccomp", SYS_seccomp},
    {"getrandom", SYS_getrandom},
    {"pidfd_open", SYS_pidfd_open},
    {"clone3", SYS_clone3},
    {"close_range", SYS_close_range},
};

static const struct named errnos[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"EBADF", EBADF},
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EFAULT", EFAULT},
    {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},
    {"ENODEV", ENODEV},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"ENOTTY", ENOTTY},
    {"ENOSPC", ENOSPC},
    {"ENOSYS", ENOSYS},
    {"EROFS", EROFS},
    {"ENOTSUP", ENOTSUP},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOLCK", ENOLCK},
    {"EWOULDBLOCK", EWOULDBLOCK},
    {"ENXIO", ENXIO},
    {"EPIPE", EPIPE},
};

enum action { FAIL, RETURN, SET_ARG, CLEAR_ARG_BITS };

struct rule {
    long nr;
    unsigned long nth;
    bool and_later;
    enum action action;
    int arg;
    long long value;
    const char *text; /* the ACTION as given, for the log */
    bool used;
};

static struct rule rules[MAX_RULES];
static size_t nrules;
static FILE *log_file;
static bool listing;
static pid_t child;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fault_inject: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (child > 0)
        kill(child, SIGKILL);
    exit(2);
}

static bool parse_number(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno == ERANGE) {
        errno = 0;
        v = (long long)strtoull(s, &end, 0);
    }
    if (errno != 0 || end == s || *end != '\0')
        return false;
    *out = v;
    return true;
}

static const char *call_name(long nr)
{
    static char buf[32];
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        if (calls[i].nr == nr)
            return calls[i].name;
    }
    snprintf(buf, sizeof(buf), "syscall_%ld", nr);
    return buf;
}

static long call_number(const char *s)
{
    long long v;
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        if (strcmp(calls[i].name, s) == 0)
            return calls[i].nr;
    }
    if (!parse_number(s, &v) || v < 0 || v >= MAX_NR)
        die("unknown system call '%s'", s);
    return (long)v;
}

/* CALL[@N[+]]=ACTION */
static void parse_rule(char *arg)
{
    if (nrules == MAX_RULES)
        die("more than %d rules", MAX_RULES);
    struct rule *r = &rules[nrules++];
    char *eq = strchr(arg, '=');
    if (eq == NULL)
        die("rule '%s': expected CALL[@N[+]]=ACTION", arg);
    *eq = '\0';
    const char *action = eq + 1;
    char *at = strchr(arg, '@');
    r->nth = 1;
    if (at != NULL) {
        *at = '\0';
        size_t len = strlen(at + 1);
        if (len > 0 && at[len] == '+') {
            r->and_later = true;
            at[len] = '\0';
        }
        long long n;
        if (!parse_number(at + 1, &n) || n < 1)
            die("rule for '%s': bad occurrence '%s'", arg, at + 1);
        r->nth = (unsigned long)n;
    }
    r->nr = call_number(arg);
    r->text = action;

    long long v;
    if (strncmp(action, "ret:", 4) == 0) {
        if (!parse_number(action + 4, &v))
            die("rule for '%s': bad return value '%s'", arg, action + 4);
        r->action = RETURN;
        r->value = v;
        return;
    }
    if (strncmp(action, "arg", 3) == 0 && action[3] >= '0' &&
        action[3] <= '5') {
        r->arg = action[3] - '0';
        if (action[4] == '=' && parse_number(action + 5, &v)) {
            r->action = SET_ARG;
            r->value = v;
            return;
        }
        if (action[4] == '&' && action[5] == '~' &&
            parse_number(action + 6, &v)) {
            r->action = CLEAR_ARG_BITS;
            r->value = v;
            return;
        }
        die("rule for '%s': bad argument change '%s'", arg, action);
    }
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
        if (strcmp(errnos[i].name, action) == 0) {
            r->action = FAIL;
            r->value = errnos[i].nr;
            return;
        }
    }
    if (parse_number(action, &v) && v > 0 && v < 4096) {
        r->action = FAIL;
        r->value = v;
        return;
    }
    die("rule for '%s': unknown action '%s'", arg, action);
}

static bool rules_pending(void)
{
    for (size_t i = 0; i < nrules; i++) {
        if (!rules[i].used || rules[i].and_later)
            return true;
    }
    return false;
}

static unsigned long long *arg_reg(struct user_regs_struct *regs, int k)
{
    switch (k) {
    case 0:
        return &regs->rdi;
    case 1:
        return &regs->rsi;
    case 2:
        return &regs->rdx;
    case 3:
        return &regs->r10;
    case 4:
        return &regs->r8;
    default:
        return &regs->r9;
    }
}

static void get_regs(struct user_regs_struct *regs)
{
    if (ptrace(PTRACE_GETREGS, child, 0, regs) != 0)
        die("PTRACE_GETREGS: %s", strerror(errno));
}

static void set_regs(struct user_regs_struct *regs)
{
    if (ptrace(PTRACE_SETREGS, child, 0, regs) != 0)
        die("PTRACE_SETREGS: %s", strerror(errno));
}

static void forward(int sig)
{
    if (child > 0)
        kill(child, sig);
}

/* Ends this process as the command ended. */
static void __attribute__((noreturn)) end_like(int status)
{
    if (log_file != NULL)
        fclose(log_file);
    if (WIFEXITED(status))
        exit(WEXITSTATUS(status));
    int sig = WTERMSIG(status);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    exit(128 + sig);
}

int main(int argc, char **argv)
{
    const char *log_path = NULL;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            log_path = argv[++i];
        else if (strcmp(argv[i], "-L") == 0)
            listing = true;
        else
            parse_rule(argv[i]);
    }
    if (i + 1 >= argc)
        die("usage: fault_inject [-l LOG] [-L] [CALL[@N[+]]=ACTION...] -- "
            "COMMAND [ARG...]");
    if (listing && log_path == NULL)
        die("-L needs -l LOG");
    if (log_path != NULL) {
        log_file = fopen(log_path, "ae");
        if (log_file == NULL)
            die("%s: %s", log_path, strerror(errno));
        setvbuf(log_file, NULL, _IOLBF, 0);
    }
    char **command = argv + i + 1;

    child = fork();
    if (child < 0)
        die("fork: %s", strerror(errno));
    if (child == 0) {
        raise(SIGSTOP); /* until the parent has seized this process */
        execvp(command[0], command);
        fprintf(stderr, "fault_inject: %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(child, &status, WUNTRACED) != child || !WIFSTOPPED(status))
        die("the child did not stop before its execve");
    long options =
        PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, child, 0, options) != 0)
        die("PTRACE_SEIZE: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward;
    int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t k = 0; k < sizeof(forwarded) / sizeof(forwarded[0]); k++)
        sigaction(forwarded[k], &sa, NULL);
    kill(child, SIGCONT);

    bool started = false;     /* the command's execve has happened */
    bool stepping = true;     /* system-call stops wanted */
    bool filter_seen = false; /* listed up to seccomp: listing done */
    unsigned long count[MAX_NR] = {0};
    long pending_ret = 0;
    bool pending = false; /* a skipped call's result to set at exit */
    bool list_exit = false;

    for (;;) {
        pid_t got = waitpid(child, &status, __WALL);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid: %s", strerror(errno));
        }
        if (WIFEXITED(status) || WIFSIGNALED(status))
            end_like(status);
        if (!WIFSTOPPED(status))
            continue;
        int sig = WSTOPSIG(status);
        int event = status >> 16;
        int inject = 0;
        long resume = stepping ? PTRACE_SYSCALL : PTRACE_CONT;

        if (sig == (SIGTRAP | 0x80)) {
            struct __ptrace_syscall_info info;
            if (ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), &info) <=
                0)
                die("PTRACE_GET_SYSCALL_INFO: %s", strerror(errno));
            if (info.op == PTRACE_SYSCALL_INFO_ENTRY && started) {
                long nr = (long)info.entry.nr;
                unsigned long n = nr >= 0 && nr < MAX_NR ? ++count[nr] : 0;
                struct user_regs_struct regs;
                bool changed = false;
                get_regs(&regs);
                for (size_t k = 0; k < nrules; k++) {
                    struct rule *r = &rules[k];
                    if (r->nr != nr || n < r->nth ||
                        (n > r->nth && !r->and_later))
                        continue;
                    r->used = true;
                    if (log_file != NULL)
                        fprintf(log_file, "%s#%lu %s\n", call_name(nr), n,
                                r->text);
                    if (r->action == FAIL || r->action == RETURN) {
                        regs.orig_rax = (unsigned long long)-1;
                        pending = true;
                        pending_ret =
                            r->action == FAIL ? -r->value : (long)r->value;
                    } else if (r->action == SET_ARG) {
                        *arg_reg(&regs, r->arg) = (unsigned long long)r->value;
                    } else {
                        *arg_reg(&regs, r->arg) &=
                            ~(unsigned long long)r->value;
                    }
                    changed = true;
                }
                if (changed)
                    set_regs(&regs);
                if (listing && !filter_seen) {
                    fprintf(log_file, "%s#%lu", call_name(nr), n);
                    for (int a = 0; a < 6; a++)
                        fprintf(log_file, " %#llx", *arg_reg(&regs, a));
                    list_exit = true;
                    if (nr == SYS_seccomp &&
                        regs.rdi == SECCOMP_SET_MODE_FILTER)
                        filter_seen = true;
                }
            } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
                long ret = (long)info.exit.rval;
                if (pending) {
                    struct user_regs_struct regs;
                    get_regs(&regs);
                    regs.rax = (unsigned long long)pending_ret;
                    set_regs(&regs);
                    ret = pending_ret;
                    pending = false;
                }
                if (list_exit) {
                    fprintf(log_file, " = %#lx\n", ret);
                    list_exit = false;
                }
            }
            if (started && !pending && !list_exit && !rules_pending() &&
                (!listing || filter_seen))
                stepping = false;
            resume = stepping ? PTRACE_SYSCALL : PTRACE_CONT;
        } else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
            /* Counting starts at the last execve (setarch -R APP: APP's). */
            started = true;
            memset(count, 0, sizeof(count));
        } else if (event == PTRACE_EVENT_STOP) {
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
                sig == SIGTTOU) {
                /* A group-stop: stay stopped until SIGCONT. */
                if (ptrace(PTRACE_LISTEN, child, 0, 0) != 0 && errno != ESRCH)
                    die("PTRACE_LISTEN: %s", strerror(errno));
                continue;
            }
        } else {
            inject = sig; /* a signal for the command: delivered */
        }
        if (ptrace(resume, child, 0, inject) != 0 && errno != ESRCH)
            die("resuming the command: %s", strerror(errno));
    }
}
