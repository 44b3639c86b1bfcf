/*
 * kernel_facts: what a kernel offers the nabla stub, asked one fact at a
 * time. Built as a static program for the architecture under test
 * (tests/aarch64.bats builds it for aarch64 and runs it under a real arm64
 * kernel in a VM, and under qemu-user).
 *
 *   kernel_facts pagesize       prints "pagesize N auxv N" (sysconf and
 *                               AT_PAGESZ)
 *   kernel_facts seccomp-modes  tries to load an allow-everything filter
 *                               with seccomp(SECCOMP_SET_MODE_FILTER) and
 *                               then with prctl(PR_SET_SECCOMP); prints
 *                               "seccomp: ok|ERRNO-NAME" and
 *                               "prctl: ok|ERRNO-NAME"
 *   kernel_facts seccomp-kill   loads a filter that kills the process for
 *                               any architecture but this one and for
 *                               getpid, allows the rest; prints "filter
 *                               loaded" (a write the filter allows) and
 *                               calls getpid: the kernel must kill it with
 *                               SIGSYS; "ESCAPED" and exit 3 if not
 *   kernel_facts tun-netns      in a new network namespace, makes tap
 *                               device nabla0 through /dev/net/tun and
 *                               prints "tap nabla0 ifindex N in a netns of
 *                               M interfaces"
 *
 * Exit status 2: the fact could not be asked (the call that failed is
 * printed on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/seccomp.h>

#if defined(__aarch64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__x86_64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#error "kernel_facts: unknown architecture"
#endif

static const char *errno_name(int e)
{
    switch (e) {
    case ENOSYS:
        return "ENOSYS";
    case EINVAL:
        return "EINVAL";
    case EACCES:
        return "EACCES";
    case EFAULT:
        return "EFAULT";
    case EPERM:
        return "EPERM";
    default:
        return strerror(e);
    }
}

static int pagesize(void)
{
    printf("pagesize %ld auxv %lu\n", sysconf(_SC_PAGESIZE),
           getauxval(AT_PAGESZ));
    return 0;
}

/* Both ways in this one process: an allow-everything filter loaded twice
 * changes nothing. */
static int seccomp_modes(void)
{
    struct sock_filter allow[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = 1, .filter = allow};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("kernel_facts: prctl(PR_SET_NO_NEW_PRIVS)");
        return 2;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    printf("seccomp: %s\n", rc == 0 ? "ok" : errno_name(errno));
    rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    printf("prctl: %s\n", rc == 0 ? "ok" : errno_name(errno));
    return 0;
}

static int seccomp_kill(void)
{
    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]),
                              .filter = insns};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("kernel_facts: prctl(PR_SET_NO_NEW_PRIVS)");
        return 2;
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        fprintf(stderr, "kernel_facts: seccomp(SECCOMP_SET_MODE_FILTER): %s\n",
                errno_name(errno));
        return 2;
    }
    static const char loaded[] = "filter loaded\n";
    if (write(1, loaded, sizeof(loaded) - 1) < 0)
        return 2;
    syscall(SYS_getpid);
    printf("ESCAPED: getpid returned\n");
    return 3;
}

static int tun_netns(void)
{
    if (unshare(CLONE_NEWNET) != 0) {
        perror("kernel_facts: unshare(CLONE_NEWNET)");
        return 2;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("kernel_facts: open /dev/net/tun");
        return 2;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strcpy(ifr.ifr_name, "nabla0");
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        perror("kernel_facts: ioctl(TUNSETIFF)");
        return 2;
    }
    unsigned index = if_nametoindex("nabla0");
    struct if_nameindex *all = if_nameindex();
    int n = 0;
    for (struct if_nameindex *i = all; i && i->if_index != 0; i++)
        n++;
    printf("tap %s ifindex %u in a netns of %d interfaces\n", ifr.ifr_name,
           index, n);
    return index != 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "pagesize") == 0)
        return pagesize();
    if (argc == 2 && strcmp(argv[1], "seccomp-modes") == 0)
        return seccomp_modes();
    if (argc == 2 && strcmp(argv[1], "seccomp-kill") == 0)
        return seccomp_kill();
    if (argc == 2 && strcmp(argv[1], "tun-netns") == 0)
        return tun_netns();
    fprintf(stderr, "usage: kernel_facts pagesize|seccomp-modes|seccomp-kill|"
                    "tun-netns\n");
    return 2;
}
