/*
 * tls: checks the guest-side TLS API (docs/abi.md §5.4): x86_64 variant II
 * (the variables below the thread pointer), aarch64 variant I (above it,
 * after a 16-byte control block).
 *
 * Two TLS areas of solo5_tls_size() bytes are carved out of the heap (64-byte
 * aligned) and set up with solo5_tls_init(); the thread pointer of each comes
 * from solo5_tls_tp_offset() and is installed with solo5_set_tls_base(). The
 * guest checks that each area starts with the PT_TLS image (.tdata values,
 * zeroed .tbss), that the compiler's thread-pointer-relative accesses
 * (%fs, tpidr_el0) land inside the current area, that writes in one area
 * are invisible in the other while switching back and forth (across a
 * solo5_yield too), that an _Alignas(64) TLS variable is aligned in a
 * 64-byte aligned area, and prints "tls ok" (exit 0) or what failed (exit
 * 1).
 *
 * Every TLS access sits in its own noipa function, so the compiler cannot
 * reuse a thread-pointer-relative address across solo5_set_tls_base().
 */
#include "solo5.h"
#define GUEST_NAME "tls"
#include "say.h"
#include "arch.h"

#define NOIPA __attribute__((noipa))

/* .tdata */
__thread int tv = 42;
__thread uint64_t tv64 = 0x1122334455667788ull;
__thread char tname[8] = "tlsname";
/* Over-aligned: the thread pointer and the block must honour p_align. */
_Alignas(64) __thread uint32_t taligned = 0xa11a64u;
/* .tbss */
#define TARR_SIZE 300
__thread unsigned char tarr[TARR_SIZE];
__thread uint64_t tzero;

NOIPA static int get_tv(void)
{
    return tv;
}
NOIPA static void set_tv(int v)
{
    tv = v;
}
NOIPA static uint64_t get_tv64(void)
{
    return tv64;
}
NOIPA static void set_tv64(uint64_t v)
{
    tv64 = v;
}
NOIPA static uint64_t get_tzero(void)
{
    return tzero;
}
NOIPA static void set_tzero(uint64_t v)
{
    tzero = v;
}
NOIPA static uintptr_t addr_tv(void)
{
    return (uintptr_t)&tv;
}
NOIPA static uintptr_t addr_tarr(void)
{
    return (uintptr_t)&tarr[0];
}
NOIPA static uint32_t get_taligned(void)
{
    return taligned;
}
NOIPA static uintptr_t addr_taligned(void)
{
    return (uintptr_t)&taligned;
}

NOIPA static int tname_is(const char *want)
{
    for (int i = 0; i < 8; i++) {
        if (tname[i] != want[i])
            return 0;
        if (want[i] == '\0')
            return 1;
    }
    return 1;
}

/* 1 if every byte of tarr is v. */
NOIPA static int tarr_all(unsigned char v)
{
    for (int i = 0; i < TARR_SIZE; i++) {
        if (tarr[i] != v)
            return 0;
    }
    return 1;
}

NOIPA static void tarr_fill(unsigned char v)
{
    for (int i = 0; i < TARR_SIZE; i++)
        tarr[i] = v;
}

/* The thread pointer as the CPU sees it (tests/guests/arch/ARCH.h). */
NOIPA static uintptr_t fs0(void)
{
    return arch_thread_pointer();
}

static void use(uintptr_t tp, const char *name)
{
    solo5_result_t rc = solo5_set_tls_base(tp);
    if (rc != SOLO5_R_OK) {
        say("tls: solo5_set_tls_base failed for area ");
        say(name);
        say("\n");
        failures++;
    }
}

/* The accesses of the compiler land inside [area, area + size). */
static void check_inside(uintptr_t area, size_t size, uintptr_t tp,
                         const char *what)
{
    uintptr_t a = addr_tv(), b = addr_tarr();
#if ARCH_TLS_VARIANT == 2
    int ok = a >= area && a + sizeof(int) <= tp && b >= area &&
             b + TARR_SIZE <= tp && tp + sizeof(uintptr_t) <= area + size;
#else
    int ok = tp == area && a >= tp + ARCH_TLS_TCB_SIZE &&
             a + sizeof(int) <= area + size && b >= tp + ARCH_TLS_TCB_SIZE &&
             b + TARR_SIZE <= area + size;
#endif
    if (!ok) {
        say_hex("tls: area  ", area);
        say_hex("tls: tp    ", tp);
        say_hex("tls: &tv   ", a);
        say_hex("tls: &tarr ", b);
    }
    check(ok, what);
    if (addr_taligned() % 64 != 0)
        say_hex("tls: &taligned ", addr_taligned());
    check(addr_taligned() % 64 == 0, "_Alignas(64) TLS variable is 64-byte "
                                     "aligned");
}

