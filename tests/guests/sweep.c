/*
 * sweep: checks the seccomp policy (docs/abi.md §4) one raw system call at
 * a time, bypassing the bindings. The manifest (sweep.json) declares one block
 * device "storage" and one net device "service", so that the device rules
 * are in the filter; both must be attached.
 *
 *   nr N            system call N (decimal, 0x hex, or -1 for rax or x8 = ~0)
 * with every argument -1: a call that ran anyway fails fast (bad fd, bad
 * pointer, bad size or flags) x32 N           system call N |
 * __X32_SYSCALL_BIT; for an allowed N with the arguments it is allowed with,
 * else all -1 (x86_64 only; a usage error elsewhere) allowed-bad C   an allowed
 * call with arguments outside the policy; C is one of the cases of bad_cases[]
 * below allowed-good    every allowed call with arguments inside the policy;
 *                   prints "good ok", exit status 0
 *   list-bad        prints the names of the allowed-bad cases, one a line
 *
 * Any call that returns prints "ESCAPED <what> ret=<value>" and exits 0: the
 * seccomp filter should have killed the guest (SIGSYS, status 159) before.
 * Usage errors exit 2, a failed allowed-good exits 1. The system call
 * numbers are tests/guests/arch/ARCH.h's (aarch64 has no arch_prctl: no
 * such cases there).
 */
#include "base.h"
#include "nabla/abi.h"
#include "solo5.h"
#include "arch.h"

/* Provided by the bindings; solo5.h does not declare them. */
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#define X32_SYSCALL_BIT 0x40000000ul

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define TFD_TIMER_ABSTIME 1
#define EAGAIN 11
#define HI (1ul << 32)
#define MAX_BLOCK 32768

static uint8_t buf[2 * MAX_BLOCK] __attribute__((aligned(64)));
#if defined(NR_ARCH_PRCTL)
/* A TLS block for arch_prctl(ARCH_SET_FS): its first word points to it. */
static uintptr_t tls_block[8] __attribute__((aligned(64)));
#endif
static const char hello[] = "sweep: console write\n";

struct timespec64 {
    int64_t sec, nsec;
};
struct itimerspec64 {
    struct timespec64 interval, value;
};
static struct timespec64 ts;
/* Every signal blocked: what a guest immune to SIGTERM would pass. */
static uint64_t sigmask_all = ~0ull;
static struct itimerspec64 its;

static long raw6(unsigned long nr, unsigned long a1, unsigned long a2,
                 unsigned long a3, unsigned long a4, unsigned long a5,
                 unsigned long a6)
{
    return raw_syscall6(nr, a1, a2, a3, a4, a5, a6);
}

/* ---- output -------------------------------------------------------------- */

static void say(const char *s)
{
    solo5_console_write(s, strlen(s));
}

static void say_num(long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    solo5_console_write(out, (size_t)n);
}

static void say_hex(unsigned long v)
{
    char out[18];
    int n = 0;
    out[n++] = '0';
    out[n++] = 'x';
    int started = 0;
    for (int i = 15; i >= 0; i--) {
        int d = (int)((v >> (4 * i)) & 0xf);
        if (d || started || i == 0) {
            out[n++] = "0123456789abcdef"[d];
            started = 1;
        }
    }
    solo5_console_write(out, (size_t)n);
}

static int escaped(const char *what, unsigned long nr, long ret)
{
    say("ESCAPED ");
    say(what);
    say(" ");
    say_hex(nr);
    say(" ret=");
    say_num(ret);
    say("\n");
    return 0;
}

/* ---- command line -------------------------------------------------------- */

