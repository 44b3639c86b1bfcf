/*
 * Device types and their options, shared by the stub and nabla-pack
 * (common/device*.c, devopts.c): the types that registered themselves,
 * every bound and every message of the options' syntax, exactly. Each
 * value is copied into a heap block of exactly its size, so that
 * AddressSanitizer sees any read past it. Output is TAP, ending in
 * "# all N tests passed" or "# N of M failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_block.h"
#include "device_net.h"
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

static void check_err(enum result rc, enum result want_rc,
                      const struct result_msg *why, const char *want_why,
                      const char *what)
{
    bool ok =
        rc == want_rc && (want_why == NULL || strcmp(why->text, want_why) == 0);
    report(ok, "%s", what);
    if (!ok)
        printf("#   got %d '%s'\n#   want %d '%s'\n", rc, why->text, want_rc,
               want_why ? want_why : "(any)");
}

/* An option value's parser, as refuse_each calls it (the value parsed, if
 * any, is thrown away). */
typedef enum result (*value_parser)(const char *value, struct result_msg *why);

/* Each of the n values of bad[] (copied to a block of exactly its size) is
 * refused by parse: RESULT_ERROR and exactly the message "BEFORE'VALUE'AFTER";
 * the test is called "WHAT'VALUE' refused". */
static void refuse_each(const char *const *bad, size_t n, value_parser parse,
                        const char *before, const char *after,
                        const char *what_prefix)
{
    struct result_msg why;
    char want[256], what[64];

    for (size_t i = 0; i < n; i++) {
        char *a = dup_exact(bad[i]);
        snprintf(want, sizeof(want), "%s'%s'%s", before, bad[i], after);
        snprintf(what, sizeof(what), "%s'%s' refused", what_prefix, bad[i]);
        check_err(parse(a, &why), RESULT_ERROR, &why, want, what);
        free(a);
    }
}

static enum result parse_sector_size(const char *value, struct result_msg *why)
{
    uint16_t v;
    return block_parse_sector_size(value, &v, why);
}

static enum result parse_mac(const char *value, struct result_msg *why)
{
    uint8_t mac[6];
    return net_parse_mac(value, mac, why);
}

static enum result parse_fd(const char *value, struct result_msg *why)
{
    int fd;
    return net_parse_fd(value, &fd, why);
}

/* A name of n characters 'a'. */
static const char *name_of(size_t n)
{
    static char name[128];
    memset(name, 'a', n);
    name[n] = '\0';
    return name;
}

/* The registered types: block and net among them, block first (link
 * order), each complete, and told apart by manifest type, name and option
 * prefix (devopt_split takes the first prefix an argument starts with:
 * none may start another). A third type's module needs no change here. */
static void test_types(void)
{
    const struct device_type *t;
    size_t n = 0, block_at = SIZE_MAX, net_at = SIZE_MAX;
    bool complete = true, distinct = true;

    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++, n++) {
        block_at = t == &device_block ? i : block_at;
        net_at = t == &device_net ? i : net_at;
        complete = complete && t->name != NULL && t->usage != NULL &&
                   t->add_rules != NULL && t->options[0].prefix != NULL &&
                   t->options[0].value != NULL &&
                   device_type_of(t->mft_type) == t &&
                   device_type_named(t->name) == t;
        for (size_t j = 0; j < i; j++) {
            const struct device_type *u = device_type_at(j);
            distinct = distinct && u->mft_type != t->mft_type &&
                       strcmp(u->name, t->name) != 0;
        }
    }
    report(block_at < net_at && net_at < n && device_type_at(n) == NULL,
           "device types: block and net registered themselves, block "
           "first (%zu types)",
           n);
    report(complete && distinct,
           "device types: each has a name, usage, rules and a first option, "
           "is found by type and name, and no two share either");
    report(device_type_of(MFT_RESERVED_FIRST) == NULL &&
               device_type_of(0x7) == NULL &&
               device_type_named("block_basic") == NULL,
           "device types: the reserved entry, an unknown type and a "
           "misspelt name find none");

    size_t np = 0;
    bool prefix_free = true;
    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++) {
        for (int k = 0; k < DEVICE_OPTIONS; k++) {
            const char *p = t->options[k].prefix;
            const struct device_type *u;
            if (p == NULL)
                continue;
            np++;
            for (size_t j = 0; (u = device_type_at(j)) != NULL; j++)
                for (int l = 0; l < DEVICE_OPTIONS; l++)
                    prefix_free =
                        prefix_free &&
                        (u->options[l].prefix == NULL || (j == i && l == k) ||
                         strncmp(u->options[l].prefix, p, strlen(p)) != 0);
        }
    }
    report(prefix_free && np >= 5,
           "device options: %zu prefixes, none the start of another", np);
}

