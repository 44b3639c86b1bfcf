/*
 * The stub: the first code of every packed unikernel executable.
 *
 * Start-up, in order (stub_start_c at the bottom runs first):
 *   0. before the C library starts: refuse a file that was cut short, and
 *      populate the stub's data page (entry.c);
 *   1. refuse set-uid/set-gid execution;
 *   2. find the payload nabla-pack baked into this file (program headers),
 *      or, given --verify alone, check the whole file against its checksums
 *      instead (verify.c);
 *   2b. refuse a kernel that cannot confine the guest (aarch64: pages
 *      other than 4 KiB, no seccomp filters, as under qemu-user);
 *   3. parse options: pack-time defaults, then the command line;
 *   4. close every fd that is not stdin/out/err or given for a device;
 *   5. map guest memory around the guest segments that execve already mapped
 *      (a position-independent guest: moved to a random address and
 *      relocated, aslr.c);
 *   6. create the epoll set and the timer, write the boot information;
 *   7. attach every device of the manifest (its type's stub_device:
 *      block.c, net.c);
 *   8. empty the capability sets (the bounding set stays: see harden.c);
 *   8b. with a net device in user mode only: fork; this process becomes the
 *      relay (relay/relay.c), the child goes on as the guest;
 *   9. set no_new_privs, unmap the stub, load the seccomp filter
 *      (docs/abi.md §4) and jump to the guest entry point on the guest stack
 *      (leave.c).
 * No system call outside the guest's policy is possible from the guest's
 * first instruction on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "nabla/exit.h"
#include "stub.h"
#include "stub_arch.h"

const char *stub_progname = "nabla";

static void vdie(int with_errno, const char *fmt, va_list ap)
    __attribute__((noreturn));

static void vdie(int with_errno, const char *fmt, va_list ap)
{
    int saved = errno;
    char limit[160];
    fprintf(stderr, "%s: error: ", stub_progname);
    vfprintf(stderr, fmt, ap);
    if (with_errno) {
        fprintf(stderr, ": %s", strerror(saved));
        /* A resource that ran out: which limit, if one is set. */
        if (harden_describe_limit(saved, limit, sizeof(limit)))
            fputs(limit, stderr);
    }
    fputc('\n', stderr);
    exit(NABLA_EXIT_REFUSED);
}

void stub_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdie(0, fmt, ap);
}

void stub_die_errno(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdie(1, fmt, ap);
}

/* Joins the guest arguments with single spaces into buf. */
static void build_cmdline(char *buf, size_t size, int argc,
                          const char *const *argv)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (n + len + (i > 0) + 1 > size)
            stub_die("guest command line longer than %zu bytes", size - 1);
        if (i > 0)
            buf[n++] = ' ';
        memcpy(buf + n, argv[i], len + 1);
        n += len;
    }
}

/* The guest's copy of the manifest, after the boot information and
 * nabla's boot extension; the devices are attached into it. */
#define BOOT_MFT_BASE (SPT_BOOT_INFO_BASE + 64)
_Static_assert(NABLA_BOOT_EXT_BASE + sizeof(struct nabla_boot_ext) <=
                   BOOT_MFT_BASE,
               "boot extension overlaps the manifest");

/*
 * Lays out the boot page: struct spt_boot_info at SPT_BOOT_INFO_BASE, then
 * the manifest, then the command line, all below SPT_GUEST_MIN_BASE; each
 * moved by the guest memory's base, and the end of guest memory and of the
 * guest's segments given as the addresses they are (docs/abi.md §3.7).
 */