/* The word at *s (up to a space or the end), advancing *s past it. */
static int next_word(const char **s, char *out, size_t size)
{
    const char *p = *s;
    size_t n = 0;
    while (*p == ' ')
        p++;
    while (*p && *p != ' ') {
        if (n + 1 >= size)
            return 0;
        out[n++] = *p++;
    }
    out[n] = '\0';
    *s = p;
    return n > 0;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Decimal, 0x hex or -1; returns 0 on a bad number. */
static int parse_num(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    if (streq(s, "-1")) {
        *out = ~0ul;
        return 1;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s)
            return 0;
        for (; *s; s++) {
            int d;
            if (*s >= '0' && *s <= '9')
                d = *s - '0';
            else if (*s >= 'a' && *s <= 'f')
                d = *s - 'a' + 10;
            else if (*s >= 'A' && *s <= 'F')
                d = *s - 'A' + 10;
            else
                return 0;
            v = v * 16 + (unsigned long)d;
        }
    } else {
        if (!*s)
            return 0;
        for (; *s; s++) {
            if (*s < '0' || *s > '9')
                return 0;
            v = v * 10 + (unsigned long)(*s - '0');
        }
    }
    *out = v;
    return 1;
}

/* ---- the devices --------------------------------------------------------- */

struct devices {
    unsigned long epollfd, timerfd;
    unsigned long blkfd, bs, cap;
    unsigned long netfd, mtu;
};

static int find_devices(struct devices *d)
{
    const struct spt_boot_info *bi = guest_boot_info();
    const struct mft *mft = bi->mft;
    int have_blk = 0, have_net = 0;

    memset(d, 0, sizeof(*d));
    d->epollfd = (unsigned long)bi->epollfd;
    d->timerfd = (unsigned long)bi->timerfd;
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        if (!e->attached)
            continue;
        if (e->type == MFT_BLOCK_BASIC && streq(e->name, "storage")) {
            d->blkfd = (unsigned long)e->b.hostfd;
            d->bs = e->u.block_basic.block_size;
            d->cap = e->u.block_basic.capacity;
            have_blk = 1;
        } else if (e->type == MFT_NET_BASIC && streq(e->name, "service")) {
            d->netfd = (unsigned long)e->b.hostfd;
            d->mtu = e->u.net_basic.mtu;
            have_net = 1;
        }
    }
    if (!have_blk || !have_net) {
        say("sweep: block device 'storage' and net device 'service' must "
            "be attached\n");
        return 0;
    }
    if (d->bs == 0 || d->bs > MAX_BLOCK || d->cap < d->bs) {
        say("sweep: unusable block device geometry\n");
        return 0;
    }
    return 1;
}

/* ---- allowed calls with arguments outside the policy --------------------- */

struct bad_case {
    const char *name;
    unsigned long nr;
    /* Arguments; fields marked below are filled in from the devices. */
    unsigned long a[6];
};

/* Placeholders for values known only at run time. */
#define P_BUF 0xb0f0000000000001ul     /* &buf */
#define P_TS 0xb0f0000000000002ul      /* &ts */
#define P_ITS 0xb0f0000000000003ul     /* &its */
#define P_BLK 0xb0f0000000000004ul     /* block fd */
#define P_NET 0xb0f0000000000005ul     /* net fd */
#define P_EPOLL 0xb0f0000000000006ul   /* epoll fd */
#define P_TIMER 0xb0f0000000000007ul   /* timer fd */
#define P_BS 0xb0f0000000000008ul      /* block size */
#define P_LAST 0xb0f0000000000009ul    /* capacity - block size */
#define P_CAP 0xb0f000000000000aul     /* capacity */
#define P_MTU 0xb0f000000000000bul     /* MTU + 14 */
#define P_BS_P1 0xb0f000000000000cul   /* block size + 1 */
#define P_BS_M1 0xb0f000000000000dul   /* block size - 1 */
#define P_2BS 0xb0f000000000000eul     /* 2 * block size */
#define P_LAST_P1 0xb0f000000000000ful /* capacity - block size + 1 */
#define P_NEG_BS 0xb0f0000000000010ul  /* -block size */
#define P_MASK 0xb0f0000000000011ul    /* &sigmask_all */
#define P_HIBIT 0x0100000000000000ul   /* "| 1 << 32" on a placeholder */

