/*
 * Guest entry point. The stub jumps here with the address of the boot
 * information in the first argument and the stack at the top of guest memory.
 */
#include "bindings.h"
#include "layout.h"
#include <string.h>

const struct spt_boot_info *bindings_boot_info;
int bindings_quiet;

/* Command line handed to the application, with the --solo5: options removed. */
static char app_cmdline[SPT_CMDLINE_SIZE];

/* Room kept below the top of guest memory for the guest stack: 1 MiB, or
 * half of what is free in a small guest (Solo5's tests run with --mem=2),
 * so that the heap is never empty. */
#define GUEST_STACK_SIZE (1024ull * 1024)

static int token_is(const char *tok, size_t len, const char *word)
{
    size_t wlen = strlen(word);
    return len == wlen && memcmp(tok, word, len) == 0;
}

/* Copies the command line to app_cmdline, consuming the --solo5: options. */
static void parse_cmdline(const char *cmdline)
{
    const char *p = cmdline;
    size_t out = 0;

    while (*p) {
        while (*p == ' ')
            p++;
        const char *tok = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - tok);
        if (len == 0)
            break;
        if (token_is(tok, len, "--solo5:quiet")) {
            bindings_quiet = 1;
            continue;
        }
        if (token_is(tok, len, "--solo5:debug"))
            continue;
        if (out + len + 2 > sizeof(app_cmdline))
            break;
        if (out > 0)
            app_cmdline[out++] = ' ';
        memcpy(app_cmdline + out, tok, len);
        out += len;
    }
    app_cmdline[out] = '\0';
}

static void log_region(const char *what, uint64_t start, uint64_t end)
{
    char line[128];
    char num[24];
    size_t n = 0, k;

    k = strlen(what);
    memcpy(line, what, k);
    n += k;
    line[n++] = '0';
    line[n++] = 'x';
    k = bindings_fmt_u64(num, start, 16);
    memcpy(line + n, num, k);
    n += k;
    memcpy(line + n, " - 0x", 5);
    n += 5;
    k = bindings_fmt_u64(num, end, 16);
    memcpy(line + n, num, k);
    n += k;
    line[n] = '\0';
    bindings_log(line);
}

void _start(const struct spt_boot_info *bi) __attribute__((noreturn));

void _start(const struct spt_boot_info *bi)
{
    /* No TLS until the guest sets its own: a tender may leave its own C
     * library's TLS base behind (solo5-spt does), which the guest must not
     * read through %fs (tpidr_el0 on aarch64). */
    solo5_set_tls_base(0);
    bindings_ssp_init();
    bindings_boot_info = bi;
    parse_cmdline(bi->cmdline);

    uint64_t heap_start =
        (bi->kernel_end + SPT_PAGE_SIZE - 1) & ~(SPT_PAGE_SIZE - 1);
    uint64_t free = heap_start < bi->mem_size ? bi->mem_size - heap_start : 0;
    uint64_t stack = free / 2 < GUEST_STACK_SIZE ? free / 2 : GUEST_STACK_SIZE;
    uint64_t heap_end = bi->mem_size - stack;

    bindings_log("nabla: solo5 bindings (spt ABI v2)");
    log_region("nabla: text+data: ", bindings_image_start(), bi->kernel_end);
    log_region("nabla: heap:      ", heap_start, heap_end);
    log_region("nabla: stack top: ", heap_end, bi->mem_size);

    struct solo5_start_info info = {
        .cmdline = app_cmdline,
        .heap_start = heap_start,
        .heap_size = heap_end - heap_start,
    };
    solo5_exit(solo5_app_main(&info));
}
