/* A small, direct compiler from struct policy to seccomp BPF. */
#include "bpf.h"

#include <linux/seccomp.h>

/* Offsets in struct seccomp_data. */
#define DATA_NR 0
#define DATA_ARCH 4
#define DATA_ARG_LO(i) (16 + 8 * (i))
#define DATA_ARG_HI(i) (16 + 8 * (i) + 4)

/* A rule leaves at most this many jumps to one place: two per condition. */
#define FAIL_PER_COND 2
#define FAIL_MAX (FAIL_PER_COND * POLICY_MAX_CONDS)

/* The longest jump jt and jf can make. */
#define JUMP_MAX 255

/*
 * insn NULL: only count (to size a block before emitting the jump over
 * it). max: room in insn.
 */
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
    if (p->insn != NULL) {
        struct sock_filter *i = &p->insn[p->n];
        i->code = code;
        i->jt = jt;
        i->jf = jf;
        i->k = k;
    }
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

/* Sets the jt or jf of the jump at `at` to reach instruction `to`. */
static void patch_jump(struct program *p, size_t at, int is_jt, size_t to)
{
    size_t off = to - (at + 1);
    if (off > JUMP_MAX) {
        p->overflow = 1;
        return;
    }
    if (p->insn == NULL || p->overflow)
        return;
    if (is_jt)
        p->insn[at].jt = (unsigned char)off;
    else
        p->insn[at].jf = (unsigned char)off;
}

/* Jumps (jt or jf) still to be pointed at a place not emitted yet. */
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

/* Points the jumps of f to the next instruction. */
static void fixup_here(struct program *p, struct fixups *f)
{
    for (size_t i = 0; i < f->n; i++)
        patch_jump(p, f->at[i], f->is_jt[i], p->n);
    f->n = 0;
}

/* The high word of a condition's argument: the same check for every rule
 * of a group (emit_group). */
static void emit_hi(struct program *p, const struct policy_cond *c,
                    struct fixups *fail)
{
    emit_load(p, DATA_ARG_HI(c->arg));
    fixup_add(
        p, fail,
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, (unsigned)(c->value >> 32)),
        0);
}

/* The whole condition; A holds anything before, and the last word loaded
 * after. Jumps that fail it go to `fail`. */
static void emit_cond(struct program *p, const struct policy_cond *c,
                      struct fixups *fail)
{
    unsigned hi = (unsigned)(c->value >> 32), lo = (unsigned)c->value;

    if (c->op == POLICY_EQ) {
        emit_hi(p, c, fail);
        emit_load(p, DATA_ARG_LO(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, lo), 0);
    } else if (hi == 0) {
        /* args <= lo: the high word must be 0, then the low one <= lo. */
        emit_hi(p, c, fail);
        emit_load(p, DATA_ARG_LO(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 0, lo), 1);
    } else {
        /* hi > HI: fail; hi < HI: pass (skip the low word); else low. */
        emit_load(p, DATA_ARG_HI(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 0, hi), 1);
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, hi);
        emit_load(p, DATA_ARG_LO(c->arg));
        fixup_add(p, fail, emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 0, lo), 1);
    }
}

/* Can rules a and b share the check of their first condition's high word
 * (the same argument compared for equality, the same high word)? */
static int same_group(const struct policy_rule *a, const struct policy_rule *b)
{
    return a->ncond > 0 && b->ncond > 0 && a->cond[0].op == POLICY_EQ &&
           b->cond[0].op == POLICY_EQ && a->cond[0].arg == b->cond[0].arg &&
           (a->cond[0].value >> 32) == (b->cond[0].value >> 32);
}

/*
 * Rules rules[0..n), whose first conditions are the same_group: the first
 * condition's high word is checked once, then each rule's low word in turn
 * with A still holding it, so that a call passes over a rule that is not
 * its own in one instruction:
 *
 *       ld hi(arg); jeq HI, 0, END
 *       ld lo(arg)
 *   J1: jeq LO_1, 0, J2   rule 1's other conditions (fail: L2)   ret ALLOW
 *   L2: ld lo(arg)        (only when rule 1 has other conditions)
 *   J2: jeq LO_2, 0, J3   ...
 *   END:
 *
 * far: END may be further than a jump reaches, so the first jump is
 * "jeq HI, 1, 0; ja END" (the same for a call that passes).
 */
