/* The user-mode network relay's seccomp policy (relay_policy.h). */
#include "relay_policy.h"

#include "nabla/relay_syscalls.h"

/* A condition with a name printed instead of its value. */
static void cond_named(struct policy_rule *r, unsigned arg, uint64_t value,
                       const char *arg_name, const char *value_name)
{
    struct policy_cond c = {.arg = (uint8_t)arg,
                            .op = POLICY_EQ,
                            .value = value,
                            .arg_name = arg_name,
                            .value_name = value_name};
    policy_cond_add(r, &c);
}

/* A condition on one of the relay's own fds: the number when printed with
 * run-time values, what it is when printed symbolically. */
static void cond_fd(struct policy_rule *r, unsigned arg, int fd,
                    const char *arg_name, const char *meaning)
{
    struct policy_cond c = {.arg = (uint8_t)arg,
                            .op = POLICY_EQ,
                            .value = (uint64_t)fd,
                            .arg_name = arg_name,
                            .meaning = meaning};
    policy_cond_add(r, &c);
}

int policy_add_relay(struct policy *p, const struct relay_policy_fds *fds)
{
    struct policy_rule *r;

    /* Frames to and from the guest, bytes to and from host sockets, the
     * signalfd, messages on stderr: any fd the relay holds. */
    policy_add(p, RELAY_NR_READ, "read", "frames, sockets, signals");
    policy_add(p, RELAY_NR_WRITE, "write", "frames, sockets, messages");
    policy_add(p, RELAY_NR_CLOSE, "close", "connections");
    policy_add(p, RELAY_NR_EXIT_GROUP, "exit_group", "exit");

    r = policy_add(p, RELAY_NR_EPOLL_PWAIT, "epoll_pwait", "wait");
    cond_fd(r, 0, fds->epollfd, "fd", "the relay's epoll fd");
    cond_named(r, 4, 0, "sigmask", "NULL");
    r = policy_add(p, RELAY_NR_EPOLL_CTL, "epoll_ctl", "wait");
    cond_fd(r, 0, fds->epollfd, "fd", "the relay's epoll fd");
    r = policy_add(p, RELAY_NR_CLOCK_GETTIME, "clock_gettime", "timers");
    cond_named(r, 0, RELAY_CLOCK_MONOTONIC, "clock", "CLOCK_MONOTONIC");

    /* Inbound: connections to the forwarded ports (listening since before
     * the relay started). */
    r = policy_add(p, RELAY_NR_ACCEPT4, "accept4", "forwarded connections");
    cond_named(r, 3, RELAY_SOCK_NONBLOCK | RELAY_SOCK_CLOEXEC, "flags",
               "SOCK_NONBLOCK|SOCK_CLOEXEC");
    /* Outbound: the guest's connections and datagrams, IPv4 only. */
    r = policy_add(p, RELAY_NR_SOCKET, "socket", "outbound TCP");
    cond_named(r, 0, RELAY_AF_INET, "domain", "AF_INET");
    cond_named(r, 1,
               RELAY_SOCK_STREAM | RELAY_SOCK_NONBLOCK | RELAY_SOCK_CLOEXEC,
               "type", "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
    cond_named(r, 2, 0, "protocol", "0");
    r = policy_add(p, RELAY_NR_SOCKET, "socket", "outbound UDP");
    cond_named(r, 0, RELAY_AF_INET, "domain", "AF_INET");
    cond_named(r, 1,
               RELAY_SOCK_DGRAM | RELAY_SOCK_NONBLOCK | RELAY_SOCK_CLOEXEC,
               "type", "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
    cond_named(r, 2, 0, "protocol", "0");
    r = policy_add(p, RELAY_NR_CONNECT, "connect", "outbound");
    cond_named(r, 2, RELAY_SOCKADDR_IN_SIZE, "addrlen",
               "sizeof(struct sockaddr_in)");
    r = policy_add(p, RELAY_NR_GETSOCKOPT, "getsockopt", "connect result");
    cond_named(r, 1, RELAY_SOL_SOCKET, "level", "SOL_SOCKET");
    cond_named(r, 2, RELAY_SO_ERROR, "optname", "SO_ERROR");
    r = policy_add(p, RELAY_NR_SETSOCKOPT, "setsockopt", "no delay");
    cond_named(r, 1, RELAY_IPPROTO_TCP, "level", "IPPROTO_TCP");
    cond_named(r, 2, RELAY_TCP_NODELAY, "optname", "TCP_NODELAY");
    r = policy_add(p, RELAY_NR_SETSOCKOPT, "setsockopt", "reset on abort");
    cond_named(r, 1, RELAY_SOL_SOCKET, "level", "SOL_SOCKET");
    cond_named(r, 2, RELAY_SO_LINGER, "optname", "SO_LINGER");
    r = policy_add(p, RELAY_NR_SHUTDOWN, "shutdown", "half close");
    cond_named(r, 1, RELAY_SHUT_WR, "how", "SHUT_WR");
    /* Datagrams of forwarded UDP ports: from and back to their senders. */
    r = policy_add(p, RELAY_NR_RECVFROM, "recvfrom", "UDP");
    cond_named(r, 3, 0, "flags", "0");
    r = policy_add(p, RELAY_NR_SENDTO, "sendto", "UDP");
    cond_named(r, 3, 0, "flags", "0");
    cond_named(r, 5, RELAY_SOCKADDR_IN_SIZE, "addrlen",
               "sizeof(struct sockaddr_in)");

    /* The guest's life: its signals passed on, its end seen and its
     * status taken over. */
    r = policy_add(p, RELAY_NR_PIDFD_SEND_SIGNAL, "pidfd_send_signal",
                   "signals to the guest");
    cond_fd(r, 0, fds->guest_pidfd, "pidfd", "the guest's pidfd");
    cond_named(r, 2, 0, "info", "NULL");
    cond_named(r, 3, 0, "flags", "0");
    r = policy_add(p, RELAY_NR_PIDFD_SEND_SIGNAL, "pidfd_send_signal",
                   "the guest's end signal");
    cond_fd(r, 0, fds->self_pidfd, "pidfd", "the relay's own pidfd");
    cond_named(r, 2, 0, "info", "NULL");
    cond_named(r, 3, 0, "flags", "0");
    r = policy_add(p, RELAY_NR_WAITID, "waitid", "the guest's end");
    cond_named(r, 0, RELAY_P_PIDFD, "idtype", "P_PIDFD");
    cond_fd(r, 1, fds->guest_pidfd, "id", "the guest's pidfd");
    cond_named(r, 3, RELAY_WEXITED | RELAY_WNOHANG, "options",
               "WEXITED|WNOHANG");
    r = policy_add(p, RELAY_NR_RT_SIGPROCMASK, "rt_sigprocmask",
                   "the guest's end signal");
    cond_named(r, 0, RELAY_SIG_UNBLOCK, "how", "SIG_UNBLOCK");
    return policy_valid(p) ? 0 : -1;
}

const char relay_confinement[] =
    "before the filter: no capabilities (emptied before the fork), "
    "no_new_privs set, core dumps off (RLIMIT_CORE 0); the guest's fds "
    "closed, guest memory unmapped, the environment wiped\n"
    "the guest runs in the relay's child with PR_SET_PDEATHSIG SIGKILL: if "
    "the relay ends, the guest is killed; when the guest ends (its pidfd), "
    "the relay ends with the guest's exit status or signal\n";
