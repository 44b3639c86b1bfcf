/*
 * globals: checks that the guest's initialised data (.data) and zeroed data
 * (.bss) are what the program says at start-up: integers of every width,
 * a double, a pointer to another global, a string, a 4 KiB array with a
 * known pattern, a struct, an over-aligned variable, and a 1 MiB .bss array
 * that must be all zero (and writable). Prints "globals ok" and exits 0, or
 * prints which check failed and exits 1.
 *
 * The variables have external linkage and are read through a compiler
 * barrier, so the compiler cannot fold them into constants: every check
 * reads the memory the tender loaded.
 */
#include "solo5.h"
#define GUEST_NAME "globals"
#include "say.h"

/* Makes the compiler forget what it knows about the memory at p. */
#define LAUNDER(p) __asm__ volatile("" : "+r"(p) : : "memory")

/* --- .data -------------------------------------------------------------- */

uint8_t g_u8 = 0xa5;
int8_t g_s8 = -7;
uint16_t g_u16 = 0xbeef;
int16_t g_s16 = -12345;
uint32_t g_u32 = 0xdeadbeefu;
int32_t g_s32 = -123456789;
uint64_t g_u64 = 0x0123456789abcdefull;
int64_t g_s64 = -0x7edcba9876543210ll;
double g_double = 3.25; /* exactly representable */
float g_float = -0.125f;
char g_string[] = "nabla globals";
_Alignas(64) uint32_t g_aligned = 0x64646464u;

/* 1024 words: V(i) for i = 0..1023, spanning a whole page. */
#define V(i) ((uint32_t)(((uint32_t)(i)*2654435761u) ^ 0x5a5a5a5au))
#define X4(i) V(i), V((i) + 1), V((i) + 2), V((i) + 3)
#define X16(i) X4(i), X4((i) + 4), X4((i) + 8), X4((i) + 12)
#define X64(i) X16(i), X16((i) + 16), X16((i) + 32), X16((i) + 48)
#define X256(i) X64(i), X64((i) + 64), X64((i) + 128), X64((i) + 192)
#define PATTERN_WORDS 1024
uint32_t g_pattern[PATTERN_WORDS] = {X256(0), X256(256), X256(512), X256(768)};

struct record {
    char tag;
    uint16_t id;
    uint64_t big;
    double ratio;
    const uint32_t *ref; /* a pointer into .data, resolved by the linker */
    char name[12];
    int small[3];
};
struct record g_record = {
    .tag = 'R',
    .id = 4242,
    .big = 0xfedcba9876543210ull,
    .ratio = -1.5,
    .ref = &g_pattern[100],
    .name = "record",
    .small = {1, -2, 3},
};

/* --- .bss --------------------------------------------------------------- */

#define BIG_BSS_SIZE (1024 * 1024)
uint8_t g_big_bss[BIG_BSS_SIZE];
uint64_t g_bss_u64;
int g_bss_int;
struct record g_bss_record;