/* Each option's check, as nabla-pack runs it on a baked-in value. */
static void test_checks(void)
{
    static const struct {
        const struct device_type *type;
        int slot;
        const char *good, *bad, *why;
    } cases[] = {
        {&device_block, BLOCK_OPT_PATH, "state:disks/a.img", "state:../a",
         "invalid path 'state:../a': '..' would leave the state directory"},
        {&device_block, BLOCK_OPT_SECTOR_SIZE, "4096", "4097",
         "block sector size '4097' is invalid: it must be a power of two "
         "from 512 to 32768"},
        {&device_net, NET_OPT_TAP, "@3", "@3x",
         "'@3x' is not a file descriptor: expected @FD, e.g. @3"},
        {&device_net, NET_OPT_MAC, "02:00:00:00:00:01", "01:00:00:00:00:01",
         "MAC address '01:00:00:00:00:01' is a multicast address"},
        {&device_net, NET_OPT_FORWARD, "tcp:8080:80,udp:53:53",
         "tcp:8080:80,tcp:8080:81",
         "port forward 'tcp:8080:81': host port tcp 8080 is forwarded "
         "twice"},
    };
    struct result_msg why;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct device_option *o = &cases[i].type->options[cases[i].slot];
        char *good = dup_exact(cases[i].good), *bad = dup_exact(cases[i].bad);
        char what[128];
        snprintf(what, sizeof(what), "%s check: '%s' passes, '%s' refused",
                 o->prefix, cases[i].good, cases[i].bad);
        bool ok = o->check != NULL && o->check(good, &why) == RESULT_OK;
        if (!ok)
            report(false, "%s", what);
        else
            check_err(o->check(bad, &why), RESULT_ERROR, &why, cases[i].why,
                      what);
        free(good);
        free(bad);
    }
}

static void test_state_path(void)
{
    static const char *const bad[][2] = {
        {"state:", "expected state:REL, REL relative to the state directory"},
        {"state:/abs", "expected state:REL, REL relative to the state "
                       "directory"},
        {"state:..", "'..' would leave the state directory"},
        {"state:a/../../b", "'..' would leave the state directory"},
    };
    struct result_msg why;
    const char *rel = "";
    char want[256];

    char *a = dup_exact("disk.img");
    report(devopt_state_path(a, &rel, &why) == RESULT_OK && rel == NULL &&
               devopt_path_rule(a) == DEVOPT_PATH_NEXT_TO_EXE,
           "state path: a relative path is none (rel NULL)");
    free(a);
    a = dup_exact("state:a/..b/c..");
    report(devopt_state_path(a, &rel, &why) == RESULT_OK && rel == a + 6 &&
               devopt_path_rule(a) == DEVOPT_PATH_STATE,
           "state path: state:a/..b/c.. is REL a/..b/c..");
    free(a);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a = dup_exact(bad[i][0]);
        snprintf(want, sizeof(want), "invalid path '%s': %s", bad[i][0],
                 bad[i][1]);
        check_err(devopt_state_path(a, &rel, &why), RESULT_ERROR, &why, want,
                  bad[i][0]);
        free(a);
    }
}

