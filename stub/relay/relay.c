/*
 * The relay process: the app's own process once the guest runs, in its
 * child (attach.c forks). In order:
 *   1. take pidfds of the guest and of itself (Linux 5.3 or later);
 *   2. close every fd but stdio and its own (the socket pair's end, the
 *      forwarded ports), unmap guest memory, wipe the environment;
 *   3. make its epoll set, a signalfd for the signals it passes on, its
 *      memory (arena.c), lwIP, the link;
 *   4. core dumps off, SIGPIPE ignored, no_new_privs, its seccomp filter
 *      (common/relay_policy.c);
 *   5. serve until the guest ends, then end the same way: the guest's exit
 *      status, or the signal that killed it.
 * The relay holds no capabilities (the stub emptied them before the fork).
 * If it dies, the kernel kills the guest (PR_SET_PDEATHSIG in attach.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../stub.h"
#include "bpf.h"
#include "nabla/relay_syscalls.h"
#include "lwip/init.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "relay.h"
#include "relay_policy.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* The policy's numbers and constants (nabla/relay_syscalls.h) are those of
 * the calls the relay makes through the C library: a wrong one fails the
 * build. */
#define SAME(a, b) _Static_assert((a) == (b), #a " is " #b)
SAME(RELAY_NR_READ, SYS_read);
SAME(RELAY_NR_WRITE, SYS_write);
SAME(RELAY_NR_CLOSE, SYS_close);
SAME(RELAY_NR_RT_SIGPROCMASK, SYS_rt_sigprocmask);
SAME(RELAY_NR_SOCKET, SYS_socket);
SAME(RELAY_NR_CONNECT, SYS_connect);
SAME(RELAY_NR_SENDTO, SYS_sendto);
SAME(RELAY_NR_RECVFROM, SYS_recvfrom);
SAME(RELAY_NR_SHUTDOWN, SYS_shutdown);
SAME(RELAY_NR_SETSOCKOPT, SYS_setsockopt);
SAME(RELAY_NR_GETSOCKOPT, SYS_getsockopt);
SAME(RELAY_NR_CLOCK_GETTIME, SYS_clock_gettime);
SAME(RELAY_NR_EXIT_GROUP, SYS_exit_group);
SAME(RELAY_NR_EPOLL_CTL, SYS_epoll_ctl);
SAME(RELAY_NR_WAITID, SYS_waitid);
SAME(RELAY_NR_EPOLL_PWAIT, SYS_epoll_pwait);
SAME(RELAY_NR_ACCEPT4, SYS_accept4);
SAME(RELAY_NR_PIDFD_SEND_SIGNAL, SYS_pidfd_send_signal);
SAME(RELAY_AF_INET, AF_INET);
SAME(RELAY_SOCK_STREAM, SOCK_STREAM);
SAME(RELAY_SOCK_DGRAM, SOCK_DGRAM);
SAME(RELAY_SOCK_NONBLOCK, SOCK_NONBLOCK);
SAME(RELAY_SOCK_CLOEXEC, SOCK_CLOEXEC);
SAME(RELAY_SOCKADDR_IN_SIZE, sizeof(struct sockaddr_in));
SAME(RELAY_SHUT_WR, SHUT_WR);
SAME(RELAY_SOL_SOCKET, SOL_SOCKET);
SAME(RELAY_SO_ERROR, SO_ERROR);
SAME(RELAY_SO_LINGER, SO_LINGER);
SAME(RELAY_IPPROTO_TCP, IPPROTO_TCP);
SAME(RELAY_TCP_NODELAY, TCP_NODELAY);
SAME(RELAY_SIG_UNBLOCK, SIG_UNBLOCK);
SAME(RELAY_P_PIDFD, P_PIDFD);
SAME(RELAY_WNOHANG, WNOHANG);
SAME(RELAY_WEXITED, WEXITED);
SAME(RELAY_CLOCK_MONOTONIC, CLOCK_MONOTONIC);

static int epfd = -1;
static pid_t guest_pid;
static int guest_pidfd = -1, self_pidfd = -1;
static struct relay_watch signal_watch, guest_watch;

struct forward_watch {
    struct relay_watch w;
    const struct net_forward *f;
};
static struct forward_watch forward_watch[NET_FORWARD_MAX];
static size_t nforward_watch;

static uint64_t rand_state;

static void send_guest(int sig)
{
    if (guest_pidfd >= 0)
        syscall(SYS_pidfd_send_signal, guest_pidfd, sig, NULL, 0);
    else
        kill(guest_pid, sig); /* before the filter only */
}

/* Ends the relay with signal sig, as the guest ended (or status 128 + sig
 * where the signal cannot end it, e.g. as PID 1 of a container). */
static void end_with_signal(int sig) __attribute__((noreturn));
static void end_with_signal(int sig)
{
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    if (sig != SIGPIPE && self_pidfd >= 0)
        syscall(SYS_pidfd_send_signal, self_pidfd, sig, NULL, 0);
    _exit(128 + sig);
}

