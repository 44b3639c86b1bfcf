/*
 * blkcount: a boot counter kept on a block device. Block 0 holds a magic
 * and the count; every run increments it and prints the new value. A disk
 * without the magic counts from zero.
 */
#include "solo5.h"

#define MAGIC "NABLACNT"
#define MAX_BLOCK 32768

static uint8_t block[MAX_BLOCK];

static void print(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    solo5_console_write(s, n);
}

static void print_u64(uint64_t v)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    print(&buf[i]);
}

static int has_magic(void)
{
    for (int i = 0; i < 8; i++) {
        if (block[i] != (uint8_t)MAGIC[i])
            return 0;
    }
    return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info info;
    solo5_handle_t h;
    uint64_t count = 0;

    (void)si;
    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK) {
        print("blkcount: cannot acquire block device 'storage'\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (info.block_size > MAX_BLOCK ||
        solo5_block_read(h, 0, block, info.block_size) != SOLO5_R_OK) {
        print("blkcount: cannot read block 0\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (has_magic()) {
        for (int i = 0; i < 8; i++)
            count |= (uint64_t)block[8 + i] << (8 * i);
    } else {
        for (uint64_t i = 0; i < info.block_size; i++)
            block[i] = 0;
        for (int i = 0; i < 8; i++)
            block[i] = (uint8_t)MAGIC[i];
    }
    count++;
    for (int i = 0; i < 8; i++)
        block[8 + i] = (uint8_t)(count >> (8 * i));
    if (solo5_block_write(h, 0, block, info.block_size) != SOLO5_R_OK) {
        print("blkcount: cannot write block 0\n");
        return SOLO5_EXIT_FAILURE;
    }
    print("boot count: ");
    print_u64(count);
    print("\n");
    return SOLO5_EXIT_SUCCESS;
}
