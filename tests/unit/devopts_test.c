/*
 * Device option syntax shared by the stub and nabla-pack (common/
 * devopts.c): every bound and every message, exactly. Each value is
 * copied into a heap block of exactly its size, so that AddressSanitizer
 * sees any read past it. Output is TAP, ending in "# all N tests passed"
 * or "# N of M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devopts.h"
#include "tap.h"

static char *dup_exact(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL) {
        fprintf(stderr, "devopts_test: out of memory\n");
        exit(1);
    }
    memcpy(d, s, n);
    return d;
}

static void check_err(int rc, int want_rc, const char *err,
                      const char *want_err, const char *what)
{
    bool ok = rc == want_rc && (want_err == NULL || strcmp(err, want_err) == 0);
    report(ok, "%s", what);
    if (!ok)
        printf("#   got %d '%s'\n#   want %d '%s'\n", rc, err, want_rc,
               want_err ? want_err : "(any)");
}

/* A name of n characters 'a'. */
static const char *name_of(size_t n)
{
    static char name[128];
    memset(name, 'a', n);
    name[n] = '\0';
    return name;
}

static void test_split(void)
{
    struct devopt o;
    char err[256], arg[256], want[512];
    char *a;
    int rc;

    a = dup_exact("--block:storage=disk.img");
    rc = devopt_split(a, &o, err, sizeof(err));
    report(rc == 1 && o.kind == DEVOPT_BLOCK &&
               o.device_type == MFT_BLOCK_BASIC &&
               strcmp(o.name, "storage") == 0 &&
               strcmp(o.value, "disk.img") == 0 && o.value == a + 16,
           "--block:storage=disk.img: kind, type, name, value in place");
    free(a);
    a = dup_exact("--net-mac:service=02:00:00:00:00:01");
    rc = devopt_split(a, &o, err, sizeof(err));
    report(rc == 1 && o.kind == DEVOPT_NET_MAC &&
               o.device_type == MFT_NET_BASIC && strcmp(o.name, "service") == 0,
           "--net-mac:service=...: its own kind, the net type");
    free(a);
    a = dup_exact("--block-sector-size:s=4096");
    rc = devopt_split(a, &o, err, sizeof(err));
    report(rc == 1 && o.kind == DEVOPT_BLOCK_SECTOR_SIZE &&
               strcmp(o.name, "s") == 0,
           "--block-sector-size: not taken for --block:");
    free(a);
    a = dup_exact("--mem=64");
    report(devopt_split(a, &o, err, sizeof(err)) == 0,
           "--mem=64 is not a device option (0)");
    free(a);

    static const char *const malformed[][2] = {
        {"--block:storage=", "--block:NAME=PATH"},
        {"--block:=disk.img", "--block:NAME=PATH"},
        {"--block:storage", "--block:NAME=PATH"},
        {"--block-sector-size:s=", "--block-sector-size:NAME=BYTES"},
        {"--net:service=", "--net:NAME=TAP|@FD|user"},
        {"--net-mac:=x", "--net-mac:NAME=HWADDR"},
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        a = dup_exact(malformed[i][0]);
        snprintf(want, sizeof(want), "malformed option '%s': expected %s",
                 malformed[i][0], malformed[i][1]);
        rc = devopt_split(a, &o, err, sizeof(err));
        check_err(rc, -1, err, want, malformed[i][0]);
        free(a);
    }

    snprintf(arg, sizeof(arg), "--block:%s=x", name_of(MFT_NAME_MAX));
    a = dup_exact(arg);
    rc = devopt_split(a, &o, err, sizeof(err));
    report(rc == 1 && strlen(o.name) == MFT_NAME_MAX,
           "a name of 67 characters (the maximum) is split whole");
    free(a);
    snprintf(arg, sizeof(arg), "--block:%s=x", name_of(MFT_NAME_MAX + 1));
    a = dup_exact(arg);
    snprintf(want, sizeof(want),
             "device name in '%s...' is longer than 67 characters", arg);
    rc = devopt_split(a, &o, err, sizeof(err));
    check_err(rc, -1, err, want, "a name of 68 characters is refused");
    free(a);
}

