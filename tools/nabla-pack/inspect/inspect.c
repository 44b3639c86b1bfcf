/*
 * verify, inspect and extract: what a packed executable holds, read back
 * from the file alone (nothing is run).
 */
#include "inspect/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devopts.h"
#include "nabla/version.h"
#include "policy.h"
#include "read/arch.h"
#include "read/manifest.h"
#include "read/packed.h"
#include "relay_policy.h"
#include "util/cli.h"
#include "util/util.h"

static int open_checked(struct packed *pk, const char *path)
{
    char err[512];

    if (packed_open(pk, path, err, sizeof(err)) != 0)
        return die("%s", err);
    return 0;
}

/* The same check as APP --verify (common/packed_file.c). */
int cmd_verify(int argc, char **argv)
{
    uint8_t sum[SHA256_DIGEST_SIZE];
    char err[1024];
    const char *path = cli_one_path(argc, argv, NULL);

    if (path == NULL)
        return die("usage: nabla-pack verify APP");
    if (packed_verify_file(path, sum, err, sizeof(err)) != 0)
        return die("%s, do not run it", err);
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_hex(sum, hex);
    printf("%s: OK (sha256 %s)\n", path, hex);
    return 0;
}

/* The policy with run-time values named, from the manifest's devices. */
static void describe_policy(const struct packed *pk, int symbolic, char *buf,
                            size_t size)
{
    static struct policy pol;
    struct mft *m = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
    struct result_msg msg;

    pol.nrules = 0;
    buf[0] = '\0';
    if (m == NULL)
        return;
    memcpy(m, pk->mft, MFT_SIZE(pk->mft->entries));
    for (uint32_t i = 1; i < m->entries; i++) {
        m->e[i].b.hostfd = -1;
        m->e[i].u.block_basic.block_size = 512;
        m->e[i].u.block_basic.capacity = 512;
    }
    /* The policy of the stub of the app's architecture; every device:
     * the stub refuses to start without all of them. */
    const struct pack_arch *a = pack_arch_of(pk->img.ehdr->e_machine);
    if (a->policy_add_base(&pol, -1, -1, &msg) != RESULT_OK ||
        a->policy_add_devices(&pol, m, ~(uint64_t)0, &msg) != RESULT_OK)
        snprintf(buf, size, "(%s)\n", msg.text);
    else
        a->policy_describe(&pol, symbolic, buf, size);
    free(m);
}

static int has_net_device(const struct packed *pk)
{
    for (uint32_t i = 1; i < pk->mft->entries; i++)
        if (pk->mft->e[i].type == MFT_NET_BASIC)
            return 1;
    return 0;
}

/* The policy of the relay a net device in user mode gets, in words, with
 * the numbers of the app's architecture, or "" for an app without net
 * devices. */
static void describe_relay_policy(const struct packed *pk, char *buf,
                                  size_t size)
{
    static struct policy pol;
    struct relay_policy_fds fds = {-1, -1, -1};
    struct result_msg msg;

    buf[0] = '\0';
    if (!has_net_device(pk))
        return;
    const struct pack_arch *arch = pack_arch_of(pk->img.ehdr->e_machine);
    pol.nrules = 0;
    if (arch->policy_add_relay(&pol, &fds, &msg) != RESULT_OK)
        snprintf(buf, size, "(%s)\n", msg.text);
    else
        arch->policy_describe(&pol, 1, buf, size);
}

/* A JSON array of the lines of text. */
static void json_lines(struct buf *o, const char *text)
{
    buf_printf(o, "[");
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof(line), "%.*s", (int)n, l);
        buf_printf(o, "%s", l == text ? "" : ", ");
        buf_json_string(o, line);
        l += n + (e != NULL);
    }
    buf_printf(o, "]");
}

/* The lines of text, each indented by two spaces. */
static void print_indented(const char *text)
{
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        printf("  %.*s\n", (int)n, l);
        l += n + (e != NULL);
    }
}

