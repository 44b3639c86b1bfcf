/*
 * filter_oracle: checks our seccomp compiler (common/bpf.c) and the policy it
 * compiles (common/policy.c) against independent references.
 *
 * For each of several device configurations, the policy is built the way the
 * stub builds it (policy_add_base + policy_add_devices on a hand-made
 * manifest), then:
 *
 *   1. our program (bpf_compile) is checked statically the way the kernel
 *      would check it (size, opcodes, loads, jump targets, final RET) and
 *      must only ever return SECCOMP_RET_ALLOW or SECCOMP_RET_KILL_PROCESS;
 *   2. the same rules are given to libseccomp (one rule per policy rule), its
 *      BPF is exported, and both programs run in a small classic-BPF
 *      interpreter on a large sweep of struct seccomp_data inputs: they must
 *      agree on "allowed or not" for every input;
 *   3. the allow/kill decision of our program is also compared with a direct
 *      reading of docs/abi.md §4 (written here from the manifest, not from the
 *      policy), so that a wrong policy.c is caught too.
 *
 * The user-mode network relay's policy (common/relay_policy.c) goes through
 * the same three checks, with its own direct reading (docs/usernet.md,
 * "The relay's seccomp policy").
 *
 * Built once per architecture, on the host: as filter_oracle_test for
 * x86_64, and with -DNABLA_TARGET_AARCH64 (nabla/syscalls.h) as
 * filter_oracle_aarch64_test, whose policy, compiler and libseccomp filter
 * are aarch64's (SCMP_ARCH_AARCH64 in place of the native architecture).
 * libseccomp numbers each call from its own tables, by name: every number
 * of the policy, the relay's too, must be the one libseccomp has for that
 * name there.
 *
 * Then the limits: a rule that does not fit is refused with a message,
 * leaving the policy as it was, and bpf_compile refuses a policy made by
 * hand that breaks its bounds, rather than reading past them.
 *
 * Output is TAP; the exit status is non-zero on any failure.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf.h"
#include "device.h"
#include "policy.h"
#include "relay_policy.h"
#include "tap.h"

#define X32_BIT 0x40000000u
#define MAX_SHOWN 8

/* The architecture under test (nabla/syscalls.h: the host's, or the one
 * -DNABLA_TARGET_ARCH names); libseccomp's SCMP_ARCH_* are these AUDIT_ARCH_*
 * values. */
#define OWN_ARCH NABLA_AUDIT_ARCH
#if OWN_ARCH != AUDIT_ARCH_X86_64 && OWN_ARCH != AUDIT_ARCH_AARCH64
#error "filter_oracle: no reading of the relay's policy for this architecture"
#endif

/* ---- test output --------------------------------------------------------- */

static unsigned long long total_inputs;

