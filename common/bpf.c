/* A small, direct compiler from struct policy to seccomp BPF. */
#include "bpf.h"

#include <linux/audit.h>
#include <linux/seccomp.h>

/* Offsets in struct seccomp_data. */
#define DATA_NR 0
#define DATA_ARCH 4
#define DATA_ARG_LO(i) (16 + 8 * (i))
#define DATA_ARG_HI(i) (16 + 8 * (i) + 4)

/* emit_cond leaves at most this many jumps to its rule's failure exit. */
#define FAIL_PER_COND 2
#define FAIL_MAX (FAIL_PER_COND * POLICY_MAX_CONDS)

struct program {
    struct sock_filter *insn;
    size_t n, max;
    int overflow; /* out of room (insn, a jump, fixups): no program */
};

static size_t emit(struct program *p, unsigned short code, unsigned char jt,
                   unsigned char jf, unsigned k)
{
    if (p->n == p->max) {
        p->overflow = 1;
        return p->n;
    }
    struct sock_filter *i = &p->insn[p->n];
    i->code = code;
    i->jt = jt;
    i->jf = jf;
    i->k = k;
    return p->n++;
}

static void emit_load(struct program *p, unsigned offset)
{
    emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offset);
}

static void emit_ret(struct program *p, unsigned action)
{
    emit(p, BPF_RET | BPF_K, 0, 0, action);
}

/* Points the jt or jf of the jumps at fails[] to the next instruction. */
struct fixups {
    size_t at[FAIL_MAX];
    int is_jt[FAIL_MAX];
    size_t n;
};

/* A jump left unpatched would skip a check: out of room fails the whole
 * program instead. */
static void fixup_add(struct program *p, struct fixups *f, size_t at, int is_jt)
{
    if (f->n >= FAIL_MAX) {
        p->overflow = 1;
        return;
    }
    f->at[f->n] = at;
    f->is_jt[f->n] = is_jt;
    f->n++;
}

static void fixup_here(struct program *p, struct fixups *f)
{
    for (size_t i = 0; i < f->n && !p->overflow; i++) {
        size_t off = p->n - (f->at[i] + 1);
        if (off > 255) {
            p->overflow = 1;
            return;
        }
        if (f->is_jt[i])
            p->insn[f->at[i]].jt = (unsigned char)off;
        else
            p->insn[f->at[i]].jf = (unsigned char)off;
    }
    f->n = 0;
}

static void emit_cond(struct program *p, const struct policy_cond *c,
                      struct fixups *fail)
{
    unsigned hi = (unsigned)(c->value >> 32), lo = (unsigned)c->value;

    emit_load(p, DATA_ARG_HI(c->arg));
    if (c->op == POLICY_EQ) {
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, hi), 0);
        emit_load(p, DATA_ARG_LO(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, lo), 0);
    } else {
        /* hi > HI: fail; hi < HI: pass (skip the low word); else low. */
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 0, hi), 1);
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, hi);
        emit_load(p, DATA_ARG_LO(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 0, lo), 1);
    }
}

/* The distinct system call numbers of the policy, sorted ascending. */
static size_t distinct_numbers(const struct policy *pol, int *nrs)
{
    size_t n = 0;
    for (size_t i = 0; i < pol->nrules; i++) {
        size_t k = 0;
        while (k < n && nrs[k] < pol->rules[i].nr)
            k++;
        if (k < n && nrs[k] == pol->rules[i].nr)
            continue;
        for (size_t m = n; m > k; m--)
            nrs[m] = nrs[m - 1];
        nrs[k] = pol->rules[i].nr;
        n++;
    }
    return n;
}

/*
 * The dispatcher: a binary search over the allowed numbers (A holds the
 * number), so that every call is classified in a few instructions. The
 * kernel evaluates the filter for every system call number when it is
 * loaded, so a short path per number is also a fast start. Each leaf is
 * "jeq NR; ja BODY; ret kill"; the bodies follow the dispatcher.
 */
#define LEAF_SIZE 3

static size_t tree_size(size_t lo, size_t hi)
{
    if (hi - lo == 1)
        return LEAF_SIZE;
    size_t mid = lo + (hi - lo) / 2;
    return 1 + tree_size(lo, mid) + tree_size(mid, hi);
}

static void emit_tree(struct program *p, const int *nrs, size_t lo, size_t hi,
                      size_t *leaf_ja)
{
    if (hi - lo == 1) {
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (unsigned)nrs[lo]);
        leaf_ja[lo] = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
        emit_ret(p, SECCOMP_RET_KILL_PROCESS);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    size_t left = tree_size(lo, mid);
    if (left > 255) {
        p->overflow = 1;
        return;
    }
    emit(p, BPF_JMP | BPF_JGE | BPF_K, (unsigned char)left, 0,
         (unsigned)nrs[mid]);
    emit_tree(p, nrs, lo, mid, leaf_ja);
    emit_tree(p, nrs, mid, hi, leaf_ja);
}

/* All rules for one system call number, in policy order. */
static void emit_body(struct program *p, const struct policy *pol, int nr)
{
    for (size_t i = 0; i < pol->nrules; i++) {
        const struct policy_rule *r = &pol->rules[i];
        struct fixups fail = {.n = 0};
        if (r->nr != nr)
            continue;
        for (unsigned c = 0; c < r->ncond; c++)
            emit_cond(p, &r->cond[c], &fail);
        emit_ret(p, SECCOMP_RET_ALLOW);
        fixup_here(p, &fail);
    }
    emit_ret(p, SECCOMP_RET_KILL_PROCESS);
}

size_t bpf_compile(const struct policy *pol, struct sock_filter *out,
                   size_t max)
{
    struct program p = {.insn = out, .n = 0, .max = max, .overflow = 0};
    int nrs[POLICY_MAX_RULES];
    size_t leaf_ja[POLICY_MAX_RULES];

    /* A policy that lost a rule or a condition must not become a filter. */
    if (!policy_valid(pol))
        return 0;
    size_t n = distinct_numbers(pol, nrs);

    emit_load(&p, DATA_ARCH);
    emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
    emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
    emit_load(&p, DATA_NR);
    if (n == 0) {
        emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
        return p.overflow ? 0 : p.n;
    }
    /* Above the highest allowed number: x32 calls, everything else. */
    emit(&p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, (unsigned)nrs[n - 1]);
    emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
    emit_tree(&p, nrs, 0, n, leaf_ja);
    for (size_t i = 0; i < n && !p.overflow; i++) {
        p.insn[leaf_ja[i]].k = (unsigned)(p.n - (leaf_ja[i] + 1));
        emit_body(&p, pol, nrs[i]);
    }
    return p.overflow ? 0 : p.n;
}
