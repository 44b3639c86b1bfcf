/* The user-mode network relay's seccomp policy (relay_policy.h). */
#include "relay_policy.h"

#include "nabla/relay_syscalls.h"

/* A condition with a name printed instead of its value. */
static struct policy_cond named(unsigned arg, uint64_t value,
                                const char *arg_name, const char *value_name)
{
    struct policy_cond c = {.arg = (uint8_t)arg,
                            .op = POLICY_EQ,
                            .value = value,
                            .arg_name = arg_name,
                            .value_name = value_name};
    return c;
}

/* A condition on one of the relay's own fds: the number when printed with
 * run-time values, what it is when printed symbolically. */
static struct policy_cond fd_is(unsigned arg, int fd, const char *arg_name,
                                const char *meaning)
{
    struct policy_cond c = {.arg = (uint8_t)arg,
                            .op = POLICY_EQ,
                            .value = (uint64_t)fd,
                            .arg_name = arg_name,
                            .meaning = meaning};
    return c;
}

enum result policy_add_relay(struct policy *p,
                             const struct relay_policy_fds *fds,
                             struct result_msg *msg)
{
    const struct policy_cond epollfd =
        fd_is(0, fds->epollfd, "fd", "the relay's epoll fd");
    const struct policy_cond no_info = named(2, 0, "info", "NULL");
    const struct policy_cond no_flags = named(3, 0, "flags", "0");
    const struct policy_rule rules[] = {
        /* Frames to and from the guest, bytes to and from host sockets,
         * the signalfd, messages on stderr: any fd the relay holds. */
        {.nr = RELAY_NR_READ,
         .name = "read",
         .what = "frames, sockets, signals"},
        {.nr = RELAY_NR_WRITE,
         .name = "write",
         .what = "frames, sockets, messages"},
        {.nr = RELAY_NR_CLOSE, .name = "close", .what = "connections"},
        {.nr = RELAY_NR_EXIT_GROUP, .name = "exit_group", .what = "exit"},
        {.nr = RELAY_NR_EPOLL_PWAIT,
         .name = "epoll_pwait",
         .what = "wait",
         .cond = {epollfd, named(4, 0, "sigmask", "NULL")}},
        {.nr = RELAY_NR_EPOLL_CTL,
         .name = "epoll_ctl",
         .what = "wait",
         .cond = {epollfd}},
        {.nr = RELAY_NR_CLOCK_GETTIME,
         .name = "clock_gettime",
         .what = "timers",
         .cond = {named(0, RELAY_CLOCK_MONOTONIC, "clock", "CLOCK_MONOTONIC")}},
        /* Inbound: connections to the forwarded ports (listening since
         * before the relay started). */
        {.nr = RELAY_NR_ACCEPT4,
         .name = "accept4",
         .what = "forwarded connections",
         .cond = {named(3, RELAY_SOCK_NONBLOCK | RELAY_SOCK_CLOEXEC, "flags",
                        "SOCK_NONBLOCK|SOCK_CLOEXEC")}},
        /* Outbound: the guest's connections and datagrams, IPv4 only. */
        {.nr = RELAY_NR_SOCKET,
         .name = "socket",
         .what = "outbound TCP",
         .cond = {named(0, RELAY_AF_INET, "domain", "AF_INET"),
                  named(1,
                        RELAY_SOCK_STREAM | RELAY_SOCK_NONBLOCK |
                            RELAY_SOCK_CLOEXEC,
                        "type", "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC"),
                  named(2, 0, "protocol", "0")}},
        {.nr = RELAY_NR_SOCKET,
         .name = "socket",
         .what = "outbound UDP",
         .cond = {named(0, RELAY_AF_INET, "domain", "AF_INET"),
                  named(1,
                        RELAY_SOCK_DGRAM | RELAY_SOCK_NONBLOCK |
                            RELAY_SOCK_CLOEXEC,
                        "type", "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC"),
                  named(2, 0, "protocol", "0")}},
        {.nr = RELAY_NR_CONNECT,
         .name = "connect",
         .what = "outbound",
         .cond = {named(2, RELAY_SOCKADDR_IN_SIZE, "addrlen",
                        "sizeof(struct sockaddr_in)")}},
        {.nr = RELAY_NR_GETSOCKOPT,
         .name = "getsockopt",
         .what = "connect result",
         .cond = {named(1, RELAY_SOL_SOCKET, "level", "SOL_SOCKET"),
                  named(2, RELAY_SO_ERROR, "optname", "SO_ERROR")}},
        {.nr = RELAY_NR_SETSOCKOPT,
         .name = "setsockopt",
         .what = "no delay",
         .cond = {named(1, RELAY_IPPROTO_TCP, "level", "IPPROTO_TCP"),
                  named(2, RELAY_TCP_NODELAY, "optname", "TCP_NODELAY")}},
        {.nr = RELAY_NR_SETSOCKOPT,
         .name = "setsockopt",
         .what = "reset on abort",
         .cond = {named(1, RELAY_SOL_SOCKET, "level", "SOL_SOCKET"),
                  named(2, RELAY_SO_LINGER, "optname", "SO_LINGER")}},
        {.nr = RELAY_NR_SHUTDOWN,
         .name = "shutdown",
         .what = "half close",
         .cond = {named(1, RELAY_SHUT_WR, "how", "SHUT_WR")}},
        /* Datagrams of forwarded UDP ports: from and back to their
         * senders. */
        {.nr = RELAY_NR_RECVFROM,
         .name = "recvfrom",
         .what = "UDP",
         .cond = {no_flags}},
        {.nr = RELAY_NR_SENDTO,
         .name = "sendto",
         .what = "UDP",
         .cond = {no_flags, named(5, RELAY_SOCKADDR_IN_SIZE, "addrlen",
                                  "sizeof(struct sockaddr_in)")}},
        /* The guest's life: its signals passed on, its end seen and its
         * status taken over. */
        {.nr = RELAY_NR_PIDFD_SEND_SIGNAL,
         .name = "pidfd_send_signal",
         .what = "signals to the guest",
         .cond = {fd_is(0, fds->guest_pidfd, "pidfd", "the guest's pidfd"),
                  no_info, no_flags}},
        {.nr = RELAY_NR_PIDFD_SEND_SIGNAL,
         .name = "pidfd_send_signal",
         .what = "the guest's end signal",
         .cond = {fd_is(0, fds->self_pidfd, "pidfd", "the relay's own pidfd"),
                  no_info, no_flags}},
        {.nr = RELAY_NR_WAITID,
         .name = "waitid",
         .what = "the guest's end",
         .cond = {named(0, RELAY_P_PIDFD, "idtype", "P_PIDFD"),
                  fd_is(1, fds->guest_pidfd, "id", "the guest's pidfd"),
                  named(3, RELAY_WEXITED | RELAY_WNOHANG, "options",
                        "WEXITED|WNOHANG")}},
        {.nr = RELAY_NR_RT_SIGPROCMASK,
         .name = "rt_sigprocmask",
         .what = "the guest's end signal",
         .cond = {named(0, RELAY_SIG_UNBLOCK, "how", "SIG_UNBLOCK")}},
    };

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (policy_add(p, &rules[i], msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
}

const char relay_confinement[] =
    "before the filter: no capabilities (emptied before the fork), "
    "no_new_privs set, core dumps off (RLIMIT_CORE 0); the guest's fds "
    "closed, guest memory unmapped, the environment wiped\n"
    "the guest runs in the relay's child with PR_SET_PDEATHSIG SIGKILL: if "
    "the relay ends, the guest is killed; when the guest ends (its pidfd), "
    "the relay ends with the guest's exit status or signal\n";