static void die(const char *fmt, ...)
{
    va_list ap;
    printf("Bail out! ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    exit(2);
}

/* ---- a classic BPF interpreter for seccomp programs ---------------------- */

struct prog {
    struct sock_filter *insn;
    size_t len;
};

static uint32_t load_word(const struct seccomp_data *d, uint32_t k)
{
    uint32_t v;
    if (k % 4 != 0 || k + 4 > sizeof(*d)) {
        fprintf(stderr, "filter_oracle: bad absolute load at offset %u\n", k);
        abort();
    }
    memcpy(&v, (const char *)d + k, 4);
    return v;
}

static void unknown_opcode(const struct prog *p, size_t pc)
{
    fprintf(stderr,
            "filter_oracle: interpreter: unknown opcode %#x at %zu "
            "(jt %u jf %u k %#x)\n",
            p->insn[pc].code, pc, p->insn[pc].jt, p->insn[pc].jf,
            p->insn[pc].k);
    abort();
}

/* Instructions the last bpf_run executed (its RET included). */
static size_t last_run_steps;

/* Runs p on d; returns the 32-bit return value. Aborts on an unknown opcode,
 * a jump out of range or a program that runs off its end. */
static uint32_t bpf_run(const struct prog *p, const struct seccomp_data *d)
{
    uint32_t A = 0, X = 0, mem[BPF_MEMWORDS] = {0};
    size_t pc = 0;

    last_run_steps = 0;
    while (pc < p->len) {
        const struct sock_filter *f = &p->insn[pc];
        last_run_steps++;
        uint32_t k = f->k;
        uint32_t src;
        switch (BPF_CLASS(f->code)) {
        case BPF_LD:
            if (f->code == (BPF_LD | BPF_W | BPF_ABS))
                A = load_word(d, k);
            else if (f->code == (BPF_LD | BPF_W | BPF_LEN))
                A = sizeof(*d);
            else if (f->code == (BPF_LD | BPF_IMM))
                A = k;
            else if (f->code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS)
                A = mem[k];
            else
                unknown_opcode(p, pc);
            pc++;
            break;
        case BPF_LDX:
            if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
                X = sizeof(*d);
            else if (f->code == (BPF_LDX | BPF_IMM))
                X = k;
            else if (f->code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
                X = mem[k];
            else
                unknown_opcode(p, pc);
            pc++;
            break;
        case BPF_ST:
            if (f->code != BPF_ST || k >= BPF_MEMWORDS)
                unknown_opcode(p, pc);
            mem[k] = A;
            pc++;
            break;
        case BPF_STX:
            if (f->code != BPF_STX || k >= BPF_MEMWORDS)
                unknown_opcode(p, pc);
            mem[k] = X;
            pc++;
            break;
        case BPF_ALU:
            src = BPF_SRC(f->code) == BPF_X ? X : k;
            switch (BPF_OP(f->code)) {
            case BPF_ADD:
                A += src;
                break;
            case BPF_SUB:
                A -= src;
                break;
            case BPF_MUL:
                A *= src;
                break;
            case BPF_DIV:
                if (src == 0)
                    return 0; /* the kernel returns 0 (kill) */
                A /= src;
                break;
            case BPF_MOD:
                if (src == 0)
                    return 0;
                A %= src;
                break;
            case BPF_OR:
                A |= src;
                break;
            case BPF_AND:
                A &= src;
                break;
            case BPF_XOR:
                A ^= src;
                break;
            case BPF_LSH:
                A = src < 32 ? A << src : 0;
                break;
            case BPF_RSH:
                A = src < 32 ? A >> src : 0;
                break;
            case BPF_NEG:
                A = -A;
                break;
            default:
                unknown_opcode(p, pc);
            }
            pc++;
            break;
        case BPF_JMP: {
            int taken;
            src = BPF_SRC(f->code) == BPF_X ? X : k;
            if (BPF_OP(f->code) == BPF_JA) {
                if (f->code != (BPF_JMP | BPF_JA))
                    unknown_opcode(p, pc);
                pc += 1 + (size_t)k;
                break;
            }
            switch (BPF_OP(f->code)) {
            case BPF_JEQ:
                taken = A == src;
                break;
            case BPF_JGT:
                taken = A > src;
                break;
            case BPF_JGE:
                taken = A >= src;
                break;
            case BPF_JSET:
                taken = (A & src) != 0;
                break;
            default:
                unknown_opcode(p, pc);
                taken = 0;
            }
            pc += 1 + (size_t)(taken ? f->jt : f->jf);
            break;
        }
        case BPF_RET:
            if (f->code == (BPF_RET | BPF_K))
                return k;
            if (f->code == (BPF_RET | BPF_A))
                return A;
            unknown_opcode(p, pc);
            break;
        case BPF_MISC:
            if (f->code == (BPF_MISC | BPF_TAX))
                X = A;
            else if (f->code == (BPF_MISC | BPF_TXA))
                A = X;
            else
                unknown_opcode(p, pc);
            pc++;
            break;
        default:
            unknown_opcode(p, pc);
        }
    }
    fprintf(stderr, "filter_oracle: program ran off its end (pc %zu)\n", pc);
    abort();
}

/* ---- the static validator (what the kernel checks on load) --------------- */

/* Returns NULL if p would pass the kernel's checks (bpf_check_classic and
 * seccomp_check_filter) and only returns ALLOW or KILL_PROCESS, else why. */
static const char *validate(const struct prog *p, char *why, size_t size)
{
    if (p->len == 0 || p->len > BPF_MAXINSNS) {
        snprintf(why, size, "%zu instructions (limit %d)", p->len,
                 BPF_MAXINSNS);
        return why;
    }
    for (size_t pc = 0; pc < p->len; pc++) {
        const struct sock_filter *f = &p->insn[pc];
        size_t rest = p->len - pc - 1; /* instructions after this one */
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (f->k % 4 != 0 || f->k >= sizeof(struct seccomp_data)) {
                snprintf(why, size, "insn %zu: load at offset %u", pc, f->k);
                return why;
            }
            break;
        case BPF_RET | BPF_K:
            if (f->k != SECCOMP_RET_ALLOW && f->k != SECCOMP_RET_KILL_PROCESS) {
                snprintf(why, size,
                         "insn %zu: returns %#x, not ALLOW or "
                         "KILL_PROCESS",
                         pc, f->k);
                return why;
            }
            break;
        case BPF_JMP | BPF_JA:
            if (f->k >= rest) {
                snprintf(why, size, "insn %zu: ja +%u past the end (%zu)", pc,
                         f->k, p->len);
                return why;
            }
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
        case BPF_JMP | BPF_JGT | BPF_K:
        case BPF_JMP | BPF_JGE | BPF_K:
        case BPF_JMP | BPF_JSET | BPF_K:
            if (f->jt >= rest || f->jf >= rest) {
                snprintf(why, size,
                         "insn %zu: jt +%u / jf +%u past the end "
                         "(%zu)",
                         pc, f->jt, f->jf, p->len);
                return why;
            }
            break;
        default:
            /* Our compiler only needs the opcodes above; anything else is
             * suspicious even where the kernel would accept it. */
            snprintf(why, size, "insn %zu: unexpected opcode %#x", pc, f->code);
            return why;
        }
    }
    if (BPF_CLASS(p->insn[p->len - 1].code) != BPF_RET) {
        snprintf(why, size, "the last instruction is not a RET");
        return why;
    }
    return NULL;
}

/* ---- libseccomp ---------------------------------------------------------- */

static struct prog libseccomp_compile(const struct policy *pol)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL)
        die("seccomp_init failed");
    /* Another architecture than the one this runs on: its filter only. */
    if (seccomp_arch_native() != OWN_ARCH &&
        (seccomp_arch_add(ctx, OWN_ARCH) != 0 ||
         seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) != 0))
        die("libseccomp: cannot make a filter for architecture %#x", OWN_ARCH);
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        /* libseccomp's own number for the call, on the architecture under
         * test; rules take the number of the architecture it runs on, which
         * it translates by name. */
        int own = seccomp_syscall_resolve_name_arch(OWN_ARCH, r->name);
        if (own != r->nr)
            die("%s is system call %d for libseccomp on architecture %#x, "
                "%d in the policy",
                r->name, own, OWN_ARCH, r->nr);
        int native = seccomp_syscall_resolve_name(r->name);
        struct scmp_arg_cmp cmp[POLICY_MAX_CONDS];
        for (unsigned c = 0; c < r->ncond; c++) {
            cmp[c].arg = r->cond[c].arg;
            cmp[c].op = r->cond[c].op == POLICY_EQ ? SCMP_CMP_EQ : SCMP_CMP_LE;
            cmp[c].datum_a = r->cond[c].value;
            cmp[c].datum_b = 0;
        }
        int rc = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, native,
                                              r->ncond, cmp);
        if (rc != 0)
            die("seccomp_rule_add_exact_array(%s #%zu): %s", r->name, i,
                strerror(-rc));
    }
    int fd = memfd_create("filter_oracle", 0);
    if (fd < 0)
        die("memfd_create: %s", strerror(errno));
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc != 0)
        die("seccomp_export_bpf: %s", strerror(-rc));
    seccomp_release(ctx);
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0)
        die("libseccomp exported %lld bytes", (long long)size);
    struct prog p;
    p.len = (size_t)size / sizeof(struct sock_filter);
    p.insn = calloc(p.len, sizeof(struct sock_filter));
    if (p.insn == NULL || pread(fd, p.insn, (size_t)size, 0) != size)
        die("reading libseccomp's program back failed");
    close(fd);
    return p;
}

/* ---- the configurations -------------------------------------------------- */

#define EPOLLFD 3
#define TIMERFD 4

struct config {
    const char *name;
    int epollfd, timerfd;
    struct mft *mft;
    /* Set: the relay's policy with these fds instead of a guest's. */
    const struct relay_policy_fds *relay;
};

static struct mft *new_mft(void)
{
    struct mft *m = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
    if (m == NULL)
        die("out of memory");
    m->version = MFT_VERSION;
    m->entries = 1;
    snprintf(m->e[0].name, MFT_NAME_SIZE, "%s", "");
    m->e[0].type = MFT_RESERVED_FIRST;
    m->e[0].b.hostfd = -1;
    return m;
}