static int string_is(const char *s, const char *want)
{
    while (*s && *s == *want) {
        s++;
        want++;
    }
    return *s == *want;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;

    /* Scalars. */
    uint8_t *pu8 = &g_u8;
    int8_t *ps8 = &g_s8;
    uint16_t *pu16 = &g_u16;
    int16_t *ps16 = &g_s16;
    uint32_t *pu32 = &g_u32;
    int32_t *ps32 = &g_s32;
    uint64_t *pu64 = &g_u64;
    int64_t *ps64 = &g_s64;
    double *pd = &g_double;
    float *pf = &g_float;
    char *pstr = g_string;
    uint32_t *palign = &g_aligned;
    LAUNDER(pu8);
    LAUNDER(ps8);
    LAUNDER(pu16);
    LAUNDER(ps16);
    LAUNDER(pu32);
    LAUNDER(ps32);
    LAUNDER(pu64);
    LAUNDER(ps64);
    LAUNDER(pd);
    LAUNDER(pf);
    LAUNDER(pstr);
    LAUNDER(palign);
    check(*pu8 == 0xa5, "uint8_t in .data");
    check(*ps8 == -7, "int8_t in .data");
    check(*pu16 == 0xbeef, "uint16_t in .data");
    check(*ps16 == -12345, "int16_t in .data");
    check(*pu32 == 0xdeadbeefu, "uint32_t in .data");
    check(*ps32 == -123456789, "int32_t in .data");
    check(*pu64 == 0x0123456789abcdefull, "uint64_t in .data");
    check(*ps64 == -0x7edcba9876543210ll, "int64_t in .data");
    check(*pd == 3.25, "double in .data");
    check(*pf == -0.125f, "float in .data");
    check(string_is(pstr, "nabla globals"), "char array in .data");
    check(*palign == 0x64646464u, "_Alignas(64) variable in .data");
    check(((uintptr_t)palign & 63) == 0, "_Alignas(64) variable is aligned");

    /* The pattern array. */
    uint32_t *pat = g_pattern;
    LAUNDER(pat);
    int bad = -1;
    for (int i = 0; i < PATTERN_WORDS; i++) {
        if (pat[i] != V(i)) {
            bad = i;
            break;
        }
    }
    if (bad >= 0) {
        say_hex("globals: pattern index ", (uint64_t)bad);
        say_hex("globals: pattern value ", pat[bad]);
    }
    check(bad < 0, "4 KiB pattern array in .data");

    /* The struct. */
    struct record *r = &g_record;
    LAUNDER(r);
    check(r->tag == 'R', "struct: char member");
    check(r->id == 4242, "struct: uint16_t member");
    check(r->big == 0xfedcba9876543210ull, "struct: uint64_t member");
    check(r->ratio == -1.5, "struct: double member");
    check(r->ref == &g_pattern[100], "struct: pointer member");
    check(r->ref != 0 && *r->ref == V(100), "struct: pointer target");
    check(string_is(r->name, "record"), "struct: char array member");
    check(r->small[0] == 1 && r->small[1] == -2 && r->small[2] == 3,
          "struct: int array member");

    /* .bss: all zero, then writable. */
    uint8_t *big = g_big_bss;
    uint64_t *pbu64 = &g_bss_u64;
    int *pbint = &g_bss_int;
    struct record *br = &g_bss_record;
    LAUNDER(big);
    LAUNDER(pbu64);
    LAUNDER(pbint);
    LAUNDER(br);
    check(*pbu64 == 0, "uint64_t in .bss is zero");
    check(*pbint == 0, "int in .bss is zero");
    const uint8_t *brb = (const uint8_t *)br;
    int br_zero = 1;
    for (size_t i = 0; i < sizeof(*br); i++)
        br_zero &= brb[i] == 0;
    check(br_zero, "struct in .bss is zero");
    size_t nonzero = BIG_BSS_SIZE;
    for (size_t i = 0; i < BIG_BSS_SIZE; i++) {
        if (big[i] != 0) {
            nonzero = i;
            break;
        }
    }
    if (nonzero != BIG_BSS_SIZE)
        say_hex("globals: non-zero .bss byte at offset ", nonzero);
    check(nonzero == BIG_BSS_SIZE, "1 MiB array in .bss is all zero");

    for (size_t i = 0; i < BIG_BSS_SIZE; i++)
        big[i] = (uint8_t)(i * 7 + 1);
    LAUNDER(big);
    int rw_ok = 1;
    for (size_t i = 0; i < BIG_BSS_SIZE; i++)
        rw_ok &= big[i] == (uint8_t)(i * 7 + 1);
    check(rw_ok, "1 MiB array in .bss is writable");

    /* .data is writable too. */
    *pu32 = 0x12345678u;
    LAUNDER(pu32);
    check(*pu32 == 0x12345678u, "uint32_t in .data is writable");

    if (failures) {
        say("globals FAILED\n");
        return 1;
    }
    say("globals ok\n");
    return 0;
}