static const struct bad_case bad_cases[] = {
    /* console: fd 1 only */
    {"write-fd0", NR_WRITE, {0, P_BUF, 0}},
    {"write-fd2", NR_WRITE, {2, P_BUF, 0}},
    {"write-fd7", NR_WRITE, {7, P_BUF, 0}},
    {"write-fd1-hi", NR_WRITE, {1 | HI, P_BUF, 0}},
    {"write-fd-1", NR_WRITE, {~0ul, P_BUF, 0}},
    {"write-epoll", NR_WRITE, {P_EPOLL, P_BUF, 0}},
    {"write-blk", NR_WRITE, {P_BLK, P_BUF, 0}},
    {"write-net-hi", NR_WRITE, {P_NET | P_HIBIT, P_BUF, 0}},
    /* read: the net device's fd only */
    {"read-fd0", NR_READ, {0, P_BUF, 1}},
    {"read-fd1", NR_READ, {1, P_BUF, 1}},
    {"read-blk", NR_READ, {P_BLK, P_BUF, P_BS}},
    {"read-timer", NR_READ, {P_TIMER, P_BUF, 8}},
    {"read-net-hi", NR_READ, {P_NET | P_HIBIT, P_BUF, P_MTU}},
    /* clocks: MONOTONIC and REALTIME only */
    {"clock-2", NR_CLOCK_GETTIME, {2, P_TS}},
    {"clock-3", NR_CLOCK_GETTIME, {3, P_TS}},
    {"clock-7", NR_CLOCK_GETTIME, {7, P_TS}},
    {"clock-1-hi", NR_CLOCK_GETTIME, {1 | HI, P_TS}},
    {"clock-0-hi", NR_CLOCK_GETTIME, {HI, P_TS}},
    {"clock--1", NR_CLOCK_GETTIME, {~0ul, P_TS}},
#if defined(NR_ARCH_PRCTL)
    /* arch_prctl: ARCH_SET_FS only */
    {"arch-get-fs", NR_ARCH_PRCTL, {ARCH_GET_FS, P_BUF}},
    {"arch-set-gs", NR_ARCH_PRCTL, {ARCH_SET_GS, 0}},
    {"arch-get-gs", NR_ARCH_PRCTL, {0x1004, P_BUF}},
    {"arch-set-fs-hi", NR_ARCH_PRCTL, {ARCH_SET_FS | HI, 0}},
#endif
    /* epoll_pwait: the epoll fd only, no signal mask (NULL, size 0): a
     * mask would block SIGTERM while waiting (timeout 0: never blocks) */
    {"epoll-timer", NR_EPOLL_PWAIT, {P_TIMER, P_BUF, 1, 0, 0, 0}},
    {"epoll-net", NR_EPOLL_PWAIT, {P_NET, P_BUF, 1, 0, 0, 0}},
    {"epoll-hi", NR_EPOLL_PWAIT, {P_EPOLL | P_HIBIT, P_BUF, 1, 0, 0, 0}},
    {"epoll-mask-all", NR_EPOLL_PWAIT, {P_EPOLL, P_BUF, 1, 0, P_MASK, 8}},
    {"epoll-mask-size0", NR_EPOLL_PWAIT, {P_EPOLL, P_BUF, 1, 0, P_MASK, 0}},
    {"epoll-null-size8", NR_EPOLL_PWAIT, {P_EPOLL, P_BUF, 1, 0, 0, 8}},
    {"epoll-mask-hi", NR_EPOLL_PWAIT, {P_EPOLL, P_BUF, 1, 0, HI, 0}},
    {"epoll-size-hi", NR_EPOLL_PWAIT, {P_EPOLL, P_BUF, 1, 0, 0, HI}},
    /* timerfd_settime: the timer fd only (a zero value: disarms) */
    {"timerfd-epoll", NR_TIMERFD_SETTIME, {P_EPOLL, 0, P_ITS, 0}},
    {"timerfd-blk", NR_TIMERFD_SETTIME, {P_BLK, 0, P_ITS, 0}},
    {"timerfd-hi", NR_TIMERFD_SETTIME, {P_TIMER | P_HIBIT, 0, P_ITS, 0}},
    /* block I/O: the block fd, count = block size, offset <= last block */
    {"pread-net", NR_PREAD64, {P_NET, P_BUF, P_BS, 0}},
    {"pwrite-net", NR_PWRITE64, {P_NET, P_BUF, P_BS, 0}},
    {"pread-fd0", NR_PREAD64, {0, P_BUF, P_BS, 0}},
    {"pwrite-fd1", NR_PWRITE64, {1, P_BUF, P_BS, 0}},
    {"pread-blk-hi", NR_PREAD64, {P_BLK | P_HIBIT, P_BUF, P_BS, 0}},
    {"pwrite-blk-hi", NR_PWRITE64, {P_BLK | P_HIBIT, P_BUF, P_BS, 0}},
    {"pread-count-0", NR_PREAD64, {P_BLK, P_BUF, 0, 0}},
    {"pread-count-1", NR_PREAD64, {P_BLK, P_BUF, 1, 0}},
    {"pread-count-bs+1", NR_PREAD64, {P_BLK, P_BUF, P_BS_P1, 0}},
    {"pwrite-count-bs-1", NR_PWRITE64, {P_BLK, P_BUF, P_BS_M1, 0}},
    {"pwrite-count-2bs", NR_PWRITE64, {P_BLK, P_BUF, P_2BS, 0}},
    {"pread-count-hi", NR_PREAD64, {P_BLK, P_BUF, P_BS | P_HIBIT, 0}},
    {"pread-offset-cap", NR_PREAD64, {P_BLK, P_BUF, P_BS, P_CAP}},
    {"pwrite-offset-cap", NR_PWRITE64, {P_BLK, P_BUF, P_BS, P_CAP}},
    {"pwrite-offset-last+1", NR_PWRITE64, {P_BLK, P_BUF, P_BS, P_LAST_P1}},
    {"pread-offset-last-hi",
     NR_PREAD64,
     {P_BLK, P_BUF, P_BS, P_LAST | P_HIBIT}},
    {"pwrite-offset-last-hi",
     NR_PWRITE64,
     {P_BLK, P_BUF, P_BS, P_LAST | P_HIBIT}},
    {"pwrite-offset-4g", NR_PWRITE64, {P_BLK, P_BUF, P_BS, HI}},
    {"pwrite-offset-8g", NR_PWRITE64, {P_BLK, P_BUF, P_BS, 2 * HI}},
    {"pread-offset-neg", NR_PREAD64, {P_BLK, P_BUF, P_BS, ~0ul}},
    {"pwrite-offset-neg-bs", NR_PWRITE64, {P_BLK, P_BUF, P_BS, P_NEG_BS}},
};
#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