static void emit_group_at(struct program *p,
                          const struct policy_rule *const *rules, size_t n,
                          int far)
{
    const struct policy_cond *first = &rules[0]->cond[0];
    struct fixups to_load = {.n = 0}, to_jeq = {.n = 0}, to_end = {.n = 0};
    size_t ja_end = 0;

    emit_load(p, DATA_ARG_HI(first->arg));
    if (far) {
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0,
             (unsigned)(first->value >> 32));
        ja_end = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
    } else {
        fixup_add(p, &to_end,
                  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0,
                       (unsigned)(first->value >> 32)),
                  0);
    }
    for (size_t i = 0; i < n; i++) {
        const struct policy_rule *r = rules[i];
        if (i == 0 || to_load.n > 0) {
            fixup_here(p, &to_load);
            emit_load(p, DATA_ARG_LO(first->arg));
        }
        fixup_here(p, &to_jeq);
        fixup_add(p, &to_jeq,
                  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0,
                       (unsigned)r->cond[0].value),
                  0);
        for (unsigned c = 1; c < r->ncond; c++)
            emit_cond(p, &r->cond[c], &to_load);
        emit_ret(p, SECCOMP_RET_ALLOW);
    }
    fixup_here(p, &to_load);
    fixup_here(p, &to_jeq);
    fixup_here(p, &to_end);
    if (far && p->insn != NULL && !p->overflow)
        p->insn[ja_end].k = (unsigned)(p->n - (ja_end + 1));
}

static void emit_group(struct program *p,
                       const struct policy_rule *const *rules, size_t n)
{
    struct program count = {.insn = NULL, .n = 0, .max = BPF_MAXINSNS};
    emit_group_at(&count, rules, n, 0);
    /* The first jump skips all but the two first instructions. */
    emit_group_at(p, rules, n, count.overflow || count.n - 2 > JUMP_MAX);
}

/* One rule on its own: its conditions, each failing to what follows. */
static void emit_rule(struct program *p, const struct policy_rule *r)
{
    struct fixups fail = {.n = 0};
    for (unsigned c = 0; c < r->ncond; c++)
        emit_cond(p, &r->cond[c], &fail);
    emit_ret(p, SECCOMP_RET_ALLOW);
    fixup_here(p, &fail);
}

/*
 * All rules for one system call number, the devices' first (the I/O calls
 * of a busy guest: a console write then passes over the net devices'
 * rules, not every frame over the console's), then the base rules, each
 * set in policy order; consecutive rules that compare the same argument
 * first share one check of its high word. A call that no rule allows is
 * killed at the end.
 */
static void emit_body(struct program *p, const struct policy *pol, int nr)
{
    const struct policy_rule *order[POLICY_MAX_RULES];
    size_t n = 0;

    for (int base = 0; base < 2; base++)
        for (size_t i = 0; i < pol->nrules; i++) {
            const struct policy_rule *r = &pol->rules[i];
            if (r->nr == nr && (r->device == 0) == base)
                order[n++] = r;
        }
    for (size_t i = 0; i < n;) {
        if (order[i]->ncond == 0) {
            /* Always allowed: nothing after it could matter. */
            emit_ret(p, SECCOMP_RET_ALLOW);
            return;
        }
        size_t end = i + 1;
        while (end < n && same_group(order[i], order[end]))
            end++;
        if (end - i > 1)
            emit_group(p, &order[i], end - i);
        else
            emit_rule(p, order[i]);
        i = end;
    }
    emit_ret(p, SECCOMP_RET_KILL_PROCESS);
}

static size_t body_size(const struct policy *pol, int nr)
{
    struct program count = {.insn = NULL, .n = 0, .max = BPF_MAXINSNS};
    emit_body(&count, pol, nr);
    return count.overflow ? BPF_MAXINSNS : count.n;
}