static struct spt_boot_info *write_boot_info(const struct nabla_payload *p,
                                             const struct guest_memory *gm,
                                             const struct stub_config *cfg,
                                             int epollfd, int timerfd)
{
    struct spt_boot_info *bi =
        (struct spt_boot_info *)(gm->base + SPT_BOOT_INFO_BASE);
    const struct mft *src = payload_mft(p);
    size_t mft_size = MFT_SIZE(src->entries);
    uintptr_t mft_addr = gm->base + BOOT_MFT_BASE;
    uintptr_t cmdline_addr = (mft_addr + mft_size + 63) & ~(uintptr_t)63;

    memcpy((void *)mft_addr, src, mft_size);
    struct mft *mft = (struct mft *)mft_addr;
    for (uint32_t i = 0; i < mft->entries; i++) {
        mft->e[i].attached = false; /* until a device module attaches it */
        mft->e[i].b.hostfd = -1;
    }
    build_cmdline((char *)cmdline_addr, SPT_CMDLINE_SIZE, cfg->guest_argc,
                  cfg->guest_argv);
    bi->mem_size = gm->base + gm->size;
    bi->kernel_end = gm->base + p->kernel_end;
    bi->cmdline = (const char *)cmdline_addr;
    bi->mft = mft;
    bi->epollfd = epollfd;
    bi->timerfd = timerfd;

    /* Randomness for the guest's stack guard, without a system call. */
    struct nabla_boot_ext *ext =
        (struct nabla_boot_ext *)(gm->base + NABLA_BOOT_EXT_BASE);
    const void *random = (const void *)getauxval(AT_RANDOM);
    if (random != NULL) {
        memcpy(ext->random, random, sizeof(ext->random));
        ext->magic = NABLA_BOOT_EXT_MAGIC;
    }
    return bi;
}

static void create_event_fds(int *epollfd, int *timerfd)
{
    *epollfd = epoll_create1(EPOLL_CLOEXEC);
    if (*epollfd < 0)
        stub_die_errno("cannot create the guest's event set (epoll_create1)");
    *timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (*timerfd < 0)
        stub_die_errno("cannot create the guest's timer (timerfd_create)");
    struct epoll_event ev = {.events = EPOLLIN,
                             .data.u64 = SPT_TIMERFD_EVENT_DATA};
    if (epoll_ctl(*epollfd, EPOLL_CTL_ADD, *timerfd, &ev) != 0)
        stub_die_errno("cannot add the guest's timer to its event set "
                       "(epoll_ctl)");
}

/* options.c decides nothing: a bad option ends the start here. */
static void parse_options(struct stub_config *cfg,
                          struct device_setting (*dev)[DEVICE_OPTIONS],
                          const struct nabla_payload *p, int argc, char **argv)
{
    struct result_msg why;
    if (options_parse(cfg, dev, p, argc, argv, &why) != RESULT_OK)
        stub_die("%s", why.text);
}

static void print_help(const struct nabla_payload *p,
                       const struct stub_config *cfg)
{
    struct result_msg why;
    if (options_print_help(p, cfg, &why) != RESULT_OK)
        stub_die("%s", why.text);
}

/* The end of --help, --version and --print-policy: what they printed must
 * have been written (a full disk, a closed pipe), else one line and 125. */
static int stdout_written(const char *what)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        stub_die_errno("%s: cannot write to standard output", what);
    return 0;
}

/* The linker's bounds of the section STUB_DEVICE fills (stub.h). */
extern const struct stub_device *const __start_nabla_stub_devices[];
extern const struct stub_device *const __stop_nabla_stub_devices[];

/* The fds the caller gives the devices, checked, sorted ascending. */
static size_t given_fds(const struct mft *mft, const struct stub_config *cfg,
                        int *fds, size_t max)
{
    size_t n = 0;
    for (const struct stub_device *const *d = __start_nabla_stub_devices;
         d < __stop_nabla_stub_devices; d++) {
        if ((*d)->given_fds != NULL)
            n = (*d)->given_fds(mft, cfg, fds, n, max);
    }
    return n;
}

static void attach_devices(struct mft *mft, const struct stub_config *cfg,
                           int epollfd)
{
    for (uint32_t i = 1; i < mft->entries; i++) {
        struct mft_entry *e = &mft->e[i];
        const struct stub_device *const *d = __start_nabla_stub_devices;
        while (d < __stop_nabla_stub_devices && (*d)->type->mft_type != e->type)
            d++;
        if (d == __stop_nabla_stub_devices)
            stub_die("damaged executable: manifest entry %u has type %#x", i,
                     e->type);
        (*d)->attach(e, i, cfg, epollfd);
    }
}

