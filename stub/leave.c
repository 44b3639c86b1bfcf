/*
 * Leaving the stub. The exit trampoline lies in guest memory: in the tail
 * of a guest text page when nabla-pack found room there, else in a page of
 * the boot page range that the stub fills and makes read-only and
 * executable here. From there it unmaps the stub and everything else
 * outside guest memory, loads the filter and jumps to the guest, so that
 * no guest ever runs with the stub, its stack (argv, the environment, the
 * auxiliary vector) or the vDSO mapped.
 */
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include "stub.h"
#include "stub_arch.h"

/* After the app's name: its refusal line when a call of the exit plan
 * fails (it must survive the unmapping: it is copied into the plan). */
static const char exit_errmsg[] =
    ": error: cannot unmap the stub or load the seccomp filter\n";

/* The filter's room at NABLA_EXIT_FILTER_BASE ends where the trampoline's
 * page begins. */
_Static_assert(NABLA_EXIT_FILTER_BASE + BPF_MAXINSNS * 8 <=
                   NABLA_EXIT_TRAMPOLINE_BASE,
               "the trampoline's page overlaps the filter's room");
_Static_assert(NABLA_EXIT_TRAMPOLINE_BASE + SPT_PAGE_SIZE <= SPT_GUEST_MIN_BASE,
               "the trampoline's page is not in the boot page range");

/*
 * The guest's text had no room: the trampoline goes in a page of its own
 * in guest memory (the boot page range, mapped read-write by memory.c), no
 * longer writable once it is there: never writable and executable at once.
 * Returns its address.
 */
static uint64_t install_trampoline(uint64_t base)
{
    void *page = (void *)(base + NABLA_EXIT_TRAMPOLINE_BASE);
    size_t size = (size_t)(nabla_trampoline_end - nabla_trampoline);

    memcpy(page, nabla_trampoline, size);
    /* Written as data, run as code: where the caches are not coherent
     * (aarch64), the new instructions must reach the instruction cache. */
    __builtin___clear_cache((char *)page, (char *)page + size);
    if (mprotect(page, SPT_PAGE_SIZE, PROT_READ | PROT_EXEC) != 0)
        stub_die_errno("cannot make the exit trampoline's page at %#llx "
                       "executable",
                       (unsigned long long)(base + NABLA_EXIT_TRAMPOLINE_BASE));
    return base + NABLA_EXIT_TRAMPOLINE_BASE;
}

static void plan_call(struct nabla_exit_plan *plan, uint64_t nr, uint64_t a0,
                      uint64_t a1, uint64_t a2)
{
    struct nabla_exit_call *c = &plan->calls[plan->ncalls++];
    c->nr = nr;
    c->arg0 = a0;
    c->arg1 = a1;
    c->arg2 = a2;
}

/*
 * The exit plan and the filter go in guest memory, where they survive the
 * unmapping: in the boot information page after the command line when both
 * fit (the guest touches that page anyway, and every page touched for the
 * first time costs), else in the page below it, the filter after the plan
 * or, when too long for that page, at NABLA_EXIT_FILTER_BASE. Sets *plan
 * and *filter; returns the filter's length.
 */
static size_t place_exit(uint64_t base, const struct spt_boot_info *bi,
                         const struct policy *rules,
                         struct nabla_exit_plan **plan,
                         struct sock_filter **filter)
{
    const size_t insn = sizeof(struct sock_filter);
    uintptr_t page_end = base + SPT_BOOT_INFO_BASE + SPT_PAGE_SIZE;
    uintptr_t room = ((uintptr_t)bi->cmdline + strlen(bi->cmdline) + 1 + 63) &
                     ~(uintptr_t)63;
    size_t n;

    if (room + sizeof(**plan) < page_end) {
        *plan = (struct nabla_exit_plan *)room;
        *filter = (struct sock_filter *)(*plan + 1);
        n = seccomp_compile(rules, *filter,
                            (page_end - (uintptr_t)*filter) / insn);
        if (n != 0)
            return n;
    }
    *plan = (struct nabla_exit_plan *)(base + NABLA_EXIT_PLAN_BASE);
    *filter = (struct sock_filter *)(*plan + 1);
    n = seccomp_compile(rules, *filter,
                        (SPT_PAGE_SIZE - sizeof(**plan)) / insn);
    if (n != 0)
        return n;
    *filter = (struct sock_filter *)(base + NABLA_EXIT_FILTER_BASE);
    n = seccomp_compile(rules, *filter,
                        (SPT_GUEST_MIN_BASE - NABLA_EXIT_FILTER_BASE) / insn);
    if (n == 0)
        stub_die("seccomp policy too large for one BPF program");
    return n;
}

void leave_stub(const struct nabla_payload *p, const struct guest_memory *gm,
                const struct spt_boot_info *bi,
                const struct seccomp_policy *policy)
{
    struct nabla_exit_plan *plan;
    struct sock_filter *filter;
    size_t n = place_exit(gm->base, bi, seccomp_rules(policy), &plan, &filter);
    uint64_t mem_end = gm->base + gm->size;
    uint64_t stack = arch_guest_stack(mem_end);

    uint64_t trampoline = p->trampoline != 0 ? gm->base + p->trampoline
                                             : install_trampoline(gm->base);
    seccomp_no_new_privs();
    /* No fflush: nothing is buffered. The stub writes to stdout only on the
     * paths that end before this one (--help, --version, --print-policy),
     * and stderr is unbuffered. */
    plan->ncalls = 0;
    /* Everything the process has outside guest memory is the stub's: its
     * code, data, payload, heap and stack, and the vDSO. Nothing of the
     * guest lies above its end, so one munmap covers all of it, up to the
     * end of the user address space (stub_arch.h); munmap skips the holes.
     * Guest memory moved by a slide (aslr.c) has the stub below it, and a
     * second munmap takes everything from address 0 up to it. */
    plan_call(plan, SYS_munmap, mem_end, arch_user_space_end() - mem_end, 0);
    if (gm->base != 0)
        plan_call(plan, SYS_munmap, 0, gm->base + SPT_HOST_MEM_BASE, 0);
    plan_call(plan, SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
              (uint64_t)(uintptr_t)&plan->filter_len);
    plan->entry = gm->base + p->guest_entry;
    plan->stack = stack;
    plan->boot_info = (uint64_t)(uintptr_t)bi;
    plan->filter_len = (uint16_t)n;
    plan->filter = (uint64_t)(uintptr_t)filter;
    /* The message must survive the unmapping: copy it to guest memory,
     * after as much of the app's name as fits. */
    _Static_assert(sizeof(exit_errmsg) + 16 <= sizeof(plan->errmsg_text),
                   "exit message too long");
    size_t room = sizeof(plan->errmsg_text) - sizeof(exit_errmsg);
    size_t name_len = strnlen(stub_progname, room);
    memcpy(plan->errmsg_text, stub_progname, name_len);
    memcpy(plan->errmsg_text + name_len, exit_errmsg, sizeof(exit_errmsg));
    plan->errmsg = (uint64_t)(uintptr_t)plan->errmsg_text;
    plan->errmsg_len = name_len + sizeof(exit_errmsg) - 1;

    void (*call_trampoline)(struct nabla_exit_plan *) =
        (void (*)(struct nabla_exit_plan *))(uintptr_t)trampoline;
    call_trampoline(plan);
    __builtin_unreachable();
}
