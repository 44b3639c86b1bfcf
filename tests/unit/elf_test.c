/*
 * Robustness of the guest ELF validator (tools/nabla-pack/read/guest.c and
 * read/elfimage.c) against damaged files, under ASan + UBSan.
 *
 *   elf_test GUEST.spt [PART...]
 *
 * PART is whole (1 below), truncate (2), corrupt (3), pack (3b) or
 * symbols (4); all of them by default.
 *
 * GUEST.spt must be a good guest whose section header table ends the file
 * (as the linker writes it), so that every proper prefix is damaged:
 *
 *   1. the whole file loads (guest_load returns 0);
 *   2. every truncation, lengths 0 to size - 1, is refused: guest_load
 *      returns -1 with a non-empty, one-line, printable message;
 *   3. 20,000 copies with 1 to 8 random bytes changed (fixed seed) in the
 *      first 4 KiB (mostly the ELF and program headers) and in the notes:
 *      no crash and no sanitizer report; a result of 0 must still be a
 *      valid guest (loads at or above 0x100000 and inside guest memory,
 *      inside the file, not overlapping, never W+X, entry in an executable
 *      load, ABI spt v2, a valid manifest inside the file), and -1 must
 *      come with a proper message;
 *   3b. 2000 such copies (e_shoff left alone) that guest_load accepts are
 *      packed with pack(): 0, or -1 with a proper message and no file left;
 *   4. guests whose section header table or symbol table sits at an odd
 *      offset: loading them and listing their symbols (what packing does)
 *      is not undefined behaviour.
 *
 * Each part runs in a child process, so that a sanitizer report or a crash
 * in one is reported as that part's failure ("not ok") and the others
 * still run. Files are written to a memfd and opened as /proc/self/fd/N
 * (part 3b: a temporary directory under /tmp, removed at the end).
 * Output is TAP, ending in "# all N tests passed" or "# N of M failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "read/guest.h"
#include "read/manifest.h"
#include "pack/pack.h"

#define MEM_LIMIT (512ull << 20)
#define CORRUPTIONS 20000
#define MAX_DIAG 10 /* diagnostics printed per part, at most */
#define CHILD_PASS 0
#define CHILD_FAIL 3

static uint8_t *good;
static size_t good_size;

/* --- TAP (tap.h) ---------------------------------------------------------- */

/* Runs part() in a child; reports "ok" if it exits CHILD_PASS. */
static void run_part(int (*part)(void), const char *name)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        report(false, "%s: fork: %s", name, strerror(errno));
        return;
    }
    if (pid == 0) {
        diag_count = 0;
        int rc = part();
        fflush(stdout);
        exit(rc); /* exit, not _exit: LeakSanitizer runs at exit */
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_PASS) {
        report(true, "%s", name);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_FAIL) {
        report(false, "%s", name);
    } else if (WIFEXITED(status)) {
        report(false, "%s (crashed: exit status %d, sanitizer report above?)",
               name, WEXITSTATUS(status));
    } else {
        report(false, "%s (crashed: signal %d)", name,
               WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    }
}

/* --- Files -------------------------------------------------------------- */

static int memfd = -1;
static char memfd_path[64];

static void memfd_open(void)
{
    memfd = memfd_create("elf_test", MFD_CLOEXEC);
    if (memfd < 0) {
        perror("memfd_create");
        exit(2);
    }
    snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
}

/* Makes the memfd hold exactly len bytes of data; returns its path. */
static const char *memfd_write(const uint8_t *data, size_t len)
{
    if (ftruncate(memfd, 0) != 0 || ftruncate(memfd, (off_t)len) != 0) {
        perror("ftruncate");
        exit(2);
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(memfd, data + done, len - done, (off_t)done);
        if (n <= 0) {
            perror("pwrite");
            exit(2);
        }
        done += (size_t)n;
    }
    return memfd_path;
}

static void read_good(const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "elf_test: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    good_size = (size_t)st.st_size;
    good = malloc(good_size);
    if (good == NULL || read(fd, good, good_size) != (ssize_t)good_size) {
        fprintf(stderr, "elf_test: cannot read %s\n", path);
        exit(2);
    }
    close(fd);
}