static void add_block(struct mft *m, int fd, uint16_t bs, uint64_t capacity)
{
    struct mft_entry *e = &m->e[m->entries];
    snprintf(e->name, MFT_NAME_SIZE, "blk%u", m->entries);
    e->type = MFT_BLOCK_BASIC;
    e->u.block_basic.block_size = bs;
    e->u.block_basic.capacity = capacity;
    e->b.hostfd = fd;
    e->attached = true;
    m->entries++;
}

static void add_net(struct mft *m, int fd)
{
    struct mft_entry *e = &m->e[m->entries];
    snprintf(e->name, MFT_NAME_SIZE, "net%u", m->entries);
    e->type = MFT_NET_BASIC;
    e->u.net_basic.mtu = 1500;
    e->u.net_basic.mac[0] = 0x02;
    e->u.net_basic.mac[5] = (uint8_t)m->entries;
    e->b.hostfd = fd;
    e->attached = true;
    m->entries++;
}

/* ---- docs/abi.md §4, read directly --------------------------------------- */

/* The relay's calls, numbered for the architecture under test: written
 * out here from the kernel's tables (x86_64's own, aarch64's generic one),
 * not taken from nabla/relay_syscalls.h, so that a wrong number there is
 * caught. */
#if OWN_ARCH == AUDIT_ARCH_X86_64
enum relay_nr {
    R_READ = 0,
    R_WRITE = 1,
    R_CLOSE = 3,
    R_RT_SIGPROCMASK = 14,
    R_SOCKET = 41,
    R_CONNECT = 42,
    R_SENDTO = 44,
    R_RECVFROM = 45,
    R_SHUTDOWN = 48,
    R_SETSOCKOPT = 54,
    R_GETSOCKOPT = 55,
    R_CLOCK_GETTIME = 228,
    R_EXIT_GROUP = 231,
    R_EPOLL_CTL = 233,
    R_WAITID = 247,
    R_EPOLL_PWAIT = 281,
    R_ACCEPT4 = 288,
    R_PIDFD_SEND_SIGNAL = 424,
};
#else
enum relay_nr {
    R_EPOLL_CTL = 21,
    R_EPOLL_PWAIT = 22,
    R_CLOSE = 57,
    R_READ = 63,
    R_WRITE = 64,
    R_EXIT_GROUP = 94,
    R_WAITID = 95,
    R_CLOCK_GETTIME = 113,
    R_RT_SIGPROCMASK = 135,
    R_SOCKET = 198,
    R_CONNECT = 203,
    R_SENDTO = 206,
    R_RECVFROM = 207,
    R_SETSOCKOPT = 208,
    R_GETSOCKOPT = 209,
    R_SHUTDOWN = 210,
    R_ACCEPT4 = 242,
    R_PIDFD_SEND_SIGNAL = 424,
};
#endif

/* Allowed by docs/usernet.md's table of the relay's policy? */
static int relay_allows(const struct relay_policy_fds *f,
                        const struct seccomp_data *d)
{
    const __u64 *a = d->args;
    const uint64_t nonblock_cloexec = 04000 | 02000000;
    if (d->arch != OWN_ARCH)
        return 0;
    switch ((uint32_t)d->nr) {
    case R_READ:
    case R_WRITE:
    case R_CLOSE:
    case R_EXIT_GROUP:
        return 1;
    case R_EPOLL_PWAIT: /* its epoll fd, no signal mask */
        return a[0] == (uint64_t)f->epollfd && a[4] == 0;
    case R_EPOLL_CTL:
        return a[0] == (uint64_t)f->epollfd;
    case R_CLOCK_GETTIME: /* CLOCK_MONOTONIC */
        return a[0] == 1;
    case R_ACCEPT4:
        return a[3] == nonblock_cloexec;
    case R_SOCKET: /* AF_INET, SOCK_STREAM or SOCK_DGRAM, protocol 0 */
        return a[0] == 2 &&
               (a[1] == (1 | nonblock_cloexec) ||
                a[1] == (2 | nonblock_cloexec)) &&
               a[2] == 0;
    case R_CONNECT: /* a struct sockaddr_in */
        return a[2] == 16;
    case R_GETSOCKOPT: /* SOL_SOCKET, SO_ERROR */
        return a[1] == 1 && a[2] == 4;
    case R_SETSOCKOPT: /* IPPROTO_TCP TCP_NODELAY, SOL_SOCKET SO_LINGER */
        return (a[1] == 6 && a[2] == 1) || (a[1] == 1 && a[2] == 13);
    case R_SHUTDOWN: /* SHUT_WR */
        return a[1] == 1;
    case R_RECVFROM: /* no flags */
        return a[3] == 0;
    case R_SENDTO: /* no flags, a struct sockaddr_in */
        return a[3] == 0 && a[5] == 16;
    case R_PIDFD_SEND_SIGNAL: /* the guest or itself, no info, no flags */
        return (a[0] == (uint64_t)f->guest_pidfd ||
                a[0] == (uint64_t)f->self_pidfd) &&
               a[2] == 0 && a[3] == 0;
    case R_WAITID: /* P_PIDFD, the guest, WEXITED|WNOHANG */
        return a[0] == 3 && a[1] == (uint64_t)f->guest_pidfd && a[3] == 5;
    case R_RT_SIGPROCMASK: /* SIG_UNBLOCK */
        return a[0] == 1;
    }
    return 0;
}

/* Allowed by docs/abi.md §4 for the devices of c (or, for the relay, by
 * docs/usernet.md)? */
static int abi_allows(const struct config *c, const struct seccomp_data *d)
{
    const __u64 *a = d->args;
    if (c->relay != NULL)
        return relay_allows(c->relay, d);
    if (d->arch != OWN_ARCH)
        return 0;
    switch ((uint32_t)d->nr) {
    case NABLA_NR_WRITE:
        if (a[0] == 1)
            return 1;
        break;
    case NABLA_NR_EXIT_GROUP:
        return 1;
    case NABLA_NR_CLOCK_GETTIME:
        return a[0] == NABLA_CLOCK_MONOTONIC || a[0] == NABLA_CLOCK_REALTIME;
    case NABLA_NR_EPOLL_PWAIT:
        /* No signal mask: NULL, and its size 0. */
        return a[0] == (uint64_t)c->epollfd && a[4] == 0 && a[5] == 0;
    case NABLA_NR_TIMERFD_SETTIME:
        return a[0] == (uint64_t)c->timerfd;
#ifdef NABLA_NR_ARCH_PRCTL
    case NABLA_NR_ARCH_PRCTL:
        return a[0] == NABLA_ARCH_SET_FS;
#endif
    }
    for (uint32_t i = 1; i < c->mft->entries; i++) {
        const struct mft_entry *e = &c->mft->e[i];
        if (!e->attached || a[0] != (uint64_t)e->b.hostfd)
            continue;
        if (e->type == MFT_BLOCK_BASIC &&
            (d->nr == NABLA_NR_PREAD64 || d->nr == NABLA_NR_PWRITE64)) {
            uint64_t bs = e->u.block_basic.block_size;
            if (a[2] == bs && a[3] <= e->u.block_basic.capacity - bs)
                return 1;
        }
        if (e->type == MFT_NET_BASIC &&
            (d->nr == NABLA_NR_READ || d->nr == NABLA_NR_WRITE))
            return 1;
    }
    return 0;
}