void relay_fatal(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n = snprintf(line, sizeof(line),
                     "%s: error: user-mode network: ", stub_progname);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(line))
        n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line) - 1)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(2, line, (size_t)n) < 0) {
        /* Nothing more to say it with. */
    }
    send_guest(SIGKILL);
    end_with_signal(SIGABRT);
}

void relay_lwip_assert(const char *msg, const char *file, int line)
{
    relay_fatal("lwIP assertion failed: %s (%s:%d)", msg, file, line);
}

uint32_t relay_rand(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (uint32_t)((rand_state * 0x2545f4914f6cdd1dull) >> 32);
}

uint32_t relay_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u +
                      (uint64_t)ts.tv_nsec / 1000000u);
}

u32_t sys_now(void)
{
    return relay_now_ms();
}

static void watch_ctl(int op, struct relay_watch *w, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    if (epoll_ctl(epfd, op, w->fd, &ev) != 0)
        relay_fatal("epoll_ctl(%d, fd %d): %s", op, w->fd, strerror(errno));
    w->events = events;
}

void relay_watch_add(struct relay_watch *w, uint32_t events)
{
    watch_ctl(EPOLL_CTL_ADD, w, events);
}

void relay_watch_set(struct relay_watch *w, uint32_t events)
{
    if (w->events != events)
        watch_ctl(EPOLL_CTL_MOD, w, events);
}

void relay_watch_del(struct relay_watch *w)
{
    struct epoll_event ev = {0};
    epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, &ev);
}

static struct relay_watch *dead_watches;

void relay_watch_close(struct relay_watch *w)
{
    if (w->dead)
        return;
    relay_watch_del(w);
    close(w->fd);
    w->fd = -1;
    w->dead = true;
    w->next_dead = dead_watches;
    dead_watches = w;
}

static void free_dead_watches(void)
{
    while (dead_watches != NULL) {
        struct relay_watch *w = dead_watches;
        dead_watches = w->next_dead;
        relay_arena_free(w);
    }
}

void relay_guest_known(void)
{
    for (size_t i = 0; i < nforward_watch; i++)
        if (forward_watch[i].w.events == 0)
            relay_watch_set(&forward_watch[i].w, EPOLLIN);
}

/* The guest ended (its pidfd is readable): end the same way. */
static void guest_ended(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (waitid((idtype_t)P_PIDFD, (id_t)guest_pidfd, &si, WEXITED | WNOHANG) !=
        0)
        relay_fatal("waitid: %s", strerror(errno));
    if (si.si_pid == 0)
        return; /* not yet */
    if (si.si_code == CLD_EXITED)
        _exit(si.si_status);
    end_with_signal(si.si_status);
}

static void pass_signals(void)
{
    struct signalfd_siginfo ssi;
    while (read(signal_watch.fd, &ssi, sizeof(ssi)) == sizeof(ssi))
        send_guest((int)ssi.ssi_signo);
}

static void tick(void *arg)
{
    (void)arg;
    tcp_relay_tick();
    udp_relay_tick();
    sys_timeout(1000, tick, NULL);
}

/* Every fd but stdio and the relay's own is the guest's: closed here. */
static void close_guest_fds(void)
{
    int keep[2 + USERNET_MAX_DEVICES * (1 + NET_FORWARD_MAX)];
    size_t n = 0;
    keep[n++] = guest_pidfd;
    keep[n++] = self_pidfd;
    for (size_t i = 0; i < usernet.ndevices; i++) {
        keep[n++] = usernet.dev[i].relay_fd;
        for (size_t k = 0; k < usernet.dev[i].nforwards; k++)
            keep[n++] = usernet.dev[i].listen_fd[k];
    }
    for (size_t i = 1; i < n; i++) /* sorted, for harden_close_fds */
        for (size_t k = i; k > 0 && keep[k - 1] > keep[k]; k--) {
            int t = keep[k];
            keep[k] = keep[k - 1];
            keep[k - 1] = t;
        }
    harden_close_fds(keep, n);
}

/* The relay's policy and program: built once, by load_filter or
 * usernet_print_policy. */
static struct policy relay_pol;
static struct sock_filter relay_prog[BPF_MAXINSNS];

/* Builds and compiles the policy for these fds; returns the program's
 * length, 0 if it does not fit or compile. */
static size_t relay_filter(const struct relay_policy_fds *fds)
{
    struct result_msg msg; /* cannot happen: the callers say it at once */

    relay_pol.nrules = 0;
    if (policy_add_relay(&relay_pol, fds, &msg) != RESULT_OK)
        return 0;
    return bpf_compile(&relay_pol, relay_prog, BPF_MAXINSNS);
}

