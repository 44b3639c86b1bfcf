/* Declarations shared by the modules of the stub. */
#ifndef NABLA_STUB_H
#define NABLA_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elf.h>
#include <linux/filter.h>

#include "devopts.h"
#include "payload_format.h"
#include "nabla/abi.h"
#include "nabla/exit.h"
#include "packed_layout.h"

/* Name the stub uses in messages: its argv[0]. */
extern const char *stub_progname;

/* Prints "PROG: error: MESSAGE" as one line on stderr and exits with
 * NABLA_EXIT_REFUSED (nabla/exit.h). */
void stub_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* Same, with ": strerror(errno)" appended. */
void stub_die_errno(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/*
 * For large static buffers of which start-up touches little or nothing: the
 * x86-64 linker script places .lbss after .bss, so libc's small globals stay
 * in the data page execve has already faulted in instead of a page or two
 * of their own beyond these buffers (every first touch of a page costs a
 * fault).
 */
#define STUB_COLD_BSS __attribute__((section(".lbss")))

/* entry.c: before the C library is set up; sp is the initial stack (argc,
 * argv, envp, auxv). entry_check_complete exits with one line if this file
 * is shorter than its headers say; entry_populate_data maps the stub's
 * data page for writing. */
void entry_check_complete(long *sp);
void entry_populate_data(long *sp);

/* populate.c: maps the pages of [start, end) now, in one system call, where
 * touching them would fault once per page; best effort. For pages that
 * will be written, and for read-only ones of the file. Return madvise's
 * result: -1 (errno ENOMEM) where part of the range is not mapped, or
 * EINVAL on kernels without it. */
int populate_for_write(uintptr_t start, uintptr_t end);
int populate_for_read(uintptr_t start, uintptr_t end);

/* verify.c: APP --verify. Checks this executable's file against its
 * checksums; returns 0 after "NAME: OK (sha256 ...)" on stdout, or exits
 * with one line saying what is damaged. */
int verify_self(void);

/* payload.c: what nabla-pack baked into this executable, checked. */
const struct nabla_payload *payload_find(void);

/* options.c: the command line, after the pack-time defaults. */
struct device_setting {
    const char *value; /* NULL: not given */
    bool from_default; /* baked in by nabla-pack, not on the command line */
};

struct stub_config {
    const char *app_name; /* baked in at pack time: state: paths */
    uint64_t mem_mb;
    bool help;
    bool version;
    bool print_policy; /* attach the devices, print the policy, exit */
    bool no_aslr;      /* a position-independent guest at its link addresses */
    int guest_argc;
    const char *const *guest_argv;
    /* Device option values by manifest index, then the option's slot in
     * its device type (struct device_type's options[]), for the manifest's
     * entries (room given to options_parse). */
    struct device_setting (*dev)[DEVICE_OPTIONS];
};

/*
 * Reads the defaults baked into p, then the command line, into *cfg; dev:
 * room for payload_mft(p)->entries entries. RESULT_ERROR with why (a bad
 * option or value, or one line about a damaged payload): main.c exits.
 * Like the rest of options.c, it prints nothing on stderr and never exits
 * (tests/fuzz/fuzz_options.c runs it on any input).
 */
enum result options_parse(struct stub_config *cfg,
                          struct device_setting (*dev)[DEVICE_OPTIONS],
                          const struct nabla_payload *p, int argc, char **argv,
                          struct result_msg *why);
/* --help on stdout; RESULT_ERROR if a default path cannot be resolved. */
enum result options_print_help(const struct nabla_payload *p,
                               const struct stub_config *cfg,
                               struct result_msg *why);
void options_print_version(void);
/*
 * The path a path setting (--block:) names, by the rules of devopts.h: a
 * default path baked in at pack time is relative to the directory of the
 * executable, so that an app and its disk image can move together; one
 * written state:REL lies in the service's state directory. *path is the
 * value itself or the resolved path in buf; RESULT_ERROR if that does not
 * fit in buf or the executable's directory cannot be found.
 */
enum result options_resolve_path(const struct stub_config *cfg,
                                 const struct device_setting *s, char *buf,
                                 size_t size, const char **path,
                                 struct result_msg *why);

/*
 * The stub's side of a device type (common/device.h): a module, stub/NAME.c,
 * that registers itself with STUB_DEVICE. main.c finds it by the type of a
 * manifest entry (in the section nabla_stub_devices); nothing lists them.
 */
struct stub_device {
    const struct device_type *type;
    /* Opens what the options give device e (manifest index `index`, the
     * copy in the boot page), fills in the entry and marks it attached, or
     * exits with one line saying why not. */
    void (*attach)(struct mft_entry *e, uint32_t index,
                   const struct stub_config *cfg, int epollfd);
    /* Optional. Before the stub opens any fd of its own: checks the fds
     * the caller gives this type's devices (--net:NAME=@FD), so that a
     * number the caller never opened cannot name one of ours, and adds
     * them to fds[0..n) (sorted ascending, room for max); returns the new
     * count. */
    size_t (*given_fds)(const struct mft *mft, const struct stub_config *cfg,
                        int *fds, size_t n, size_t max);
};

/* Registers the stub's side of a device type (a const struct
 * stub_device): a pointer to it in the section nabla_stub_devices. */
#define STUB_DEVICE(dev)                                                       \
    static const struct stub_device *const stub_device_entry_##dev             \
        __attribute__((used, section("nabla_stub_devices"))) = &dev

/*
 * relay/: net devices in user mode (--net:NAME=user), docs/usernet.md.
 * usernet_open makes device e's socket pair, binds its forwarded ports and
 * returns the guest's end; usernet_start forks the relay and returns in
 * the child, which goes on to become the guest. Their code lies apart from
 * the rest of the stub (the Makefile's usernet.text): net.c and main.c
 * call in only when a device is in user mode (usernet_devices > 0).
 */
#define USERNET_DEVICE_MTU 1500
extern unsigned usernet_devices;
int usernet_open(const struct mft_entry *e, uint32_t index,
                 const struct stub_config *cfg);
struct guest_memory; /* below */
void usernet_start(const struct guest_memory *gm);
/* The relay's policy in words, on stdout (--print-policy). */
void usernet_print_policy(void);

/*
 * Where guest memory lies: [base + SPT_HOST_MEM_BASE, base + size), every
 * address of docs/abi.md §3 moved by base. base is 0 for a fixed guest;
 * for a position-independent one, the random slide aslr.c chose (0 with
 * randomisation off).
 */
struct guest_memory {
    uint64_t base;
    uint64_t size; /* --mem */
};

/* The guest's PT_LOADs in this executable's program headers, in address
 * order, at their link addresses. */
struct guest_segments {
    size_t n;
    const Elf64_Phdr *ph[NABLA_MAX_GUEST_SEGMENTS];
};

/* memory.c: guest memory around the segments: sets gm->base (a
 * position-independent guest moved and relocated, unless no_aslr or the
 * personality says otherwise: aslr_wanted). */
void memory_map_guest(const struct nabla_payload *p, struct guest_memory *gm,
                      int no_aslr);

/*
 * aslr.c (docs/aslr.md). aslr_wanted: 0 with --no-aslr or under the
 * ADDR_NO_RANDOMIZE personality (gdb, setarch -R). aslr_move_guest
 * reserves guest memory at a random base, moves the segments there and
 * returns the base. aslr_relocate applies the relocations for base and
 * makes PT_GNU_RELRO read-only; a damaged table is refused, not applied.
 */
int aslr_wanted(int no_aslr_option);
uint64_t aslr_move_guest(const struct nabla_pie *pie,
                         const struct guest_segments *segs, uint64_t mem_size);
void aslr_relocate(const struct nabla_pie *pie,
                   const struct guest_segments *segs, uint64_t base);

/* seccomp.c: the policy of docs/abi.md §4 for this guest's devices. */
struct seccomp_policy {
    int epollfd;
    int timerfd;
    const struct mft *mft; /* the filled-in manifest: device fds and sizes */
};
/* The rules for this guest: the base calls, then its devices'. */
const struct policy *seccomp_rules(const struct seccomp_policy *policy);
/* Compiles the rules into buf; returns the number of instructions, 0 if
 * more than max (or BPF_MAXINSNS) would be needed. */
size_t seccomp_compile(const struct policy *rules, struct sock_filter *buf,
                       size_t max);
void seccomp_no_new_privs(void);
/* The exact policy in words, with this run's fds and sizes, on stdout. */
void seccomp_print_policy(const struct seccomp_policy *policy);

/* harden.c */
void harden_refuse_secure_exec(void);
/*
 * Called when [sp - need, sp) could not be populated: if the stack limit
 * (ulimit -s) leaves less than need below sp, prints one line saying so and
 * exits NABLA_EXIT_REFUSED (start-up would crash with SIGSEGV instead). It
 * prints without stdio, which needs more stack, under argv0's base name.
 * Returns otherwise.
 */
void harden_check_stack(uintptr_t sp, size_t need, const char *argv0);
/*
 * For errno err of a call that failed: when it means a resource ran out
 * (ENOMEM, EMFILE, ENFILE), writes to buf " (" what it is, and the limit
 * that applies if one is set, ")" and returns 1; else writes "" and returns
 * 0. stub_die_errno then exits NABLA_EXIT_REFUSED.
 */
int harden_describe_limit(int err, char *buf, size_t size);
/* Closes every fd >= 3 that is not in keep[] (sorted ascending). */
void harden_close_fds(const int *keep, size_t nkeep);
void harden_drop_capabilities(void);

/* leave.c: compiles the filter, then, from the exit trampoline in guest
 * memory, unmaps the stub, loads the filter and jumps to the guest. */
/* stub/arch/ARCH/trampoline.S: the exit trampoline, linked into the stub
 * as well (memory.c checks that a packed one fits where it is said to be). */
extern const unsigned char nabla_trampoline[], nabla_trampoline_end[];
void leave_stub(const struct nabla_payload *p, const struct guest_memory *gm,
                const struct spt_boot_info *bi,
                const struct seccomp_policy *policy) __attribute__((noreturn));

#endif