static void check_fresh(const char *what)
{
    int ok = get_tv() == 42 && get_tv64() == 0x1122334455667788ull &&
             tname_is("tlsname") && tarr_all(0) && get_tzero() == 0 &&
             get_taligned() == 0xa11a64u;
    if (!ok)
        say_hex("tls: tv = ", (uint64_t)(unsigned)get_tv());
    check(ok, what);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    size_t size = solo5_tls_size();
    size_t need = sizeof(int) + sizeof(uint64_t) + 8 + sizeof(uint32_t) +
                  TARR_SIZE + sizeof(uint64_t) + sizeof(uintptr_t);
    if (size < need) {
        say_hex("tls: solo5_tls_size() = ", size);
        say("tls: FAILED: solo5_tls_size() smaller than the TLS variables\n");
        return 1;
    }

    uintptr_t a = (si->heap_start + 63) & ~(uintptr_t)63;
    uintptr_t b = (a + size + 63) & ~(uintptr_t)63;
    if (b + size > si->heap_start + si->heap_size) {
        say("tls: FAILED: heap too small for two TLS areas\n");
        return 1;
    }
    /* Dirty the areas first: solo5_tls_init must set every byte it owns. */
    for (size_t i = 0; i < size; i++) {
        ((volatile unsigned char *)a)[i] = 0xee;
        ((volatile unsigned char *)b)[i] = 0xdd;
    }
    check(solo5_tls_init(a) == SOLO5_R_OK, "solo5_tls_init(A)");
    check(solo5_tls_init(b) == SOLO5_R_OK, "solo5_tls_init(B)");
    uintptr_t tpa = solo5_tls_tp_offset(a);
    uintptr_t tpb = solo5_tls_tp_offset(b);
#if ARCH_TLS_VARIANT == 2
    check(tpa > a && tpa + sizeof(uintptr_t) <= a + size,
          "thread pointer of A inside area A");
    check(tpb > b && tpb + sizeof(uintptr_t) <= b + size,
          "thread pointer of B inside area B");
#else
    check(tpa == a, "thread pointer of A at the start of area A");
    check(tpb == b, "thread pointer of B at the start of area B");
#endif
    check(*(uintptr_t *)tpa == tpa, "A: the word at the thread pointer "
                                    "points to itself");
    check(*(uintptr_t *)tpb == tpb, "B: the word at the thread pointer "
                                    "points to itself");

    /* Area A: the initial image, then A's own values. */
    use(tpa, "A");
    check(fs0() == tpa, "A: the CPU's thread pointer is A's");
    check_inside(a, size, tpa, "A: TLS variables lie inside area A");
    check_fresh("A: initial .tdata/.tbss values");
    set_tv(1000);
    set_tv64(0xaaaaaaaaaaaaaaaaull);
    set_tzero(111);
    tarr_fill('A');

    /* Area B: untouched by A's writes. */
    use(tpb, "B");
    check(fs0() == tpb, "B: the CPU's thread pointer is B's");
    check_inside(b, size, tpb, "B: TLS variables lie inside area B");
    check_fresh("B: initial .tdata/.tbss values after writes in A");
    set_tv(2000);
    set_tv64(0xbbbbbbbbbbbbbbbbull);
    set_tzero(222);
    tarr_fill('B');

    /* Back and forth, with a yield in between (the tender must not touch
     * the guest's TLS base). */
    for (int round = 0; round < 3; round++) {
        use(tpa, "A");
        check(get_tv() == 1000 && get_tv64() == 0xaaaaaaaaaaaaaaaaull &&
                  get_tzero() == 111 && tarr_all('A'),
              "A keeps its values");
        solo5_handle_set_t ready = 0;
        solo5_yield(solo5_clock_monotonic() + 1000000ull, &ready);
        check(fs0() == tpa, "A: TLS base survives solo5_yield");
        check(get_tv() == 1000 && tarr_all('A'),
              "A keeps its values across solo5_yield");

        use(tpb, "B");
        check(get_tv() == 2000 && get_tv64() == 0xbbbbbbbbbbbbbbbbull &&
                  get_tzero() == 222 && tarr_all('B'),
              "B keeps its values");
    }

    /* The areas' memory is where the values went. */
    check(*(int *)addr_tv() == 2000, "B: tv read through its address");

    if (failures) {
        say("tls FAILED\n");
        return 1;
    }
    say("tls ok\n");
    return 0;
}