/* The hot numbers: those of the devices' rules (block and net I/O). */
static int is_hot(const struct policy *pol, int nr)
{
    for (size_t i = 0; i < pol->nrules; i++)
        if (pol->rules[i].nr == nr && pol->rules[i].device != 0)
            return 1;
    return 0;
}

/* The distinct system call numbers of the policy, sorted ascending, the
 * hot ones (*nhot of them) first. */
static size_t distinct_numbers(const struct policy *pol, int *nrs, size_t *nhot)
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
    /* A stable partition: hot first. */
    int cold[POLICY_MAX_RULES];
    size_t h = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_hot(pol, nrs[i]))
            nrs[h++] = nrs[i];
        else
            cold[c++] = nrs[i];
    }
    for (size_t i = 0; i < c; i++)
        nrs[h + i] = cold[i];
    *nhot = h;
    return n;
}

/*
 * The hot numbers are compared one after the other, each followed by its
 * body: a block or net I/O call is classified in one instruction for each
 * hot number before its own. A body longer than a jump can pass over gets
 * "jeq NR, 1, 0; ja +BODY" instead: the same for the call that matches.
 */
static void emit_hot(struct program *p, const struct policy *pol, int nr)
{
    size_t size = body_size(pol, nr);
    if (size <= JUMP_MAX) {
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (unsigned char)size,
             (unsigned)nr);
    } else {
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, (unsigned)nr);
        emit(p, BPF_JMP | BPF_JA, 0, 0, (unsigned)size);
    }
    size_t start = p->n;
    emit_body(p, pol, nr);
    if (!p->overflow && p->n - start != size)
        p->overflow = 1; /* the sizing and the emission disagree: a bug */
}

/*
 * The other numbers: a binary search (A holds the number), so that every
 * call is classified in a few instructions. The kernel evaluates the filter
 * for every system call number when it is loaded, so a short path per
 * number is also a fast start. Each leaf is "jeq NR; ja BODY; ret kill";
 * the bodies follow the search.
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
    if (left > JUMP_MAX) {
        p->overflow = 1;
        return;
    }
    emit(p, BPF_JMP | BPF_JGE | BPF_K, (unsigned char)left, 0,
         (unsigned)nrs[mid]);
    emit_tree(p, nrs, lo, mid, leaf_ja);
    emit_tree(p, nrs, mid, hi, leaf_ja);
}

size_t bpf_compile(const struct policy *pol, struct sock_filter *out,
                   size_t max)
{
    struct program p = {.insn = out, .n = 0, .max = max, .overflow = 0};
    int nrs[POLICY_MAX_RULES];
    size_t leaf_ja[POLICY_MAX_RULES];
    size_t nhot;

    /* A policy that lost a rule or a condition must not become a filter. */
    if (!policy_valid(pol))
        return 0;
    size_t n = distinct_numbers(pol, nrs, &nhot);

    emit_load(&p, DATA_ARCH);
    emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NABLA_AUDIT_ARCH);
    emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
    emit_load(&p, DATA_NR);
    /* Exact numbers: an x32 call (x86_64's bit 30 set) never matches one. */
    for (size_t i = 0; i < nhot && !p.overflow; i++)
        emit_hot(&p, pol, nrs[i]);
    const int *cold = nrs + nhot;
    size_t ncold = n - nhot;
    if (ncold == 0) {
        emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
        return p.overflow ? 0 : p.n;
    }
    /* Above the highest of them: x32 calls (x86_64), everything else. */
    emit(&p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, (unsigned)cold[ncold - 1]);
    emit_ret(&p, SECCOMP_RET_KILL_PROCESS);
    emit_tree(&p, cold, 0, ncold, leaf_ja);
    for (size_t i = 0; i < ncold && !p.overflow; i++) {
        p.insn[leaf_ja[i]].k = (unsigned)(p.n - (leaf_ja[i] + 1));
        emit_body(&p, pol, cold[i]);
    }
    return p.overflow ? 0 : p.n;
}