static unsigned long resolve(unsigned long v, const struct devices *d)
{
    unsigned long hi = 0, out;
    if ((v & ~0xfffful & ~P_HIBIT) != 0xb0f0000000000000ul)
        return v;
    if (v & P_HIBIT) {
        hi = HI;
        v &= ~P_HIBIT;
    }
    switch (v) {
    case P_BUF:
        out = (unsigned long)buf;
        break;
    case P_TS:
        out = (unsigned long)&ts;
        break;
    case P_ITS:
        out = (unsigned long)&its;
        break;
    case P_BLK:
        out = d->blkfd;
        break;
    case P_NET:
        out = d->netfd;
        break;
    case P_EPOLL:
        out = d->epollfd;
        break;
    case P_TIMER:
        out = d->timerfd;
        break;
    case P_BS:
        out = d->bs;
        break;
    case P_BS_P1:
        out = d->bs + 1;
        break;
    case P_BS_M1:
        out = d->bs - 1;
        break;
    case P_2BS:
        out = 2 * d->bs;
        break;
    case P_LAST:
        out = d->cap - d->bs;
        break;
    case P_LAST_P1:
        out = d->cap - d->bs + 1;
        break;
    case P_NEG_BS:
        out = -d->bs;
        break;
    case P_CAP:
        out = d->cap;
        break;
    case P_MASK:
        out = (unsigned long)&sigmask_all;
        break;
    case P_MTU:
        out = d->mtu + 14;
        break;
    default:
        return v;
    }
    return out | hi;
}

