/*
 * blk63: the largest manifest an application may declare, 63 block devices
 * d1..d63 (blk63.json). Acquires all of them, writes a pattern distinct per
 * device to block 0 of each, then reads every block 0 back and compares.
 * Prints "63 devices ok" and exits 0, or says what went wrong and exits 1.
 *
 * Pattern of device dN: byte j of block 0 is (N * 37 + j) mod 256.
 */
#include "solo5.h"

/* Provided by the bindings; solo5.h does not declare them. */
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#define DEVICES 63
#define MAX_BLOCK 32768

static uint8_t buf[MAX_BLOCK];
static solo5_handle_t handles[DEVICES + 1];
static struct solo5_block_info infos[DEVICES + 1];

static void print(const char *s)
{
    solo5_console_write(s, strlen(s));
}

static void print_u64(uint64_t v)
{
    char b[24];
    int i = sizeof(b) - 1;
    b[i] = '\0';
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    print(&b[i]);
}

static void fail(const char *what, int n)
{
    print("blk63: ");
    print(what);
    print(" d");
    print_u64((uint64_t)n);
    print("\n");
}

/* "dN" into name (at least 4 bytes). */
static void device_name(char *name, int n)
{
    int i = 0;
    name[i++] = 'd';
    if (n >= 10)
        name[i++] = (char)('0' + n / 10);
    name[i++] = (char)('0' + n % 10);
    name[i] = '\0';
}

static uint8_t pattern(int n, uint64_t j)
{
    return (uint8_t)((uint64_t)n * 37 + j);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    char name[4];
    solo5_handle_t h;
    struct solo5_block_info info;

    (void)si;
    for (int n = 1; n <= DEVICES; n++) {
        device_name(name, n);
        if (solo5_block_acquire(name, &handles[n], &infos[n]) != SOLO5_R_OK) {
            fail("cannot acquire", n);
            return SOLO5_EXIT_FAILURE;
        }
        if (infos[n].block_size > MAX_BLOCK || infos[n].capacity == 0) {
            fail("bad block size or capacity of", n);
            return SOLO5_EXIT_FAILURE;
        }
        for (int k = 1; k < n; k++) {
            if (handles[k] == handles[n]) {
                fail("same handle as another device:", n);
                return SOLO5_EXIT_FAILURE;
            }
        }
    }
    if (solo5_block_acquire("d64", &h, &info) == SOLO5_R_OK) {
        print("blk63: acquired undeclared device d64\n");
        return SOLO5_EXIT_FAILURE;
    }
    for (int n = 1; n <= DEVICES; n++) {
        for (uint64_t j = 0; j < infos[n].block_size; j++)
            buf[j] = pattern(n, j);
        if (solo5_block_write(handles[n], 0, buf, infos[n].block_size) !=
            SOLO5_R_OK) {
            fail("cannot write block 0 of", n);
            return SOLO5_EXIT_FAILURE;
        }
    }
    for (int n = 1; n <= DEVICES; n++) {
        memset(buf, 0, infos[n].block_size);
        if (solo5_block_read(handles[n], 0, buf, infos[n].block_size) !=
            SOLO5_R_OK) {
            fail("cannot read block 0 of", n);
            return SOLO5_EXIT_FAILURE;
        }
        for (uint64_t j = 0; j < infos[n].block_size; j++) {
            if (buf[j] != pattern(n, j)) {
                fail("wrong data read back from", n);
                return SOLO5_EXIT_FAILURE;
            }
        }
    }
    print("63 devices ok\n");
    return SOLO5_EXIT_SUCCESS;
}
