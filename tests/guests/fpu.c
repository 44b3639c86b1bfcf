/*
 * fpu: checks that floating point works in the guest: double arithmetic
 * (a series compared with a precomputed sum), float and double vectors
 * (vector_size(16): SSE on x86_64, NEON on aarch64), a default
 * floating-point environment at start, and that values and the control
 * registers survive a solo5_yield. On x86_64: x87 long double with its
 * 64-bit mantissa, MXCSR 0x1f80 and x87 control word 0x37f at start, a
 * non-default MXCSR rounding mode and x87 precision kept. On aarch64: FPCR
 * 0 at start (round to nearest, no traps, no flush to zero), a non-default
 * FPCR rounding mode kept. Prints "fpu ok" (exit 0) or what failed (exit 1).
 *
 * Inputs come from volatile variables so that the compiler computes at run
 * time instead of folding constants.
 */
#include "solo5.h"
#define GUEST_NAME "fpu"
#include "say.h"

static double fabs_d(double x)
{
    return x < 0 ? -x : x;
}

#if defined(__x86_64__)
static long double fabs_ld(long double x)
{
    return x < 0 ? -x : x;
}

static uint32_t get_mxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static uint16_t get_fpucw(void)
{
    uint16_t v;
    __asm__ volatile("fnstcw %0" : "=m"(v));
    return v;
}

static void set_fpucw(uint16_t v)
{
    __asm__ volatile("fldcw %0" : : "m"(v));
}
#elif defined(__aarch64__)
/* FPCR's rounding mode, bits 23:22; 3 = toward zero. */
#define FPCR_RMODE_MASK (3ull << 22)
#define FPCR_RMODE_RZ (3ull << 22)

static uint64_t get_fpcr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpcr" : "=r"(v));
    return v;
}

static void set_fpcr(uint64_t v)
{
    __asm__ volatile("msr fpcr, %0" : : "r"(v));
}
#endif

static void yield_ms(uint64_t ms)
{
    solo5_time_t deadline = solo5_clock_monotonic() + ms * 1000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
}

typedef float v4sf __attribute__((vector_size(16)));
typedef double v2df __attribute__((vector_size(16)));
typedef int32_t v4si __attribute__((vector_size(16)));

volatile int series_n = 100000;
/* sum(1 / k^2, k = 1..100000), summed forwards in IEEE double. */
#define SERIES_SUM 1.6449240668982423
#define PI2_OVER_6 1.6449340668482264

volatile float f_third_num = 1.0f, f_third_den = 3.0f;
#if defined(__x86_64__)
volatile long double ld_one = 1.0L, ld_tiny = 0x1p-63L, ld_two = 2.0L;
#endif
volatile v4sf va = {1.5f, -2.0f, 3.25f, 100.0f};
volatile v4sf vb = {2.0f, 0.5f, -4.0f, 0.25f};
volatile v2df vd = {0.1, -1e300};
volatile v4si vi = {1, -2, 0x7fffffff, 40000};

static double series(void)
{
    double s = 0.0;
    int n = series_n;
    for (int k = 1; k <= n; k++)
        s += 1.0 / ((double)k * (double)k);
    return s;
}

#if defined(__x86_64__)
/* Newton's method for sqrt(x) in long double (x87). */
static long double sqrt_ld(long double x)
{
    long double r = x;
    for (int i = 0; i < 100; i++)
        r = (r + x / r) / 2;
    return r;
}
#endif