/* ---- value sets ---------------------------------------------------------- */

struct vset {
    uint64_t *v;
    size_t n, cap;
};

static void vs_add(struct vset *s, uint64_t x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (s->v == NULL)
            die("out of memory");
    }
    s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void vs_unique(struct vset *s)
{
    size_t m = 0;
    qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
    for (size_t i = 0; i < s->n; i++)
        if (m == 0 || s->v[m - 1] != s->v[i])
            s->v[m++] = s->v[i];
    s->n = m;
}

static void vs_free(struct vset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* Values around v: v, v±1, with other high words, halves. */
static void vs_around(struct vset *s, uint64_t v)
{
    uint64_t lo = v & 0xffffffffull;
    vs_add(s, v);
    vs_add(s, v - 1);
    vs_add(s, v + 1);
    vs_add(s, v | (1ull << 32));
    vs_add(s, v ^ (1ull << 63));
    vs_add(s, v + (1ull << 32));
    vs_add(s, v - (1ull << 32));
    for (uint64_t h = 0; h <= 2; h++) {
        vs_add(s, lo | (h << 32));
        vs_add(s, ((lo + 1) & 0xffffffffull) | (h << 32));
    }
    vs_add(s, lo | 0xffffffff00000000ull);
    vs_add(s, v >> 32);
    vs_add(s, v & 0xffffffff00000000ull);
}

static void vs_generic(struct vset *s)
{
    static const uint64_t g[] = {
        0,          1,          2,          0x7fffffff,
        0x80000000, 0xffffffff, 1ull << 32, (1ull << 32) | 1,
        2ull << 32, 1ull << 63, ~0ull,      ~0ull - 1};
    for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
        vs_add(s, g[i]);
}

/* The interesting values of argument arg of the calls to nr. */
static void values_for(const struct config *c, const struct policy *pol, int nr,
                       unsigned arg, struct vset *s)
{
    vs_generic(s);
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        if (r->nr != nr)
            continue;
        for (unsigned k = 0; k < r->ncond; k++)
            if (r->cond[k].arg == arg)
                vs_around(s, r->cond[k].value);
    }
    if (arg == 0) {
        for (uint64_t v = 0; v <= 11; v++)
            vs_add(s, v); /* clocks, small fds */
        for (uint64_t v = 0x1001; v <= 0x1004; v++)
            vs_add(s, v); /* arch_prctl codes */
        vs_add(s, (uint64_t)c->epollfd);
        vs_add(s, (uint64_t)c->timerfd);
        vs_add(s, (uint64_t)-1);
    }
    if (c->relay != NULL && arg <= 1) {
        vs_around(s, (uint64_t)c->relay->epollfd);
        vs_around(s, (uint64_t)c->relay->guest_pidfd);
        vs_around(s, (uint64_t)c->relay->self_pidfd);
    }
    for (uint32_t i = 1; i < c->mft->entries; i++) {
        const struct mft_entry *e = &c->mft->e[i];
        if (arg == 0)
            vs_around(s, (uint64_t)e->b.hostfd);
        if (e->type != MFT_BLOCK_BASIC)
            continue;
        uint64_t bs = e->u.block_basic.block_size;
        uint64_t cap = e->u.block_basic.capacity;
        if (arg == 2) {
            vs_add(s, bs - 1);
            vs_add(s, bs);
            vs_add(s, bs + 1);
            vs_add(s, 2 * bs);
            vs_add(s, bs / 2);
            vs_add(s, bs | (1ull << 32));
        }
        if (arg == 3) {
            vs_add(s, 0);
            vs_add(s, bs);
            vs_add(s, cap / 2);
            vs_around(s, cap - bs);
            vs_around(s, cap);
            vs_add(s, cap + bs);
            vs_add(s, 2 * cap);
            for (uint64_t h = 0; h <= 2; h++) {
                vs_add(s, ((cap - bs) & 0xffffffffull) | (h << 32));
                vs_add(s, (cap & 0xffffffffull) | (h << 32));
                vs_add(s, (h << 32));
                vs_add(s, (h << 32) | bs);
            }
        }
    }
    vs_unique(s);
}

/* ---- the sweep ----------------------------------------------------------- */

struct sweep {
    const struct config *c;
    const struct prog *ours, *ref;
    unsigned long long inputs, disagree, abi_disagree, bad_ret;
};

static void show(const char *what, const struct seccomp_data *d, uint32_t ours,
                 uint32_t ref)
{
    printf("#   %s: arch %#x nr %#x args %#llx %#llx %#llx %#llx %#llx "
           "%#llx: ours %#x, reference %#x\n",
           what, d->arch, (uint32_t)d->nr, (unsigned long long)d->args[0],
           (unsigned long long)d->args[1], (unsigned long long)d->args[2],
           (unsigned long long)d->args[3], (unsigned long long)d->args[4],
           (unsigned long long)d->args[5], ours, ref);
}