static int stub_main(int argc, char **argv)
{
    struct stub_config cfg;
    int epollfd, timerfd;
    int fds[MFT_MAX_ENTRIES];

    if (argc > 0 && argv[0] != NULL) {
        const char *slash = strrchr(argv[0], '/');
        stub_progname = slash ? slash + 1 : argv[0];
    }

    /* 1. No privileges to be gained through this file. */
    harden_refuse_secure_exec();

    /* 2. What nabla-pack baked in; with --verify, the whole file is
     * checked first, before anything in it is trusted. */
    if (argc == 2 && strcmp(argv[1], "--verify") == 0)
        return verify_self();
    /* A kernel that can confine the guest as docs/abi.md assumes
     * (stub/arch/ARCH/stub_arch.h): aarch64 refuses pages other than
     * 4 KiB, and qemu-user, which has no seccomp (and whose auxiliary
     * vector would not even lead to the payload). */
    arch_check_kernel();
    const struct nabla_payload *p = payload_find();

    /* 3. Options. Room for this manifest's devices only, not for 64: a
     * smaller frame, so start-up runs on fewer stack pages. */
    struct device_setting dev[payload_mft(p)->entries][DEVICE_OPTIONS];
    parse_options(&cfg, dev, p, argc, argv);
    if (cfg.help) {
        print_help(p, &cfg);
        return stdout_written("--help");
    }
    if (cfg.version) {
        options_print_version();
        return stdout_written("--version");
    }
    struct guest_memory gm = {.base = 0, .size = cfg.mem_mb << 20};

    /* 4. Only the fds the guest was given. */
    size_t ngiven = given_fds(payload_mft(p), &cfg, fds, MFT_MAX_ENTRIES);
    harden_close_fds(fds, ngiven);

    /* 5. Guest memory; a position-independent guest at a random address
     * (aslr.c). */
    memory_map_guest(p, &gm, cfg.no_aslr);

    /* 6. Event fds and boot information. */
    create_event_fds(&epollfd, &timerfd);
    struct spt_boot_info *bi = write_boot_info(p, &gm, &cfg, epollfd, timerfd);

    /* 7. Devices, written into the guest's copy of the manifest. */
    attach_devices((struct mft *)(gm.base + BOOT_MFT_BASE), &cfg, epollfd);

    /* 8. Nothing more needs privileges. */
    harden_drop_capabilities();

    /* 9. Confinement, and into the guest. */
    struct seccomp_policy policy = {
        .epollfd = epollfd,
        .timerfd = timerfd,
        .mft = bi->mft,
    };
    if (cfg.print_policy) {
        seccomp_print_policy(&policy);
        if (usernet_devices > 0)
            usernet_print_policy();
        return stdout_written("--print-policy");
    }
    /* 8b. A user-mode network's relay: we return as its child. */
    if (usernet_devices > 0)
        usernet_start(&gm);
    leave_stub(p, &gm, bi, &policy);
}

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void),
                      void (*ldso_fini)(void));

/* More than start-up uses below main_wrapper's frame: under 3 KiB for a
 * guest without devices, 4 KiB more to resolve a pack-time path. */
#define STUB_STACK_USE (16 * 1024)

static int main_wrapper(int argc, char **argv, char **envp)
{
    (void)envp;
    /* The stack that start-up will use, in one call instead of a fault per
     * page; where that fails, the stack limit may be too small for it. */
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (populate_for_write(sp - STUB_STACK_USE, sp) != 0)
        harden_check_stack(sp, STUB_STACK_USE, argc > 0 ? argv[0] : NULL);
    return stub_main(argc, argv);
}

/* Called by _start (stub/arch/ARCH/start.S) with the initial stack pointer:
 * before the C library starts (it touches pages all over the file), make sure
 * that the file holds them (entry.c). Both in the entry section. */
void stub_start_c(long *sp) __attribute__((section(".text.nabla_entry")));

void stub_start_c(long *sp)
{
    entry_check_complete(sp);
    entry_populate_data(sp);
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    __libc_start_main(main_wrapper, argc, argv, NULL, NULL, NULL);
}