static uint32_t float_bits(float f)
{
    union {
        float f;
        uint32_t u;
    } v = {.f = f};
    return v.u;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;

    /* Floating-point environment at start: the C defaults. */
#if defined(__x86_64__)
    uint32_t mxcsr0 = get_mxcsr();
    uint16_t cw0 = get_fpucw();
    if ((mxcsr0 & ~0x3fu) != 0x1f80) /* ignore the sticky exception flags */
        say_hex("fpu: MXCSR at start ", mxcsr0);
    check((mxcsr0 & ~0x3fu) == 0x1f80, "MXCSR at start is the default 0x1f80");
    if (cw0 != 0x37f)
        say_hex("fpu: x87 control word at start ", cw0);
    check(cw0 == 0x37f, "x87 control word at start is the default 0x37f");
#elif defined(__aarch64__)
    uint64_t fpcr0 = get_fpcr();
    if (fpcr0 != 0)
        say_hex("fpu: FPCR at start ", fpcr0);
    check(fpcr0 == 0, "FPCR at start is the default 0");
#endif

    /* SSE2 doubles. */
    double s = series();
    check(fabs_d(s - SERIES_SUM) < 1e-12, "double series sum");
    check(fabs_d(s - (PI2_OVER_6 - 1.0 / series_n)) < 1e-9,
          "double series close to pi^2/6 - 1/n");

    /* SSE vectors. */
    v4sf a = va, b = vb;
    v4sf c = a * b + a;
    check(c[0] == 4.5f && c[1] == -3.0f && c[2] == -9.75f && c[3] == 125.0f,
          "float vector multiply-add");
    v2df d = vd;
    v2df e = d * d;
    check(fabs_d(e[0] - 0.01) < 1e-17, "double vector square (0.1^2)");
    check(e[1] > 1e308 || e[1] == e[1] + 1, "double vector overflow is inf");
    v4si i4 = vi;
    v4si j4 = i4 + i4;
    check(j4[0] == 2 && j4[1] == -4 && j4[3] == 80000,
          "integer vector add in SSE registers");
    /* A longer vector loop: sum of k * (k + 1) for k = 0..4095, exact. */
    static v4sf arr[1024];
    for (int k = 0; k < 1024; k++) {
        for (int l = 0; l < 4; l++)
            arr[k][l] = (float)(4 * k + l);
    }
    v4sf acc = {0, 0, 0, 0};
    for (int k = 0; k < 1024; k++)
        acc += arr[k] * (arr[k] + 1.0f) / 1024.0f;
    double vsum = (double)acc[0] + acc[1] + acc[2] + acc[3];
    /* sum k(k+1), k < 4096 = 4095 * 4096 * 4097 / 3; / 1024 */
    double want = 4095.0 * 4096.0 * 4097.0 / 3.0 / 1024.0;
    check(fabs_d(vsum - want) / want < 1e-5, "float vector loop sum");

#if defined(__x86_64__)
    /* x87 long double: a 64-bit mantissa. */
    check(ld_one + ld_tiny != ld_one,
          "x87: 1 + 2^-63 != 1 (extended precision)");
    long double r2 = sqrt_ld(ld_two);
    check(fabs_ld(r2 - 1.41421356237309504880L) < 1e-18L,
          "x87: sqrt(2) to 18 digits");
#endif

    /* Values computed before a yield, checked after. */
    volatile double keep_s = s;
    volatile v4sf keep_c = c;
#if defined(__x86_64__)
    volatile long double keep_r2 = r2;

    /* Non-default control registers, kept across the yield. */
    set_mxcsr((mxcsr0 & ~0x6000u) | 0x6000u);        /* round toward zero */
    set_fpucw((uint16_t)((cw0 & ~0x300u) | 0x200u)); /* 53-bit precision */
#elif defined(__aarch64__)
    /* A non-default control register, kept across the yield. */
    set_fpcr((fpcr0 & ~FPCR_RMODE_MASK) | FPCR_RMODE_RZ);
#endif
    float third_rz = f_third_num / f_third_den;

    yield_ms(10);

#if defined(__x86_64__)
    uint32_t mxcsr1 = get_mxcsr();
    uint16_t cw1 = get_fpucw();
    check((mxcsr1 & 0x6000u) == 0x6000u,
          "MXCSR rounding mode survives solo5_yield");
    check((cw1 & 0x300u) == 0x200u, "x87 precision control survives "
                                    "solo5_yield");
#elif defined(__aarch64__)
    check((get_fpcr() & FPCR_RMODE_MASK) == FPCR_RMODE_RZ,
          "FPCR rounding mode survives solo5_yield");
#endif
    check(float_bits(third_rz) == 0x3eaaaaaau, "1.0f/3.0f rounded toward "
                                               "zero before the yield");
    check(float_bits(f_third_num / f_third_den) == 0x3eaaaaaau,
          "1.0f/3.0f rounded toward zero after the yield");
#if defined(__x86_64__)
    check(ld_one + ld_tiny == ld_one, "x87: 53-bit precision after the yield");

    set_mxcsr(mxcsr0);
    set_fpucw(cw0);
#elif defined(__aarch64__)
    set_fpcr(fpcr0);
#endif
    check(float_bits(f_third_num / f_third_den) == 0x3eaaaaabu,
          "1.0f/3.0f rounded to nearest again");
#if defined(__x86_64__)
    check(ld_one + ld_tiny != ld_one, "x87: extended precision again");
#endif

    check(keep_s == s && fabs_d(series() - keep_s) < 1e-12,
          "double value survives solo5_yield");
    v4sf kc = keep_c;
    check(kc[0] == 4.5f && kc[1] == -3.0f && kc[2] == -9.75f && kc[3] == 125.0f,
          "float vector survives solo5_yield");
#if defined(__x86_64__)
    check(keep_r2 == r2, "long double survives solo5_yield");
#endif

    if (failures) {
        say("fpu FAILED\n");
        return 1;
    }
    say("fpu ok\n");
    return 0;
}