static int allowed(uint32_t ret)
{
    return (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
}

static void check_input(struct sweep *s, const struct seccomp_data *d)
{
    uint32_t ours = bpf_run(s->ours, d);
    uint32_t ref = bpf_run(s->ref, d);
    int abi = abi_allows(s->c, d);

    s->inputs++;
    if (ours != SECCOMP_RET_ALLOW && ours != SECCOMP_RET_KILL_PROCESS) {
        if (s->bad_ret++ < MAX_SHOWN)
            show("ours returns neither ALLOW nor KILL_PROCESS", d, ours, ref);
    }
    if (allowed(ours) != allowed(ref)) {
        if (s->disagree++ < MAX_SHOWN)
            show(allowed(ours) ? "ALLOWED by ours, killed by libseccomp"
                               : "KILLED by ours, allowed by libseccomp",
                 d, ours, ref);
    }
    if (allowed(ours) != abi) {
        if (s->abi_disagree++ < MAX_SHOWN)
            show(abi ? "docs/abi.md §4 allows it, ours kills it"
                     : "docs/abi.md §4 forbids it, ours allows it",
                 d, ours, abi ? SECCOMP_RET_ALLOW : SECCOMP_RET_KILL_PROCESS);
    }
}

/* Unconstrained arguments: all zero, or all ones. */
static const uint64_t free_fill[2] = {0, ~0ull};

static void set_free(struct seccomp_data *d, const unsigned *args, size_t nargs,
                     uint64_t fill)
{
    for (unsigned a = 0; a < 6; a++) {
        int constrained = 0;
        for (size_t i = 0; i < nargs; i++)
            constrained |= args[i] == a;
        if (!constrained)
            d->args[a] = fill;
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The input of call nr_in of architecture arch, made from the guest's text,
 * every argument 0. */
static struct seccomp_data input_for(uint32_t arch, uint32_t nr_in)
{
    struct seccomp_data d;
    memset(&d, 0, sizeof(d));
    d.arch = arch;
    d.nr = (int)nr_in;
    d.instruction_pointer = 0x100000;
    return d;
}

/* Checks d with every combination of the values sets[i] for argument
 * args[i] (i < nargs); the other arguments as they are. */
static void check_product(struct sweep *s, struct seccomp_data *d,
                          const unsigned *args, size_t nargs,
                          const struct vset *sets)
{
    size_t idx[6] = {0};
    for (;;) {
        for (size_t i = 0; i < nargs; i++)
            d->args[args[i]] = sets[i].v[idx[i]];
        check_input(s, d);
        size_t i = 0;
        while (i < nargs && ++idx[i] == sets[i].n)
            idx[i++] = 0;
        if (i == nargs)
            break;
    }
}

/* A full product of the value sets is used up to this many combinations per
 * (arch, nr); beyond it, per-rule products, rule pairs and random draws. */
#define FULL_PRODUCT_MAX 300000ull
#define RANDOM_DRAWS 200000ull

/* Runs the sweep for the calls with number nr (the x86_64 number; the
 * number put in the input is nr_in, e.g. with the x32 bit). */
static void sweep_nr(struct sweep *s, const struct policy *pol, uint32_t arch,
                     int nr, uint32_t nr_in)
{
    unsigned args[6];
    size_t nargs = 0;
    struct vset vals[6] = {{0}};
    struct seccomp_data d = input_for(arch, nr_in);

    /* The constrained arguments of nr. */
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        if (r->nr != nr)
            continue;
        for (unsigned k = 0; k < r->ncond; k++) {
            int seen = 0;
            for (size_t j = 0; j < nargs; j++)
                seen |= args[j] == r->cond[k].arg;
            if (!seen)
                args[nargs++] = r->cond[k].arg;
        }
    }
    unsigned long long product = 1;
    for (size_t i = 0; i < nargs; i++) {
        values_for(s->c, pol, nr, args[i], &vals[i]);
        product *= vals[i].n;
    }

    for (int f = 0; f < 2; f++) {
        set_free(&d, args, nargs, free_fill[f]);
        if (product <= FULL_PRODUCT_MAX) {
            check_product(s, &d, args, nargs, vals);
            continue;
        }
        /* Each rule with the values around its own conditions. */
        for (size_t ri = 0; ri < pol->nrules; ri++) {
            const struct policy_rule *r = &pol->rules[ri];
            struct vset local[6] = {{0}};
            if (r->nr != nr)
                continue;
            for (size_t i = 0; i < nargs; i++) {
                vs_generic(&local[i]);
                for (unsigned k = 0; k < r->ncond; k++)
                    if (r->cond[k].arg == args[i])
                        vs_around(&local[i], r->cond[k].value);
                vs_unique(&local[i]);
            }
            check_product(s, &d, args, nargs, local);
            for (size_t i = 0; i < nargs; i++)
                vs_free(&local[i]);
        }
        /* Pairs of rules: each argument from one or the other, at the
         * boundary value or one past it. */
        for (size_t ri = 0; ri < pol->nrules; ri++) {
            if (pol->rules[ri].nr != nr)
                continue;
            for (size_t rj = 0; rj < pol->nrules; rj++) {
                if (pol->rules[rj].nr != nr)
                    continue;
                for (unsigned mask = 0; mask < (1u << (2 * nargs)); mask++) {
                    for (size_t i = 0; i < nargs; i++) {
                        const struct policy_rule *r = (mask >> (2 * i)) & 1
                                                          ? &pol->rules[rj]
                                                          : &pol->rules[ri];
                        uint64_t v = 0;
                        for (unsigned k = 0; k < r->ncond; k++)
                            if (r->cond[k].arg == args[i])
                                v = r->cond[k].value;
                        d.args[args[i]] = v + ((mask >> (2 * i + 1)) & 1);
                    }
                    check_input(s, &d);
                }
            }
        }
        /* Random draws from the whole product. */
        for (unsigned long long n = 0; n < RANDOM_DRAWS; n++) {
            for (size_t i = 0; i < nargs; i++)
                d.args[args[i]] = vals[i].v[rng() % vals[i].n];
            check_input(s, &d);
        }
    }
    for (size_t i = 0; i < nargs; i++)
        vs_free(&vals[i]);
}

/* Numbers without any rule: a few argument patterns. */
static void sweep_other(struct sweep *s, uint32_t arch, uint32_t nr_in)
{
    static const uint64_t patterns[][6] = {
        {0, 0, 0, 0, 0, 0},
        {1, 0, 0, 0, 0, 0},
        {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull},
        {0x1002 /* ARCH_SET_FS */, 0, 512, 0, 0, 0},
        {EPOLLFD, 0, 0, 0, 0, 0},
        {5, 0x100000, 512, 0, 0, 0},
    };
    struct seccomp_data d = input_for(arch, nr_in);
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        memcpy(d.args, patterns[i], sizeof(d.args));
        check_input(s, &d);
    }
}

/* For each rule of nr: the arguments that meet its conditions (for a LE,
 * the bound and 0), the other arguments zero or all ones. */
static void sweep_allowed(struct sweep *s, const struct policy *pol,
                          uint32_t arch, int nr, uint32_t nr_in)
{
    struct seccomp_data d = input_for(arch, nr_in);
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        if (r->nr != nr)
            continue;
        for (int f = 0; f < 2; f++) {
            for (int le_zero = 0; le_zero < 2; le_zero++) {
                for (unsigned a = 0; a < 6; a++)
                    d.args[a] = free_fill[f];
                for (unsigned k = 0; k < r->ncond; k++)
                    d.args[r->cond[k].arg] =
                        r->cond[k].op == POLICY_LE && le_zero
                            ? 0
                            : r->cond[k].value;
                check_input(s, &d);
            }
        }
    }
}