static void test_lookup(void)
{
    static union {
        struct mft m;
        char room[MFT_SIZE(3)];
    } u;
    struct devopt o;
    char err[256];

    u.m.version = MFT_VERSION;
    u.m.entries = 3;
    u.m.e[0].type = MFT_RESERVED_FIRST;
    strcpy(u.m.e[1].name, "storage");
    u.m.e[1].type = MFT_BLOCK_BASIC;
    strcpy(u.m.e[2].name, "service");
    u.m.e[2].type = MFT_NET_BASIC;

    devopt_split("--net:service=tap0", &o, err, sizeof(err));
    report(devopt_lookup(&u.m, &o, err, sizeof(err)) == 2,
           "lookup: the index of the named entry");
    devopt_split("--net:storage=tap0", &o, err, sizeof(err));
    check_err(devopt_lookup(&u.m, &o, err, sizeof(err)), -1, err,
              "device 'storage' is declared as BLOCK_BASIC, not NET_BASIC: "
              "--net: does not apply to it",
              "lookup: an option of the other type");
    devopt_split("--block-sector-size:nosuch=512", &o, err, sizeof(err));
    check_err(devopt_lookup(&u.m, &o, err, sizeof(err)), -1, err,
              "not declared in manifest: 'nosuch' (in "
              "--block-sector-size:nosuch=...)",
              "lookup: a name not in the manifest");
    /* Entry 0 has the empty name, which no option can give; an entry
     * past the count is not looked at. */
    strcpy(u.m.e[2].name, "hidden");
    u.m.entries = 2;
    devopt_split("--net:hidden=tap0", &o, err, sizeof(err));
    check_err(devopt_lookup(&u.m, &o, err, sizeof(err)), -1, err,
              "not declared in manifest: 'hidden' (in --net:hidden=...)",
              "lookup: an entry past the manifest's count is not there");
}

static void test_sector_size(void)
{
    static const char *const good[] = {"512", "1024", "4096", "32768"};
    static const char *const bad[] = {"",    "0",     "256",   "511",
                                      "513", "1000",  "65536", "131072",
                                      "x",   "4096x", "-512",  "99999999999"};
    char err[256], want[256];
    uint16_t v;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char *a = dup_exact(good[i]);
        v = 0;
        int rc = devopt_parse_sector_size(a, &v, err, sizeof(err));
        report(rc == 0 && v == (uint16_t)atoi(good[i]), "sector size %s",
               good[i]);
        free(a);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *a = dup_exact(bad[i]);
        snprintf(want, sizeof(want),
                 "block sector size '%s' is invalid: it must be a power of "
                 "two from 512 to 32768",
                 bad[i]);
        char what[64];
        snprintf(what, sizeof(what), "sector size '%s' refused", bad[i]);
        check_err(devopt_parse_sector_size(a, &v, err, sizeof(err)), -1, err,
                  want, what);
        free(a);
    }
}

static void test_mac(void)
{
    static const char *const bad[] = {
        "zz:00:00:00:00:01", "02:00:00:00:00",   "02:00:00:00:00:00:00",
        "02-00-00-00-00-01", "2:00:00:00:00:01", ""};
    char err[256], want[256];
    uint8_t mac[6];

    char *a = dup_exact("02:aB:cd:EF:00:ff");
    int rc = devopt_parse_mac(a, mac, err, sizeof(err));
    report(rc == 0 && mac[0] == 0x02 && mac[1] == 0xab && mac[2] == 0xcd &&
               mac[3] == 0xef && mac[4] == 0 && mac[5] == 0xff,
           "MAC 02:aB:cd:EF:00:ff, either case");
    free(a);
    a = dup_exact("03:00:00:00:00:01");
    check_err(devopt_parse_mac(a, mac, err, sizeof(err)), -1, err,
              "MAC address '03:00:00:00:00:01' is a multicast address",
              "a multicast MAC is refused");
    free(a);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a = dup_exact(bad[i]);
        snprintf(want, sizeof(want),
                 "MAC address '%s' is invalid: expected xx:xx:xx:xx:xx:xx",
                 bad[i]);
        char what[64];
        snprintf(what, sizeof(what), "MAC '%s' refused", bad[i]);
        check_err(devopt_parse_mac(a, mac, err, sizeof(err)), -1, err, want,
                  what);
        free(a);
    }
}

static void test_fd(void)
{
    static const char *const bad[] = {
        "@", "@x", "@-1", "@3x", "@1000000", "@99999999999999999999"};
    char err[256], want[256];
    int fd;

    char *a = dup_exact("tap0");
    report(devopt_parse_fd(a, &fd, err, sizeof(err)) == 0,
           "a tap name is not an fd (0)");
    free(a);
    a = dup_exact("@3");
    report(devopt_parse_fd(a, &fd, err, sizeof(err)) == 1 && fd == 3, "@3");
    free(a);
    a = dup_exact("@999999");
    report(devopt_parse_fd(a, &fd, err, sizeof(err)) == 1 && fd == 999999,
           "@999999, the largest");
    free(a);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a = dup_exact(bad[i]);
        snprintf(want, sizeof(want),
                 "'%s' is not a file descriptor: expected @FD, e.g. @3",
                 bad[i]);
        char what[64];
        snprintf(what, sizeof(what), "'%s' refused", bad[i]);
        check_err(devopt_parse_fd(a, &fd, err, sizeof(err)), -1, err, want,
                  what);
        free(a);
    }
}

int main(void)
{
    test_split();
    test_lookup();
    test_sector_size();
    test_mac();
    test_fd();
    return tap_done();
}