static void test_split(void)
{
    struct devopt o;
    struct result_msg why;
    char arg[256], want[512];
    char *a;
    enum result rc;

    a = dup_exact("--block:storage=disk.img");
    rc = devopt_split(a, &o, &why);
    report(rc == RESULT_OK && o.type == &device_block &&
               o.slot == BLOCK_OPT_PATH &&
               o.option == &device_block.options[BLOCK_OPT_PATH] &&
               strcmp(o.name, "storage") == 0 &&
               strcmp(o.value, "disk.img") == 0 && o.value == a + 16,
           "--block:storage=disk.img: type, option, name, value in place");
    free(a);
    a = dup_exact("--net-mac:service=02:00:00:00:00:01");
    rc = devopt_split(a, &o, &why);
    report(rc == RESULT_OK && o.type == &device_net && o.slot == NET_OPT_MAC &&
               strcmp(o.name, "service") == 0,
           "--net-mac:service=...: its own option, the net type");
    free(a);
    a = dup_exact("--block-sector-size:s=4096");
    rc = devopt_split(a, &o, &why);
    report(rc == RESULT_OK && o.type == &device_block &&
               o.slot == BLOCK_OPT_SECTOR_SIZE && strcmp(o.name, "s") == 0,
           "--block-sector-size: not taken for --block:");
    free(a);
    a = dup_exact("--mem=64");
    report(devopt_split(a, &o, &why) == RESULT_OK && o.type == NULL,
           "--mem=64 is not a device option (RESULT_OK, no type)");
    free(a);

    static const char *const malformed[][2] = {
        {"--block:storage=", "--block:NAME=PATH"},
        {"--block:=disk.img", "--block:NAME=PATH"},
        {"--block:storage", "--block:NAME=PATH"},
        {"--block-sector-size:s=", "--block-sector-size:NAME=BYTES"},
        {"--net:service=", "--net:NAME=TAP|@FD|user"},
        {"--net-mac:=x", "--net-mac:NAME=HWADDR"},
        {"--net-forward:x", "--net-forward:NAME=LIST"},
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        a = dup_exact(malformed[i][0]);
        snprintf(want, sizeof(want), "malformed option '%s': expected %s",
                 malformed[i][0], malformed[i][1]);
        rc = devopt_split(a, &o, &why);
        check_err(rc, RESULT_ERROR, &why, want, malformed[i][0]);
        free(a);
    }

    snprintf(arg, sizeof(arg), "--block:%s=x", name_of(MFT_NAME_MAX));
    a = dup_exact(arg);
    rc = devopt_split(a, &o, &why);
    report(rc == RESULT_OK && strlen(o.name) == MFT_NAME_MAX,
           "a name of 67 characters (the maximum) is split whole");
    free(a);
    snprintf(arg, sizeof(arg), "--block:%s=x", name_of(MFT_NAME_MAX + 1));
    a = dup_exact(arg);
    snprintf(want, sizeof(want),
             "device name in --block: is 68 characters long, more than 67: "
             "'%s'",
             name_of(MFT_NAME_MAX + 1));
    rc = devopt_split(a, &o, &why);
    check_err(rc, RESULT_ERROR, &why, want,
              "a name of 68 characters is refused, named whole");
    free(a);
    /* A name too long for one line: its start, said to be one. */
    snprintf(arg, sizeof(arg), "--net-mac:%s=x", name_of(120));
    a = dup_exact(arg);
    snprintf(want, sizeof(want),
             "device name in --net-mac: is 120 characters long, more than "
             "67: '%.96s' (its start)",
             name_of(120));
    rc = devopt_split(a, &o, &why);
    check_err(rc, RESULT_ERROR, &why, want,
              "a name of 120 characters is refused, its start named");
    free(a);
}