static int has_rule(const struct policy *pol, int nr)
{
    for (size_t i = 0; i < pol->nrules; i++)
        if (pol->rules[i].nr == nr)
            return 1;
    return 0;
}

static void run_sweep(struct sweep *s, const struct policy *pol)
{
    static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
                                      AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM};
    static const uint32_t odd[] = {0x7fffffff, 0xffffffff, 0x80000000,
                                   0x3fffffff, X32_BIT,    X32_BIT | 0x3fffffff,
                                   0xfffffffe, 1000,       0xffff};

    for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
        for (uint32_t nr = 0; nr <= 600; nr++) {
            if (has_rule(pol, (int)nr)) {
                /* Under another architecture or with the x32 bit, the
                 * argument values do not matter: the inputs that would be
                 * allowed for the own architecture are the ones worth
                 * trying. */
                if (arches[a] == OWN_ARCH)
                    sweep_nr(s, pol, arches[a], (int)nr, nr);
                else
                    sweep_allowed(s, pol, arches[a], (int)nr, nr);
                sweep_allowed(s, pol, arches[a], (int)nr, nr | X32_BIT);
            } else {
                sweep_other(s, arches[a], nr);
                sweep_other(s, arches[a], nr | X32_BIT);
            }
        }
        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
            sweep_other(s, arches[a], odd[i]);
    }
}

/* ---- one configuration --------------------------------------------------- */

/* How many instructions our program runs to allow a call that meets rule r
 * (every condition at its value; the other arguments zero). */
static size_t allow_steps(const struct prog *ours, const struct policy_rule *r)
{
    struct seccomp_data d = input_for(OWN_ARCH, (uint32_t)r->nr);
    for (unsigned k = 0; k < r->ncond; k++)
        d.args[r->cond[k].arg] = r->cond[k].value;
    if (bpf_run(ours, &d) != SECCOMP_RET_ALLOW)
        return 0;
    return last_run_steps;
}

/* The instructions each allowed call costs, as TAP comments: the base
 * rules, the first and the last device's, and the most any device rule
 * takes (the hot path of a guest doing I/O is its device rules). */
static void report_steps(const struct config *c, const struct policy *pol,
                         const struct prog *ours)
{
    uint32_t first = 0, last = 0;
    size_t max = 0;
    for (size_t i = 0; i < pol->nrules; i++) {
        uint32_t dev = pol->rules[i].device;
        if (dev != 0 && first == 0)
            first = dev;
        if (dev > last)
            last = dev;
    }
    printf("#   %s: instructions run to allow:", c->name);
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        size_t n = allow_steps(ours, r);
        if (r->device != 0 && n > max)
            max = n;
        if (r->device == 0 || r->device == first || r->device == last)
            printf(" %s(%s) %zu", r->name, r->what, n);
    }
    if (first != last)
        printf("; at most %zu for a device rule", max);
    printf("\n");
}

/*
 * The I/O numbers our program compares first (after the architecture and
 * loading the number), in its order: each "jeq NR, 0, SIZE" followed by its
 * rules, or "jeq NR, 1, 0; ja SIZE" where the rules are longer than a jump
 * can pass over (SIZE > 255: one more instruction for the calls after it).
 * Sets far[i] for those; returns how many numbers, or -1 on a far form that
 * was not needed.
 */
static int hot_chain(const struct prog *p, int *nrs, int *far, size_t max)
{
    size_t pc = 4, n = 0;
    while (pc + 1 < p->len && n < max) {
        const struct sock_filter *f = &p->insn[pc];
        if (f->code != (BPF_JMP | BPF_JEQ | BPF_K))
            break;
        if (f->jt == 0) {
            far[n] = 0;
            pc += 1 + (size_t)f->jf;
        } else if (f->jt == 1 && f->jf == 0 &&
                   p->insn[pc + 1].code == (BPF_JMP | BPF_JA)) {
            if (p->insn[pc + 1].k <= 255)
                return -1;
            far[n] = 1;
            pc += 2 + (size_t)p->insn[pc + 1].k;
        } else {
            break;
        }
        nrs[n++] = (int)f->k;
    }
    return (int)n;
}

/*
 * The fewest instructions that can allow a device's call (block or net
 * I/O, the hot path): the architecture (load, compare), the number (load,
 * then one compare for each I/O number up to its own, plus one for each
 * before it that is too long to jump over), one compare for each earlier
 * device of the same call (its fd's low word), its own conditions (both
 * words of each; a bound below 4 GiB: high word zero, low word at most;
 * else high word at most, equal, low word at most), and the RET. 0 if its
 * number is not among the first compared.
 */
static size_t fewest_steps(const struct policy *pol, size_t ri, const int *hot,
                           const int *far, int nhot)
{
    const struct policy_rule *r = &pol->rules[ri];
    size_t n = 3, earlier = 0;
    int found = 0;

    for (int i = 0; i < nhot && !found; i++) {
        n += 1 + (size_t)(hot[i] != r->nr && far[i]);
        found = hot[i] == r->nr;
    }
    if (!found)
        return 0;
    for (size_t i = 0; i < ri; i++)
        earlier += pol->rules[i].nr == r->nr && pol->rules[i].device != 0;
    n += earlier;
    for (unsigned k = 0; k < r->ncond; k++) {
        const struct policy_cond *c = &r->cond[k];
        n += c->op == POLICY_LE && (c->value >> 32) != 0 ? 5 : 4;
    }
    return n + 1;
}

/* The entries of m that are attached: as the stub passes them. */
static uint64_t attached(const struct mft *m)
{
    uint64_t in_use = 0;
    for (uint32_t i = 1; i < m->entries; i++)
        in_use |= (uint64_t)m->e[i].attached << i;
    return in_use;
}