/* The rule a default disk image path follows, and where it leads, in
 * words: "state directory: $STATE_DIRECTORY/x.img, else /var/lib/APP/x.img".
 * Empty if opt is not a --block: default. */
static void path_rule_text(const struct packed *pk, const char *opt, char *buf,
                           size_t size)
{
    struct devopt d;
    struct result_msg why;
    const char *rel;

    buf[0] = '\0';
    if (devopt_split(opt, &d, &why) != RESULT_OK || d.type == NULL ||
        !d.option->is_path)
        return;
    enum devopt_path_rule rule = devopt_path_rule(d.value);
    const char *name = devopt_path_rule_name(rule);
    if (rule == DEVOPT_PATH_STATE &&
        devopt_state_path(d.value, &rel, &why) == RESULT_OK && rel != NULL)
        snprintf(buf, size, "%s: $STATE_DIRECTORY/%s, else /var/lib/%s/%s",
                 name, rel, payload_app_name(pk->payload), rel);
    else if (rule == DEVOPT_PATH_NEXT_TO_EXE)
        snprintf(buf, size, "%s: $(dirname APP)/%s", name, d.value);
    else
        snprintf(buf, size, "%s", name);
}

/* "json-name" of a path rule. */
static const char *path_rule_json(enum devopt_path_rule rule)
{
    switch (rule) {
    case DEVOPT_PATH_STATE:
        return "state-directory";
    case DEVOPT_PATH_ABSOLUTE:
        return "absolute";
    default:
        return "next-to-executable";
    }
}

static void print_text(const struct packed *pk, const char *policy,
                       const char *relay_policy)
{
    const struct nabla_payload *p = pk->payload;
    char hex[2 * NABLA_BUILD_ID_SIZE + 1], rule[512];

    printf("file:        %s\n", pk->img.path);
    printf("name:        %s (state directory: $STATE_DIRECTORY, else "
           "/var/lib/%s)\n",
           payload_app_name(p), payload_app_name(p));
    printf("build id:    %s\n", packed_build_id_hex(pk, hex));
    if (p->entry_code_end != 0)
        printf("self-check:  a copy cut short is refused at start if it "
               "keeps its first %u bytes\n",
               p->entry_code_end);
    printf("stub:        nabla %s, Solo5 spt ABI version %u (target %u)\n",
           NABLA_VERSION, p->abi_version, p->abi_target);
    printf("architecture: %s\n", pack_machine_name(pk->img.ehdr->e_machine));
    const struct nabla_pie *pie = payload_pie(p);
    if (pie == NULL)
        printf("kind:        fixed (ET_EXEC): at the addresses below at every "
               "start\n");
    else
        printf("kind:        position-independent (static PIE, ET_DYN): at a "
               "random address at every start, the addresses below moved by "
               "a multiple of %#llx (--no-aslr or setarch -R: as below); "
               "%llu relative relocations\n",
               (unsigned long long)pie->align,
               (unsigned long long)pie->rela_count);
    printf("guest entry: %#llx\n", (unsigned long long)p->guest_entry);
    for (size_t i = 0; i < pk->nguest; i++) {
        const Elf64_Phdr *ph = pk->guest[i];
        printf("segment:     %#llx-%#llx %c%c%c file %llu bytes\n",
               (unsigned long long)ph->p_vaddr,
               (unsigned long long)(ph->p_vaddr + ph->p_memsz),
               ph->p_flags & PF_R ? 'r' : '-', ph->p_flags & PF_W ? 'w' : '-',
               ph->p_flags & PF_X ? 'x' : '-',
               (unsigned long long)p->segment_filesz[i]);
    }
    printf("kernel end:  %#llx\n", (unsigned long long)p->kernel_end);
    printf("memory:      %llu MiB%s\n",
           (unsigned long long)(p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB),
           p->mem_mb ? "" : " (stub default)");
    printf("stub unmapped before the guest runs: yes (its code, data, stack "
           "with argv, environment and auxv, and the vDSO)\n");
    if (p->trampoline != 0)
        printf("exit trampoline: %#llx, in the guest's text\n",
               (unsigned long long)p->trampoline);
    else
        printf("exit trampoline: %#llx, in a read-only executable page of "
               "its own (no room in the guest's text)\n",
               (unsigned long long)NABLA_EXIT_TRAMPOLINE_BASE);
    printf("devices:\n");
    if (pk->mft->entries <= 1)
        printf("  (none)\n");
    for (uint32_t i = 1; i < pk->mft->entries; i++)
        printf("  %-16s %s\n", pk->mft->e[i].name,
               manifest_type_name(pk->mft->e[i].type));
    printf("default options:%s\n", p->options_count ? "" : " (none)");
    for (uint32_t i = 0; i < p->options_count; i++) {
        const char *opt =
            payload_string(pk->payload, p->options_offset, p->options_count, i);
        path_rule_text(pk, opt, rule, sizeof(rule));
        printf("  %s%s%s%s\n", opt, rule[0] ? " (" : "", rule,
               rule[0] ? ")" : "");
    }
    printf("default arguments:");
    for (uint32_t i = 0; i < p->args_count; i++)
        printf(" %s",
               payload_string(pk->payload, p->args_offset, p->args_count, i));
    printf("%s\nseccomp policy (fds and sizes are decided at run time; "
           "APP --print-policy shows them):\n",
           p->args_count ? "" : " (none)");
    print_indented(policy);
    print_indented(policy_confinement);
    if (relay_policy[0] == '\0')
        return;
    printf("relay of a net device in user mode (--net:NAME=user: the app's "
           "process, the guest\nruns in its child), seccomp policy:\n");
    print_indented(relay_policy);
    print_indented(relay_confinement);
}