static void test_lookup(void)
{
    static union {
        struct mft m;
        char room[MFT_SIZE(3)];
    } u;
    struct devopt o;
    struct result_msg why;
    uint32_t index = 0;

    u.m.version = MFT_VERSION;
    u.m.entries = 3;
    u.m.e[0].type = MFT_RESERVED_FIRST;
    strcpy(u.m.e[1].name, "storage");
    u.m.e[1].type = MFT_BLOCK_BASIC;
    strcpy(u.m.e[2].name, "service");
    u.m.e[2].type = MFT_NET_BASIC;

    devopt_split("--net:service=tap0", &o, &why);
    report(devopt_lookup(&u.m, &o, &index, &why) == RESULT_OK && index == 2,
           "lookup: the index of the named entry");
    devopt_split("--net:storage=tap0", &o, &why);
    check_err(devopt_lookup(&u.m, &o, &index, &why), RESULT_ERROR, &why,
              "device 'storage' is declared as BLOCK_BASIC, not NET_BASIC: "
              "--net: does not apply to it",
              "lookup: an option of the other type");
    devopt_split("--block-sector-size:nosuch=512", &o, &why);
    check_err(devopt_lookup(&u.m, &o, &index, &why), RESULT_ERROR, &why,
              "not declared in manifest: 'nosuch' (in "
              "--block-sector-size:nosuch=...)",
              "lookup: a name not in the manifest");
    /* Entry 0 has the empty name, which no option can give; an entry
     * past the count is not looked at. */
    strcpy(u.m.e[2].name, "hidden");
    u.m.entries = 2;
    devopt_split("--net:hidden=tap0", &o, &why);
    check_err(devopt_lookup(&u.m, &o, &index, &why), RESULT_ERROR, &why,
              "not declared in manifest: 'hidden' (in --net:hidden=...)",
              "lookup: an entry past the manifest's count is not there");
}

static void test_sector_size(void)
{
    static const char *const good[] = {"512", "1024", "4096", "32768"};
    static const char *const bad[] = {"",    "0",     "256",   "511",
                                      "513", "1000",  "65536", "131072",
                                      "x",   "4096x", "-512",  "99999999999"};
    struct result_msg why;
    uint16_t v;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char *a = dup_exact(good[i]);
        v = 0;
        enum result rc = block_parse_sector_size(a, &v, &why);
        report(rc == RESULT_OK && v == (uint16_t)atoi(good[i]),
               "sector size %s", good[i]);
        free(a);
    }
    refuse_each(bad, sizeof(bad) / sizeof(bad[0]), parse_sector_size,
                "block sector size ",
                " is invalid: it must be a power of two from 512 to 32768",
                "sector size ");
}

static void test_mac(void)
{
    static const char *const bad[] = {
        "zz:00:00:00:00:01", "02:00:00:00:00",   "02:00:00:00:00:00:00",
        "02-00-00-00-00-01", "2:00:00:00:00:01", ""};
    struct result_msg why;
    uint8_t mac[6];

    char *a = dup_exact("02:aB:cd:EF:00:ff");
    enum result rc = net_parse_mac(a, mac, &why);
    report(rc == RESULT_OK && mac[0] == 0x02 && mac[1] == 0xab &&
               mac[2] == 0xcd && mac[3] == 0xef && mac[4] == 0 &&
               mac[5] == 0xff,
           "MAC 02:aB:cd:EF:00:ff, either case");
    free(a);
    a = dup_exact("03:00:00:00:00:01");
    check_err(net_parse_mac(a, mac, &why), RESULT_ERROR, &why,
              "MAC address '03:00:00:00:00:01' is a multicast address",
              "a multicast MAC is refused");
    free(a);
    refuse_each(bad, sizeof(bad) / sizeof(bad[0]), parse_mac, "MAC address ",
                " is invalid: expected xx:xx:xx:xx:xx:xx", "MAC ");
}

static void test_fd(void)
{
    static const char *const bad[] = {
        "@", "@x", "@-1", "@3x", "@1000000", "@99999999999999999999"};
    struct result_msg why;
    int fd = 0;

    char *a = dup_exact("tap0");
    report(net_parse_fd(a, &fd, &why) == RESULT_OK && fd == -1,
           "a tap name is not an fd (RESULT_OK, fd -1)");
    free(a);
    a = dup_exact("@3");
    report(net_parse_fd(a, &fd, &why) == RESULT_OK && fd == 3, "@3");
    free(a);
    a = dup_exact("@999999");
    report(net_parse_fd(a, &fd, &why) == RESULT_OK && fd == 999999,
           "@999999, the largest");
    free(a);
    refuse_each(bad, sizeof(bad) / sizeof(bad[0]), parse_fd, "",
                " is not a file descriptor: expected @FD, e.g. @3", "");
}

int main(void)
{
    test_types();
    test_checks();
    test_state_path();
    test_split();
    test_lookup();
    test_sector_size();
    test_mac();
    test_fd();
    return tap_done();
}