static void check_config(const struct config *c)
{
    static struct policy pol;
    static struct sock_filter ours_buf[BPF_MAXINSNS];
    static struct sock_filter small_buf[BPF_MAXINSNS];
    char why[256];

    memset(&pol, 0, sizeof(pol));
    enum result base = RESULT_OK, devices = RESULT_OK;
    struct result_msg msg = {""};
    if (c->relay != NULL) {
        base = policy_add_relay(&pol, c->relay, &msg);
    } else {
        base = policy_add_base(&pol, c->epollfd, c->timerfd, &msg);
        devices = policy_add_devices(&pol, c->mft, attached(c->mft), &msg);
    }
    report(base == RESULT_OK && devices == RESULT_OK && policy_valid(&pol),
           "%s: the builder reports success and a valid policy of %zu rules "
           "(room for %d)",
           c->name, pol.nrules, POLICY_MAX_RULES);

    size_t n = bpf_compile(&pol, ours_buf, BPF_MAXINSNS);
    struct prog ours = {.insn = ours_buf, .len = n};
    const char *err = n == 0 ? "bpf_compile returned 0 (does not fit)"
                             : validate(&ours, why, sizeof(why));
    report(err == NULL,
           "%s: %zu rules, our program of %zu instructions passes "
           "the static checks of a kernel load%s%s",
           c->name, pol.nrules, n, err ? ": " : "", err ? err : "");
    if (err != NULL)
        return;

    /* One instruction less room: it must say so rather than truncate. */
    size_t m = bpf_compile(&pol, small_buf, n - 1);
    report(m == 0,
           "%s: bpf_compile with room for %zu instructions returns 0 "
           "(got %zu)",
           c->name, n - 1, m);

    report_steps(c, &pol, &ours);
    int hot[POLICY_MAX_RULES], far[POLICY_MAX_RULES];
    int nhot = hot_chain(&ours, hot, far, POLICY_MAX_RULES);
    size_t slow = 0, ndev = 0, nfar = 0;
    for (int i = 0; i < nhot; i++)
        nfar += (size_t)far[i];
    for (size_t i = 0; i < pol.nrules; i++) {
        if (pol.rules[i].device == 0)
            continue;
        ndev++;
        size_t got = allow_steps(&ours, &pol.rules[i]);
        size_t want = fewest_steps(&pol, i, hot, far, nhot);
        if (got != want && slow++ < MAX_SHOWN)
            printf("#   %s: %s (%s) allowed in %zu instructions, not %zu\n",
                   c->name, pol.rules[i].name, pol.rules[i].what, got, want);
    }
    report(
        nhot >= 0 && slow == 0,
        "%s: each of the %zu device calls (block and net I/O) is allowed in "
        "the fewest instructions (%d I/O numbers compared first, %zu of them "
        "too long to jump over)%s",
        c->name, ndev, nhot, nfar,
        nhot < 0 ? ": a jeq+ja where a jump would do"
        : slow   ? ": SLOWER ones above"
                 : "");

    struct prog ref = libseccomp_compile(&pol);
    /* libseccomp's program must be runnable here too. */
    struct sweep s = {.c = c, .ours = &ours, .ref = &ref};
    run_sweep(&s, &pol);
    total_inputs += s.inputs;
    report(s.disagree == 0 && s.bad_ret == 0,
           "%s: %llu inputs agree with libseccomp (%zu instructions)%s",
           c->name, s.inputs, ref.len,
           s.disagree || s.bad_ret ? ": DISAGREEMENTS above" : "");
    if (s.disagree || s.bad_ret)
        printf("#   %s: %llu disagreements with libseccomp, %llu bad "
               "return values\n",
               c->name, s.disagree, s.bad_ret);
    const char *doc =
        c->relay ? "docs/usernet.md (relay)" : "docs/abi.md section 4";
    report(s.abi_disagree == 0, "%s: %llu inputs decided as %s says%s", c->name,
           s.inputs, doc, s.abi_disagree ? ": DISAGREEMENTS above" : "");
    if (s.abi_disagree)
        printf("#   %s: %llu disagreements with %s\n", c->name, s.abi_disagree,
               doc);
    free(ref.insn);
}

/* ---- limits: nothing is ever dropped silently --------------------------- */

static void check_limits(void)
{
    static struct policy pol;
    static struct sock_filter buf[BPF_MAXINSNS];
    struct result_msg msg = {""};
    char want[256];
    struct policy_rule *r;

    /* Conditions: up to the first empty one; one after it is refused. */
    struct policy_rule three = {
        .nr = NABLA_NR_PREAD64,
        .name = "pread64",
        .what = "storage",
        .cond = {{.arg = 0, .op = POLICY_EQ, .value = 5},
                 {.arg = 2, .op = POLICY_EQ, .value = 512},
                 {.arg = 3, .op = POLICY_LE, .value = 1024}}};
    memset(&pol, 0, sizeof(pol));
    report(policy_add(&pol, &three, &msg) == RESULT_OK && pol.nrules == 1 &&
               pol.rules[0].ncond == POLICY_MAX_CONDS &&
               pol.rules[0].cond[2].value == 1024 && policy_valid(&pol),
           "limits: a rule of %d conditions is added whole", POLICY_MAX_CONDS);
    struct policy_rule gap = three;
    gap.cond[1].op = POLICY_NONE;
    enum result rc = policy_add(&pol, &gap, &msg);
    report(rc == RESULT_ERROR && pol.nrules == 1 &&
               strcmp(msg.text,
                      "seccomp policy: the rule of pread64 "
                      "(storage) has a condition after its last") == 0,
           "limits: a condition after an empty one is refused with a "
           "message, the policy unchanged (got '%s')",
           msg.text);

    /* One rule too many: refused with a message, the policy unchanged. */
    memset(&pol, 0, sizeof(pol));
    struct policy_rule write1 = {
        .nr = NABLA_NR_WRITE,
        .name = "write",
        .what = "x",
        .cond = {{.arg = 0, .op = POLICY_EQ, .value = 1}}};
    int ok = 1;
    for (int i = 0; i < POLICY_MAX_RULES; i++)
        ok = ok && policy_add(&pol, &write1, &msg) == RESULT_OK;
    struct policy_rule read1 = {
        .nr = NABLA_NR_READ, .name = "read", .what = "y"};
    rc = policy_add(&pol, &read1, &msg);
    snprintf(want, sizeof(want),
             "seccomp policy: no room for the rule of read (y): at most %d "
             "rules (POLICY_MAX_RULES)",
             POLICY_MAX_RULES);
    report(ok && rc == RESULT_ERROR && strcmp(msg.text, want) == 0 &&
               pol.nrules == POLICY_MAX_RULES && policy_valid(&pol) &&
               bpf_compile(&pol, buf, BPF_MAXINSNS) > 0,
           "limits: rule %d is refused with a message; the %d rules before "
           "it stay whole and compile (got '%s')",
           POLICY_MAX_RULES + 1, POLICY_MAX_RULES, msg.text);

    /* The builders say so when their rules do not fit. */
    memset(&pol, 0, sizeof(pol));
    pol.nrules = POLICY_MAX_RULES - 1;
    enum result base = policy_add_base(&pol, EPOLLFD, TIMERFD, &msg);
    struct mft *m = new_mft();
    add_net(m, 5);
    memset(&pol, 0, sizeof(pol));
    pol.nrules = POLICY_MAX_RULES - 1;
    enum result devices = policy_add_devices(&pol, m, attached(m), &msg);
    free(m);
    struct relay_policy_fds fds = {EPOLLFD, 5, 6};
    memset(&pol, 0, sizeof(pol));
    pol.nrules = POLICY_MAX_RULES - 1;
    enum result relay = policy_add_relay(&pol, &fds, &msg);
    report(base == RESULT_ERROR && devices == RESULT_ERROR &&
               relay == RESULT_ERROR,
           "limits: policy_add_base, policy_add_devices and policy_add_relay "
           "return RESULT_ERROR when their rules do not fit");

    /* A device not in use gets no rules. */
    m = new_mft();
    add_net(m, 5);
    add_block(m, 6, 512, 4096);
    memset(&pol, 0, sizeof(pol));
    devices = policy_add_devices(&pol, m, 1u << 2, &msg);
    ok = devices == RESULT_OK && pol.nrules == 2;
    for (size_t i = 0; i < pol.nrules; i++)
        ok = ok && pol.rules[i].device == 2 && pol.rules[i].cond[0].value == 6;
    free(m);
    report(ok, "limits: policy_add_devices gives rules to the entries in use "
               "only");

    /* Hand-made policies the compiler must refuse, not read past. */
    memset(&pol, 0, sizeof(pol));
    pol.nrules = 1;
    r = &pol.rules[0];
    *r = write1;
    r->ncond = POLICY_MAX_CONDS + 1;
    size_t too_many = bpf_compile(&pol, buf, BPF_MAXINSNS);
    r->ncond = 1;
    r->cond[0] = (struct policy_cond){.arg = 6, .op = POLICY_EQ, .value = 1};
    size_t bad_arg = bpf_compile(&pol, buf, BPF_MAXINSNS);
    r->cond[0] = (struct policy_cond){.arg = 0, .op = 7, .value = 1};
    size_t bad_op = bpf_compile(&pol, buf, BPF_MAXINSNS);
    r->cond[0] = (struct policy_cond){.arg = 0, .op = POLICY_NONE, .value = 1};
    size_t none_op = bpf_compile(&pol, buf, BPF_MAXINSNS);
    r->cond[0] = (struct policy_cond){.arg = 0, .op = POLICY_EQ, .value = 1};
    pol.nrules = POLICY_MAX_RULES + 1;
    size_t too_many_rules = bpf_compile(&pol, buf, BPF_MAXINSNS);
    pol.nrules = 1;
    size_t good = bpf_compile(&pol, buf, BPF_MAXINSNS);
    report(too_many == 0 && bad_arg == 0 && bad_op == 0 && none_op == 0 &&
               too_many_rules == 0 && good > 0,
           "limits: bpf_compile refuses ncond > %d, argument 6, an unknown "
           "operator, POLICY_NONE among the conditions and more than %d "
           "rules (and compiles the same rule when well-formed)",
           POLICY_MAX_CONDS, POLICY_MAX_RULES);
}