/* --- Checks ----------------------------------------------------------------
 */

/* A refusal message: non-empty, one line, printable ASCII. */
static bool message_ok(const char *err, size_t errsz)
{
    size_t len = strnlen(err, errsz);
    if (len == 0 || len == errsz)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)err[i];
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

static uint64_t page_down(uint64_t a)
{
    return a & ~(SPT_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
    return (a + SPT_PAGE_SIZE - 1) & ~(SPT_PAGE_SIZE - 1);
}

static size_t symbols_seen;

static void count_symbol(void *ctx, const char *name, const Elf64_Sym *sym)
{
    (void)ctx;
    /* Touch everything the callback is given, for ASan. */
    symbols_seen += strlen(name) + (sym->st_value & 1) + (sym->st_size & 1);
}

/*
 * The invariants a guest accepted by guest_load must satisfy. Returns NULL
 * or what is wrong.
 */
static const char *guest_invariants(const struct guest *g)
{
    const struct elf_image *img = &g->img;
    static char why[512];

    if (g->nloads == 0 || g->nloads > NABLA_MAX_GUEST_SEGMENTS)
        return "number of PT_LOADs";
    uint64_t end = 0;
    bool entry_ok = false;
    for (size_t i = 0; i < g->nloads; i++) {
        const Elf64_Phdr *ph = g->loads[i];
        if (ph < img->phdr || ph >= img->phdr + img->phnum)
            return "a load is not one of the image's program headers";
        if (ph->p_type != PT_LOAD)
            return "a load is not a PT_LOAD";
        if (ph->p_vaddr < SPT_GUEST_MIN_BASE)
            return "a load below 0x100000";
        if (ph->p_vaddr >= MEM_LIMIT || ph->p_memsz > MEM_LIMIT - ph->p_vaddr)
            return "a load above guest memory";
        if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
            return "a W+X load";
        if (ph->p_filesz > ph->p_memsz)
            return "a load with p_filesz > p_memsz";
        if (ph->p_offset > img->size || ph->p_filesz > img->size - ph->p_offset)
            return "a load whose data is outside the file";
        if (ph->p_vaddr % SPT_PAGE_SIZE != ph->p_offset % SPT_PAGE_SIZE)
            return "a load with p_vaddr, p_offset not congruent";
        for (size_t k = 0; k < i; k++) {
            const Elf64_Phdr *o = g->loads[k];
            if (page_down(ph->p_vaddr) < page_up(o->p_vaddr + o->p_memsz) &&
                page_down(o->p_vaddr) < page_up(ph->p_vaddr + ph->p_memsz))
                return "overlapping loads";
        }
        if ((ph->p_flags & PF_X) && g->entry >= ph->p_vaddr &&
            g->entry - ph->p_vaddr < ph->p_memsz)
            entry_ok = true;
        if (ph->p_vaddr + ph->p_memsz > end)
            end = ph->p_vaddr + ph->p_memsz;
    }
    if (!entry_ok)
        return "entry point outside every executable load";
    if (g->entry != img->ehdr->e_entry)
        return "entry is not e_entry";
    if (g->kernel_end != end)
        return "kernel_end is not the end of the highest load";
    if (g->abi.abi_target != ABI_TARGET_SPT ||
        g->abi.abi_version != ABI_SPT_VERSION)
        return "ABI is not spt version 2";
    if (g->mft == NULL || g->mft_size < sizeof(struct mft) ||
        g->mft_size > MFT_SIZE(MFT_MAX_ENTRIES))
        return "manifest copy missing or of an impossible size";
    char merr[256];
    if (manifest_check(g->mft, g->mft_size, merr, sizeof(merr)) != 0) {
        snprintf(why, sizeof(why),
                 "accepted manifest fails manifest_check: "
                 "%s",
                 merr);
        return why;
    }
    return NULL;
}

/* --- Part 1: the whole file ------------------------------------------- */

static int part_whole(void)
{
    struct guest g;
    char err[1024] = "";
    memfd_open();
    if (guest_load(&g, memfd_write(good, good_size), MEM_LIMIT, err,
                   sizeof(err)) != 0) {
        diag("the whole file is refused: %s", err);
        return CHILD_FAIL;
    }
    const char *why = guest_invariants(&g);
    if (why != NULL)
        diag("the whole file: %s", why);
    elf_image_symbols(&g.img, count_symbol, NULL);
    guest_free(&g);
    return why == NULL ? CHILD_PASS : CHILD_FAIL;
}

/* --- Part 2: every truncation ------------------------------------------- */

static int part_truncations(void)
{
    int bad = 0;
    memfd_open();
    for (size_t len = 0; len < good_size; len++) {
        struct guest g;
        char err[1024];
        memset(err, 0, sizeof(err));
        int rc =
            guest_load(&g, memfd_write(good, len), MEM_LIMIT, err, sizeof(err));
        if (rc == 0) {
            diag("truncated to %zu bytes: accepted", len);
            guest_free(&g);
            bad++;
        } else if (rc != -1) {
            diag("truncated to %zu bytes: returned %d", len, rc);
            bad++;
        } else if (!message_ok(err, sizeof(err))) {
            diag("truncated to %zu bytes: bad message '%s'", len, err);
            bad++;
        }
    }
    if (bad)
        diag("%d of %zu truncations not refused properly", bad, good_size);
    return bad ? CHILD_FAIL : CHILD_PASS;
}

/* --- Part 3: random corruption -------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

struct range {
    size_t start, len;
};

static struct range headers, first, notes[8];
static size_t nnotes;
static size_t hits_headers, hits_notes, hits_first;

static bool corruption_setup(void)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)good;
    headers = (struct range){0, eh->e_phoff +
                                    (size_t)eh->e_phnum * sizeof(Elf64_Phdr)};
    first = (struct range){0, good_size < 4096 ? good_size : 4096};
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(good + eh->e_phoff);
    for (size_t i = 0; i < eh->e_phnum && nnotes < 8; i++) {
        if (ph[i].p_type == PT_NOTE && ph[i].p_filesz > 0)
            notes[nnotes++] = (struct range){ph[i].p_offset, ph[i].p_filesz};
    }
    if (nnotes == 0 || headers.len > good_size) {
        diag("the good file has no PT_NOTE or odd program headers");
        return false;
    }
    return true;
}

/*
 * buf = the good file with 1 to 8 bytes changed: 3/8 of them in the ELF and
 * program headers, 1/8 anywhere in the first 4 KiB, 1/2 in the notes. With
 * keep_shoff, e_shoff is left alone (an odd e_shoff is part 4's case).
 */
static void corrupt(uint8_t *buf, bool keep_shoff)
{
    memcpy(buf, good, good_size);
    int flips = 1 + (int)(rng() % 8);
    for (int f = 0; f < flips; f++) {
        uint64_t r = rng();
        const struct range *where;
        switch (r % 8) {
        case 0:
        case 1:
        case 2:
            where = &headers;
            hits_headers++;
            break;
        case 3:
            where = &first;
            hits_first++;
            break;
        default:
            where = &notes[(r >> 3) % nnotes];
            hits_notes++;
            break;
        }
        size_t pos = where->start + (size_t)((r >> 16) % where->len);
        if (keep_shoff && pos >= offsetof(Elf64_Ehdr, e_shoff) &&
            pos < offsetof(Elf64_Ehdr, e_shoff) + 8)
            continue;
        uint8_t v = (uint8_t)(r >> 56);
        if ((r >> 8) % 4 == 0)
            buf[pos] = (uint8_t)(0xff * (v & 1)); /* 0x00 or 0xff */
        else
            buf[pos] ^= (uint8_t)(v | 1); /* never a no-op */
    }
}

static int part_corruption(void)
{
    if (!corruption_setup())
        return CHILD_FAIL;

    uint8_t *buf = malloc(good_size);
    if (buf == NULL)
        return 2;
    memfd_open();
    int bad = 0, accepted = 0;
    for (int iter = 0; iter < CORRUPTIONS; iter++) {
        corrupt(buf, false);
        struct guest g;
        char err[1024];
        memset(err, 0, sizeof(err));
        int rc = guest_load(&g, memfd_write(buf, good_size), MEM_LIMIT, err,
                            sizeof(err));
        if (rc == 0) {
            accepted++;
            const char *why = guest_invariants(&g);
            if (why != NULL) {
                diag("corruption %d: accepted, but %s", iter, why);
                bad++;
            }
            guest_free(&g);
        } else if (rc != -1 || !message_ok(err, sizeof(err))) {
            diag("corruption %d: returned %d with message '%s'", iter, rc, err);
            bad++;
        }
    }
    free(buf);
    diag("%d corruptions: %d accepted (all valid guests: %s), %d refused; "
         "changes: %zu in the headers, %zu in the first 4 KiB, %zu in the "
         "notes",
         CORRUPTIONS, accepted, bad ? "no" : "yes", CORRUPTIONS - accepted,
         hits_headers, hits_first, hits_notes);
    return bad ? CHILD_FAIL : CHILD_PASS;
}

/* --- Part 3b: packing what was accepted -------------------------------------
 */

#define PACK_CORRUPTIONS 2000

/* Corrupted guests that guest_load accepts are packed (with the embedded
 * stub) into a temporary directory: pack returns 0 or -1 with a proper
 * message, never a crash or a sanitizer report, and leaves no file when it
 * fails. */
static int part_pack(void)
{
    if (!corruption_setup())
        return CHILD_FAIL;
    char dir[] = "/tmp/elf_test.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char in_path[64], out_path[64];
    snprintf(in_path, sizeof(in_path), "%s/guest.spt", dir);
    snprintf(out_path, sizeof(out_path), "%s/out", dir);
    uint8_t *buf = malloc(good_size);
    if (buf == NULL)
        return 2;
    int bad = 0, accepted = 0, packed = 0;
    for (int iter = 0; iter < PACK_CORRUPTIONS; iter++) {
        corrupt(buf, true);
        FILE *f = fopen(in_path, "wb");
        if (f == NULL || fwrite(buf, 1, good_size, f) != good_size ||
            fclose(f) != 0) {
            perror(in_path);
            return 2;
        }
        struct guest g;
        char err[1024] = "";
        if (guest_load(&g, in_path, MEM_LIMIT, err, sizeof(err)) != 0)
            continue;
        guest_free(&g);
        accepted++;
        struct pack_request req = {.guest_path = in_path, .out_path = out_path};
        memset(err, 0, sizeof(err));
        int rc = pack(&req, err, sizeof(err));
        if (rc == 0) {
            packed++;
            if (unlink(out_path) != 0) {
                diag("corruption %d: packed, but no %s", iter, out_path);
                bad++;
            }
        } else if (rc != -1 || !message_ok(err, sizeof(err))) {
            diag("corruption %d: pack returned %d with message '%s'", iter, rc,
                 err);
            bad++;
        } else if (access(out_path, F_OK) == 0) {
            diag("corruption %d: pack failed but left %s", iter, out_path);
            unlink(out_path);
            bad++;
        }
    }
    free(buf);
    unlink(in_path);
    if (rmdir(dir) != 0) {
        diag("%s not empty after packing: temporary files left", dir);
        bad++;
    }
    diag("%d corruptions: %d accepted by guest_load, %d of them packed",
         PACK_CORRUPTIONS, accepted, packed);
    return bad ? CHILD_FAIL : CHILD_PASS;
}

/* --- Part 4: tables at odd offsets ------------------------------------------
 */

/*
 * A copy of the good file with the section header table moved to the end of
 * the file at an offset that is 1 mod 8 (when shdr_odd) and/or the .symtab
 * contents moved likewise (when sym_odd). Returns the new size.
 */
static size_t make_odd(uint8_t **out, bool shdr_odd, bool sym_odd)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)good;
    size_t shsize = (size_t)eh->e_shnum * sizeof(Elf64_Shdr);
    size_t symsize = 0;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(good + eh->e_shoff);
    for (size_t i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type == SHT_SYMTAB)
            symsize = sh[i].sh_size;
    }
    size_t size = good_size + 16 + symsize + 16 + shsize;
    uint8_t *d = calloc(1, size);
    if (d == NULL)
        exit(2);
    memcpy(d, good, good_size);
    size_t off = (good_size + 7) & ~(size_t)7;
    size_t symoff = off + (sym_odd ? 1 : 0);
    off = (symoff + symsize + 7) & ~(size_t)7;
    size_t shoff = off + (shdr_odd ? 1 : 0);
    Elf64_Shdr shdrs[256];
    if (eh->e_shnum > 256)
        exit(2);
    memcpy(shdrs, good + eh->e_shoff, shsize);
    for (size_t i = 0; i < eh->e_shnum; i++) {
        if (shdrs[i].sh_type == SHT_SYMTAB) {
            memcpy(d + symoff, good + shdrs[i].sh_offset, symsize);
            shdrs[i].sh_offset = symoff;
        }
    }
    memcpy(d + shoff, shdrs, shsize);
    Elf64_Ehdr neh;
    memcpy(&neh, d, sizeof(neh));
    neh.e_shoff = shoff;
    memcpy(d, &neh, sizeof(neh));
    *out = d;
    return shoff + shsize;
}