static int allowed_bad(const char *name, const struct devices *d)
{
    for (size_t i = 0; i < NBAD; i++) {
        const struct bad_case *c = &bad_cases[i];
        unsigned long a[6];
        if (!streq(name, c->name))
            continue;
        for (int k = 0; k < 6; k++)
            a[k] = resolve(c->a[k], d);
        long ret = raw6(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        return escaped(name, c->nr, ret);
    }
    say("sweep: no allowed-bad case '");
    say(name);
    say("' (see list-bad)\n");
    return 2;
}

/* ---- allowed calls with good arguments ----------------------------------- */

static int good_failed(const char *what, long ret)
{
    say("good FAILED: ");
    say(what);
    say(" ret=");
    say_num(ret);
    say("\n");
    return 1;
}

#if defined(__x86_64__)
/* The arguments a call to nr is allowed with (nr one of the allowed), for
 * the x32 cases. */
static void good_args(unsigned long nr, const struct devices *d,
                      unsigned long a[6])
{
    for (int k = 0; k < 6; k++)
        a[k] = 0;
    switch (nr) {
    case NR_READ:
        a[0] = d->netfd, a[1] = (unsigned long)buf, a[2] = d->mtu + 14;
        break;
    case NR_WRITE:
        a[0] = 1, a[1] = (unsigned long)hello, a[2] = sizeof(hello) - 1;
        break;
    case NR_PREAD64:
    case NR_PWRITE64:
        memset(buf, 0, d->bs);
        a[0] = d->blkfd, a[1] = (unsigned long)buf, a[2] = d->bs;
        a[3] = d->cap - d->bs;
        break;
#if defined(NR_ARCH_PRCTL)
    case NR_ARCH_PRCTL:
        tls_block[0] = (uintptr_t)tls_block;
        a[0] = ARCH_SET_FS, a[1] = (unsigned long)tls_block;
        break;
#endif
    case NR_CLOCK_GETTIME:
        a[0] = 1, a[1] = (unsigned long)&ts;
        break;
    case NR_EXIT_GROUP:
        a[0] = 0;
        break;
    case NR_EPOLL_PWAIT:
        a[0] = d->epollfd, a[1] = (unsigned long)buf, a[2] = 1, a[3] = 0;
        a[4] = 0, a[5] = 0;
        break;
    case NR_TIMERFD_SETTIME:
        memset(&its, 0, sizeof(its));
        a[0] = d->timerfd, a[1] = 0, a[2] = (unsigned long)&its;
        break;
    }
}
#endif

static int allowed_good(const struct devices *d)
{
    long ret;

    ret = raw6(NR_WRITE, 1, (unsigned long)hello, sizeof(hello) - 1, 0, 0, 0);
    if (ret != (long)sizeof(hello) - 1)
        return good_failed("write(1)", ret);
    ret = raw6(NR_CLOCK_GETTIME, 1, (unsigned long)&ts, 0, 0, 0, 0);
    if (ret != 0 || ts.sec <= 0)
        return good_failed("clock_gettime(CLOCK_MONOTONIC)", ret);
    ret = raw6(NR_CLOCK_GETTIME, 0, (unsigned long)&ts, 0, 0, 0, 0);
    if (ret != 0 || ts.sec < 1600000000)
        return good_failed("clock_gettime(CLOCK_REALTIME)", ret);
#if defined(NR_ARCH_PRCTL)
    tls_block[0] = (uintptr_t)tls_block;
    ret =
        raw6(NR_ARCH_PRCTL, ARCH_SET_FS, (unsigned long)tls_block, 0, 0, 0, 0);
    if (ret != 0)
        return good_failed("arch_prctl(ARCH_SET_FS)", ret);
#endif
    /* Arm the timer one second from now (absolute), then disarm it. */
    raw6(NR_CLOCK_GETTIME, 1, (unsigned long)&ts, 0, 0, 0, 0);
    memset(&its, 0, sizeof(its));
    its.value.sec = ts.sec + 1;
    its.value.nsec = ts.nsec;
    ret = raw6(NR_TIMERFD_SETTIME, d->timerfd, TFD_TIMER_ABSTIME,
               (unsigned long)&its, 0, 0, 0);
    if (ret != 0)
        return good_failed("timerfd_settime(armed)", ret);
    memset(&its, 0, sizeof(its));
    ret = raw6(NR_TIMERFD_SETTIME, d->timerfd, 0, (unsigned long)&its, 0, 0, 0);
    if (ret != 0)
        return good_failed("timerfd_settime(disarmed)", ret);
    ret = raw6(NR_EPOLL_PWAIT, d->epollfd, (unsigned long)buf, 4, 0, 0, 0);
    if (ret < 0)
        return good_failed("epoll_pwait(timeout 0)", ret);
    /* The block device: first and last block, read and write. */
    unsigned long offs[2] = {0, d->cap - d->bs};
    for (int i = 0; i < 2; i++) {
        memset(buf, 'S', d->bs);
        ret = raw6(NR_PWRITE64, d->blkfd, (unsigned long)buf, d->bs, offs[i], 0,
                   0);
        if (ret != (long)d->bs)
            return good_failed("pwrite64 of one block", ret);
        memset(buf, 0, d->bs);
        ret = raw6(NR_PREAD64, d->blkfd, (unsigned long)buf, d->bs, offs[i], 0,
                   0);
        if (ret != (long)d->bs || buf[0] != 'S' || buf[d->bs - 1] != 'S')
            return good_failed("pread64 of one block", ret);
    }
    /* The net device (a FIFO in the test): nothing to read yet, then a
     * frame written and read back. */
    ret = raw6(NR_READ, d->netfd, (unsigned long)buf, d->mtu + 14, 0, 0, 0);
    if (ret != -EAGAIN && ret != 0)
        return good_failed("read(net) of nothing", ret);
    memset(buf, 'F', 60);
    ret = raw6(NR_WRITE, d->netfd, (unsigned long)buf, 60, 0, 0, 0);
    if (ret != 60)
        return good_failed("write(net) of a 60-byte frame", ret);
    memset(buf, 0, 60);
    ret = raw6(NR_READ, d->netfd, (unsigned long)buf, d->mtu + 14, 0, 0, 0);
    if (ret != 60 && ret != -EAGAIN && ret != 0)
        return good_failed("read(net) of a frame", ret);
    say("good ok\n");
    return 0;
}

#if defined(__x86_64__)
static int is_allowed_nr(unsigned long nr)
{
    return nr == NR_READ || nr == NR_WRITE || nr == NR_PREAD64 ||
           nr == NR_PWRITE64 || nr == NR_ARCH_PRCTL || nr == NR_CLOCK_GETTIME ||
           nr == NR_EXIT_GROUP || nr == NR_EPOLL_PWAIT ||
           nr == NR_TIMERFD_SETTIME;
}
#endif

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    char mode[32], arg[80];
    struct devices d;
    unsigned long nr;

    if (!next_word(&p, mode, sizeof(mode)))
        goto usage;
    if (streq(mode, "list-bad")) {
        for (size_t i = 0; i < NBAD; i++) {
            say(bad_cases[i].name);
            say("\n");
        }
        return 0;
    }
    if (!find_devices(&d))
        return 2;
    if (streq(mode, "allowed-good"))
        return allowed_good(&d);
    if (!next_word(&p, arg, sizeof(arg)))
        goto usage;
    if (streq(mode, "allowed-bad"))
        return allowed_bad(arg, &d);
    if (!parse_num(arg, &nr))
        goto usage;
    if (streq(mode, "nr")) {
        long ret = raw6(nr, ~0ul, ~0ul, ~0ul, ~0ul, ~0ul, ~0ul);
        return escaped("nr", nr, ret);
    }
#if defined(__x86_64__)
    if (streq(mode, "x32")) {
        unsigned long a[6] = {~0ul, ~0ul, ~0ul, ~0ul, ~0ul, ~0ul};
        if (is_allowed_nr(nr))
            good_args(nr, &d, a);
        long ret =
            raw6(nr | X32_SYSCALL_BIT, a[0], a[1], a[2], a[3], a[4], a[5]);
        return escaped("x32", nr | X32_SYSCALL_BIT, ret);
    }
#endif
usage:
    say("sweep: usage: sweep nr N | x32 N | allowed-bad CASE | allowed-good "
        "| list-bad\n");
    return 2;
}
