/*
 * Built the way Solo5's test programs are built, by nabla's installed
 * x86_64-solo5-none-static-cc: its manifest note comes from manifest.json
 * (nabla-pack gen-manifest), and it brings its own strlen.
 */
#include "solo5.h"

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void puts(const char *s)
{
    solo5_console_write(s, strlen(s));
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info info;
    solo5_handle_t h;
    bool ok = solo5_block_acquire("storage", &h, &info) == SOLO5_R_OK &&
              info.block_size == 512 && info.capacity == 8192;

    puts(si->cmdline);
    puts(ok ? "\nSUCCESS\n" : "\nFAILURE\n");
    return ok ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