/* The same as one JSON object, into o. */
static void print_json(struct buf *o, const struct packed *pk,
                       const char *policy, const char *relay_policy)
{
    const struct nabla_payload *p = pk->payload;

    char hex[2 * NABLA_BUILD_ID_SIZE + 1];

    buf_printf(o, "{\"file\": ");
    buf_json_string(o, pk->img.path);
    buf_printf(o, ", \"name\": ");
    buf_json_string(o, payload_app_name(p));
    buf_printf(o, ", \"build_id\": \"%s\", \"entry_code_end\": %u",
               packed_build_id_hex(pk, hex), p->entry_code_end);
    buf_printf(o, ", \"architecture\": \"%s\"",
               pack_machine_name(pk->img.ehdr->e_machine));
    const struct nabla_pie *pie = payload_pie(p);
    buf_printf(o, ", \"kind\": \"%s\"", pie ? "pie" : "fixed");
    if (pie != NULL)
        buf_printf(o,
                   ", \"pie\": {\"align\": %llu, \"relocations\": %llu, "
                   "\"relro\": [%llu, %llu]}",
                   (unsigned long long)pie->align,
                   (unsigned long long)pie->rela_count,
                   (unsigned long long)pie->relro_vaddr,
                   (unsigned long long)(pie->relro_vaddr + pie->relro_memsz));
    buf_printf(
        o,
        ", \"stub_version\": \"%s\", \"abi_target\": %u, "
        "\"abi_version\": %u, \"entry\": %llu, \"kernel_end\": %llu, "
        "\"mem_mb\": %llu, \"stub_unmapped\": true, "
        "\"trampoline\": %llu, \"trampoline_in_text\": %s,\n "
        "\"segments\": [",
        NABLA_VERSION, p->abi_target, p->abi_version,
        (unsigned long long)p->guest_entry, (unsigned long long)p->kernel_end,
        (unsigned long long)(p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB),
        (unsigned long long)(p->trampoline ? p->trampoline
                                           : NABLA_EXIT_TRAMPOLINE_BASE),
        p->trampoline ? "true" : "false");
    for (size_t i = 0; i < pk->nguest; i++) {
        const Elf64_Phdr *ph = pk->guest[i];
        buf_printf(o,
                   "%s{\"vaddr\": %llu, \"memsz\": %llu, \"filesz\": %llu, "
                   "\"flags\": \"%s%s%s\"}",
                   i ? ", " : "", (unsigned long long)ph->p_vaddr,
                   (unsigned long long)ph->p_memsz,
                   (unsigned long long)p->segment_filesz[i],
                   ph->p_flags & PF_R ? "r" : "", ph->p_flags & PF_W ? "w" : "",
                   ph->p_flags & PF_X ? "x" : "");
    }
    buf_printf(o, "],\n \"devices\": [");
    for (uint32_t i = 1; i < pk->mft->entries; i++) {
        buf_printf(o, "%s{\"name\": ", i > 1 ? ", " : "");
        buf_json_string(o, pk->mft->e[i].name);
        buf_printf(o, ", \"type\": \"%s\"}",
                   manifest_type_name(pk->mft->e[i].type));
    }
    buf_printf(o, "],\n \"default_options\": [");
    for (uint32_t i = 0; i < p->options_count; i++) {
        buf_printf(o, "%s", i ? ", " : "");
        buf_json_string(o, payload_string(pk->payload, p->options_offset,
                                          p->options_count, i));
    }
    buf_printf(o, "],\n \"default_paths\": [");
    int first = 1;
    for (uint32_t i = 0; i < p->options_count; i++) {
        const char *opt =
            payload_string(pk->payload, p->options_offset, p->options_count, i);
        struct devopt d;
        struct result_msg why;
        if (devopt_split(opt, &d, &why) != RESULT_OK || d.type == NULL ||
            !d.option->is_path)
            continue;
        buf_printf(o, "%s{\"device\": ", first ? "" : ", ");
        buf_json_string(o, d.name);
        buf_printf(o, ", \"path\": ");
        buf_json_string(o, d.value);
        buf_printf(o, ", \"rule\": \"%s\"}",
                   path_rule_json(devopt_path_rule(d.value)));
        first = 0;
    }
    buf_printf(o, "],\n \"default_args\": [");
    for (uint32_t i = 0; i < p->args_count; i++) {
        buf_printf(o, "%s", i ? ", " : "");
        buf_json_string(
            o, payload_string(pk->payload, p->args_offset, p->args_count, i));
    }
    buf_printf(o, "],\n \"policy\": ");
    json_lines(o, policy);
    buf_printf(o, ",\n \"confinement\": ");
    json_lines(o, policy_confinement);
    /* Empty without net devices: no relay can exist. */
    buf_printf(o, ",\n \"relay_policy\": ");
    json_lines(o, relay_policy);
    buf_printf(o, ",\n \"relay_confinement\": ");
    json_lines(o, relay_policy[0] ? relay_confinement : "");
    buf_printf(o, "}\n");
}

int cmd_inspect(int argc, char **argv)
{
    struct packed pk;
    int json = 0;
    static char policy[64 * 1024], relay_policy[16 * 1024];
    const char *path = cli_one_path(argc, argv, &json);

    if (path == NULL)
        return die("usage: nabla-pack inspect [--json] APP");
    if (open_checked(&pk, path) != 0)
        return 1;
    describe_policy(&pk, 1, policy, sizeof(policy));
    describe_relay_policy(&pk, relay_policy, sizeof(relay_policy));
    int rc = 0;
    if (json) {
        struct buf o = {0};
        print_json(&o, &pk, policy, relay_policy);
        if (o.oom)
            rc = die("out of memory");
        else
            fwrite(o.data, 1, o.len, stdout);
        free(o.data);
    } else {
        print_text(&pk, policy, relay_policy);
    }
    packed_close(&pk);
    return rc;
}