static void load_filter(void)
{
    struct relay_policy_fds fds = {
        .epollfd = epfd, .guest_pidfd = guest_pidfd, .self_pidfd = self_pidfd};

    size_t n = relay_filter(&fds);
    if (n == 0)
        relay_fatal("its seccomp policy does not fit or compile");
    /* prlimit, not setrlimit: musl's setrlimit synchronises all threads,
     * which costs the stub much code for nothing here. */
    struct rlimit no_core = {0, 0};
    if (prlimit(0, RLIMIT_CORE, &no_core, NULL) != 0)
        relay_fatal("prlimit(RLIMIT_CORE): %s", strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        relay_fatal("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
    struct sock_fprog fprog = {.len = (unsigned short)n, .filter = relay_prog};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
        relay_fatal("loading its seccomp filter: %s", strerror(errno));
}

static void dispatch(struct relay_watch *w, uint32_t events)
{
    if (w->dead)
        return;
    switch (w->kind) {
    case WATCH_LINK:
        link_event(events);
        break;
    case WATCH_TCP_LISTEN:
        tcp_relay_accept(w, ((struct forward_watch *)w)->f);
        break;
    case WATCH_UDP_FORWARD:
        udp_relay_forward_event(w, ((struct forward_watch *)w)->f);
        break;
    case WATCH_TCP_CONN:
        tcp_relay_event(w, events);
        break;
    case WATCH_UDP_FLOW:
        udp_relay_flow_event(w);
        break;
    case WATCH_SIGNALS:
        pass_signals();
        break;
    case WATCH_GUEST:
        guest_ended();
        break;
    }
}

void relay_main(uint64_t mem_start, uint64_t mem_end, pid_t guest,
                const sigset_t *forwarded)
{
    guest_pid = guest;

    /* 1. The guest's life, and ours, as fds. */
    guest_pidfd = (int)syscall(SYS_pidfd_open, guest, 0);
    self_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (guest_pidfd < 0 || self_pidfd < 0)
        relay_fatal("pidfd_open: %s (user-mode networking needs Linux 5.3 "
                    "or later)",
                    strerror(errno));

    /* 2. Nothing of the guest's, and nothing of the caller's it does not
     * need: the environment (which may hold secrets) is wiped, so that not
     * even a relay the guest took over could send it anywhere. */
    close_guest_fds();
    for (char **e = environ; e != NULL && *e != NULL; e++)
        memset(*e, 0, strlen(*e));
    if (munmap((void *)mem_start, mem_end - mem_start) != 0)
        relay_fatal("unmapping guest memory: %s", strerror(errno));

    /* 3. The event set and everything in it. */
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        relay_fatal("epoll_create1: %s", strerror(errno));
    signal_watch.kind = WATCH_SIGNALS;
    signal_watch.fd = signalfd(-1, forwarded, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_watch.fd < 0)
        relay_fatal("signalfd: %s", strerror(errno));
    relay_watch_add(&signal_watch, EPOLLIN);
    guest_watch.kind = WATCH_GUEST;
    guest_watch.fd = guest_pidfd;
    relay_watch_add(&guest_watch, EPOLLIN);
    if (getrandom(&rand_state, sizeof(rand_state), 0) != sizeof(rand_state))
        relay_fatal("getrandom: %s", strerror(errno));
    rand_state |= 1;
    relay_arena_init();
    lwip_init();
    const struct usernet_device *d = &usernet.dev[0];
    link_init(d);
    for (size_t i = 0; i < d->nforwards; i++) {
        struct forward_watch *fw = &forward_watch[nforward_watch++];
        fw->f = &d->forwards[i];
        fw->w.kind = d->forwards[i].proto == NET_PROTO_TCP ? WATCH_TCP_LISTEN
                                                           : WATCH_UDP_FORWARD;
        fw->w.fd = d->listen_fd[i];
        /* Waiting for nothing until the guest's address is known. */
        relay_watch_add(&fw->w, 0);
    }
    sys_timeout(1000, tick, NULL);

    /* 4. Confined. */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    if (sigaction(SIGPIPE, &ign, NULL) != 0)
        relay_fatal("sigaction(SIGPIPE): %s", strerror(errno));
    load_filter();

    /* 5. Serve. */
    for (;;) {
        struct epoll_event ev[64];
        sys_check_timeouts();
        tcp_relay_after_events();
        free_dead_watches();
        u32_t sleep_ms = sys_timeouts_sleeptime();
        int timeout = sleep_ms > 1000 ? 1000 : (int)sleep_ms;
        int n = epoll_wait(epfd, ev, 64, timeout);
        if (n < 0 && errno != EINTR)
            relay_fatal("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++)
            dispatch(ev[i].data.ptr, ev[i].events);
        tcp_relay_after_events();
        free_dead_watches();
    }
}

void usernet_print_policy(void)
{
    static char text[16 * 1024];
    /* The relay's fds exist only once it runs: named, not numbered. */
    struct relay_policy_fds fds = {-1, -1, -1};

    size_t n = relay_filter(&fds);
    if (n == 0)
        stub_die("the relay's seccomp policy does not fit or compile");
    policy_describe(&relay_pol, 1, text, sizeof(text));
    printf("\nrelay of the user-mode net device '%s' (this process, once the "
           "guest runs in its child):\n",
           usernet.dev[0].name);
    fputs(text, stdout);
    printf("BPF program: %zu instructions\n", n);
    fputs(relay_confinement, stdout);
}
