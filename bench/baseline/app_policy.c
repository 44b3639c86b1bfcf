/* See app_policy.h. */
#include "app_policy.h"

#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "device.h"
#include "policy.h"

size_t app_block_program(int fd, uint64_t bs, uint64_t capacity,
                         struct sock_filter *out, size_t max)
{
    static struct policy pol;
    static union {
        struct mft m;
        char room[MFT_SIZE(2)];
    } mft;

    memset(&pol, 0, sizeof(pol));
    mft.m.version = MFT_VERSION;
    mft.m.entries = 2;
    mft.m.e[0].type = MFT_RESERVED_FIRST;
    mft.m.e[0].b.hostfd = -1;
    snprintf(mft.m.e[1].name, MFT_NAME_SIZE, "storage");
    mft.m.e[1].type = MFT_BLOCK_BASIC;
    mft.m.e[1].u.block_basic.block_size = (uint16_t)bs;
    mft.m.e[1].u.block_basic.capacity = capacity;
    mft.m.e[1].b.hostfd = fd;
    struct result_msg msg;
    if (policy_add_base(&pol, fd + 1, fd + 2, &msg) != RESULT_OK ||
        policy_add_devices(&pol, &mft.m, 1u << 1, &msg) != RESULT_OK)
        return 0;
    return bpf_compile(&pol, out, max);
}

static void say(const char *s)
{
    size_t n = strlen(s);
    if (write(1, s, n) != (ssize_t)n)
        _exit(1);
}

int app_load_filter(const char *mode, int fd, uint64_t bs, uint64_t capacity)
{
    static struct sock_filter prog[BPF_MAXINSNS];
    size_t n = 0;

    if (strcmp(mode, "none") == 0)
        return 0;
    if (strcmp(mode, "one") == 0) {
        prog[n++] =
            (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    } else if (strcmp(mode, "run") == 0) {
        prog[n++] = (struct sock_filter)BPF_STMT(
            BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args));
        prog[n++] =
            (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    } else if (strcmp(mode, "app") == 0) {
        n = app_block_program(fd, bs, capacity, prog, BPF_MAXINSNS);
        if (n == 0) {
            say("the app's policy did not compile\n");
            return -1;
        }
    } else {
        say("filter: none, one, run or app\n");
        return -1;
    }
    struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
        say("cannot load the filter\n");
        return -1;
    }
    return 0;
}