static int odd_case(bool shdr_odd, bool sym_odd)
{
    uint8_t *d;
    size_t size = make_odd(&d, shdr_odd, sym_odd);
    struct guest g;
    char err[1024] = "";
    int rc = guest_load(&g, memfd_write(d, size), MEM_LIMIT, err, sizeof(err));
    if (rc == 0) {
        symbols_seen = 0;
        elf_image_symbols(&g.img, count_symbol, NULL);
        guest_free(&g);
    } else if (!message_ok(err, sizeof(err))) {
        diag("bad message '%s'", err);
        free(d);
        return CHILD_FAIL;
    }
    free(d);
    return CHILD_PASS;
}

static int part_odd_shdr(void)
{
    memfd_open();
    return odd_case(true, false);
}

static int part_odd_symtab(void)
{
    memfd_open();
    return odd_case(false, true);
}

static const struct {
    const char *name;
    int (*fn)(void);
    const char *what;
} parts[] = {
    {"whole", part_whole, "the whole guest file loads and is valid"},
    {"truncate", part_truncations,
     "every truncation (0 to size - 1 bytes) is refused with a one-line "
     "message"},
    {"corrupt", part_corruption,
     "20000 random corruptions of the headers and notes: no crash, accepted "
     "ones are valid guests"},
    {"pack", part_pack,
     "2000 corrupted guests accepted by guest_load are packed or refused "
     "cleanly"},
    {"symbols", part_odd_shdr,
     "section header table at an odd offset: no undefined behaviour reading "
     "symbols"},
    {"symbols", part_odd_symtab,
     "symbol table at an odd offset: no undefined behaviour reading "
     "symbols"},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: elf_test GUEST.spt [PART...]\n"
                        "parts: whole truncate corrupt pack symbols (default: "
                        "all)\n");
        return 2;
    }
    diag_max = MAX_DIAG;
    read_good(argv[1]);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)good;
    if (good_size < sizeof(*eh) || memcmp(good, ELFMAG, SELFMAG) != 0 ||
        eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize != good_size) {
        fprintf(stderr,
                "elf_test: %s is not an ELF file whose section "
                "header table ends the file\n",
                argv[1]);
        return 2;
    }
    for (int a = 2; a < argc; a++) {
        bool known = false;
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
            known |= strcmp(argv[a], parts[i].name) == 0;
        if (!known) {
            fprintf(stderr, "elf_test: unknown part '%s'\n", argv[a]);
            return 2;
        }
    }
    printf("# elf_test: %s, %zu bytes\n", argv[1], good_size);

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        bool selected = argc == 2;
        for (int a = 2; a < argc; a++)
            selected |= strcmp(argv[a], parts[i].name) == 0;
        if (selected)
            run_part(parts[i].fn, parts[i].what);
    }

    free(good);
    return tap_done();
}