int main(void)
{
    static const uint16_t sizes[] = {512, 1024, 2048, 4096, 8192, 32768};
    struct config configs[16];
    size_t nc = 0;
    struct mft *m;

    m = new_mft();
    configs[nc++] = (struct config){"base", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    add_block(m, 5, 512, 1 << 20);
    configs[nc++] = (struct config){"base+block512", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    add_block(m, 5, 4096, 64 << 10);
    configs[nc++] =
        (struct config){"base+block4096", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    add_net(m, 5);
    add_net(m, 6);
    configs[nc++] = (struct config){"base+2net", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    add_block(m, 5, 512, (8ull << 30) + 512);
    configs[nc++] =
        (struct config){"base+block 8GiB+512", EPOLLFD, TIMERFD, m, NULL};

    /* Capacities at the 32-bit boundaries, one-block disks, big fds, a
     * device that is declared but not attached. */
    m = new_mft();
    add_block(m, 5, 512, 512);
    add_block(m, 6, 4096, 1ull << 32);
    add_block(m, 7, 512, (1ull << 32) + 512);
    add_block(m, 8, 4096, (1ull << 32) + 4096 * 3);
    add_block(m, 300, 512, 1ull << 40);
    add_block(m, 9, 512, 0xffffffffull * 512);
    add_net(m, 70000);
    add_block(m, 10, 512, 1 << 20);
    m->e[m->entries - 1].attached = false;
    configs[nc++] = (struct config){"edges", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    for (int i = 0; i < 63; i++) {
        uint16_t bs = sizes[i % 6];
        uint64_t cap = (uint64_t)bs * (uint64_t)(1 + i * 7);
        if (i % 5 == 4)
            cap += (uint64_t)(i % 3) << 32; /* some beyond 4 GiB */
        add_block(m, 5 + i, bs, cap);
    }
    configs[nc++] = (struct config){"base+63block", EPOLLFD, TIMERFD, m, NULL};

    m = new_mft();
    for (int i = 0; i < 60; i++) {
        if (i % 2 == 0)
            add_block(m, 5 + i, sizes[(i / 2) % 6],
                      (uint64_t)sizes[(i / 2) % 6] * (uint64_t)(2 + i) +
                          ((i % 8 == 0) ? (1ull << 32) : 0));
        else
            add_net(m, 5 + i);
    }
    configs[nc++] =
        (struct config){"base+30block+30net", EPOLLFD, TIMERFD, m, NULL};

    /* Odd event fds: high numbers, and a timer fd that is not epoll+1. */
    m = new_mft();
    add_block(m, 3, 512, 1 << 20);
    add_net(m, 4);
    configs[nc++] = (struct config){"base(epoll 1023, timer 77)+block+net",
                                    1023, 77, m, NULL};

    /* The relay: the fds it gets after its fork, and odd ones. */
    static const struct relay_policy_fds relay_fds = {3, 8, 9};
    static const struct relay_policy_fds relay_odd = {1023, 70000, 5};
    configs[nc++] = (struct config){"relay (epoll 3, pidfds 8 and 9)", -1, -1,
                                    new_mft(), &relay_fds};
    configs[nc++] = (struct config){"relay (epoll 1023, pidfds 70000 and 5)",
                                    -1, -1, new_mft(), &relay_odd};

    for (size_t i = 0; i < nc; i++) {
        check_config(&configs[i]);
        free(configs[i].mft);
    }
    check_limits();

    printf("# architecture %#x: %llu inputs compared\n", OWN_ARCH,
           total_inputs);
    return tap_done();
}
