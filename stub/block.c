/*
 * Block devices: --block:NAME=PATH and --block-sector-size:NAME=BYTES.
 *
 * The disk image is opened read-write, checked (a regular file or block
 * device, non-empty, a whole number of blocks) and locked for exclusive use
 * before the guest starts; it is never written by the stub. The guest may
 * then pread64/pwrite64 exactly one block, inside the capacity, on that fd
 * only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_block.h"
#include "stub.h"

#define DEFAULT_BLOCK_SIZE 512

static uint64_t image_size(int fd, const char *path, const char *name)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        stub_die_errno("block device '%s': cannot stat disk image '%s'", name,
                       path);
    if (S_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        uint64_t size;
        if (ioctl(fd, BLKGETSIZE64, &size) != 0)
            stub_die_errno("block device '%s': cannot get the size of '%s' "
                           "(BLKGETSIZE64)",
                           name, path);
        return size;
    }
    stub_die("block device '%s': '%s' is not a regular file or block device",
             name, path);
}

/* The fields of a /proc/locks line, "1: FLOCK  ADVISORY  WRITE 1234
 * 08:01:5678 0 EOF", split at blanks; returns how many (at most max). A
 * waiter's line has "->" after the number. */
static size_t split_fields(char *line, char **field, size_t max)
{
    size_t n = 0;
    for (char *c = line; *c != '\0' && n < max;) {
        while (*c == ' ' || *c == '\t')
            c++;
        if (*c == '\0')
            break;
        field[n++] = c;
        while (*c != '\0' && *c != ' ' && *c != '\t')
            c++;
        if (*c != '\0')
            *c++ = '\0';
    }
    return n;
}

/* The pid holding the flock described by one /proc/locks line, if it is a
 * lock on the file with device dev and inode ino; else 0. */
static long holder_in_line(char *line, dev_t dev, ino_t ino)
{
    char *f[6], *end;
    char want[64];

    if (split_fields(line, f, 6) < 6 || strcmp(f[1], "FLOCK") != 0)
        return 0;
    snprintf(want, sizeof(want), "%02x:%02x:%llu", major(dev), minor(dev),
             (unsigned long long)ino);
    long pid = strtol(f[4], &end, 10);
    return *end == '\0' && strcmp(f[5], want) == 0 ? pid : 0;
}

/*
 * The process that holds a flock on the file of fd, from /proc/locks (the
 * kernel has no call that says), or 0 if it cannot be told. Only read when
 * the lock is refused.
 */
static long lock_holder(int fd)
{
    static char text[64 * 1024] STUB_COLD_BSS;
    struct stat st;
    size_t len = 0;
    ssize_t n;

    int locks = open("/proc/locks", O_RDONLY | O_CLOEXEC);
    if (locks < 0 || fstat(fd, &st) != 0)
        return 0;
    while (len < sizeof(text) - 1 &&
           (n = read(locks, text + len, sizeof(text) - 1 - len)) > 0)
        len += (size_t)n;
    close(locks);
    text[len] = '\0';
    for (char *line = text; *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        long pid = holder_in_line(line, st.st_dev, st.st_ino);
        if (pid > 0)
            return pid;
        line = nl ? nl + 1 : line + strlen(line);
    }
    return 0;
}

/*
 * A disk image is for one app at a time: two writing one file would destroy
 * it. flock(LOCK_EX | LOCK_NB) locks the open file description, so the lock
 * needs no system call once taken (none after the filter), lasts until its
 * last fd is closed, at exit, and goes with the fd into a forked process.
 * Refused: one line naming the image and, where /proc/locks tells, the
 * holder. (Upstream solo5-spt takes no lock.)
 */
static void lock_image(int fd, const char *path, const char *name)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return;
    if (errno != EWOULDBLOCK)
        stub_die_errno("block device '%s': cannot lock disk image '%s'", name,
                       path);
    long pid = lock_holder(fd);
    if (pid == (long)getpid())
        stub_die("block device '%s': disk image '%s' is given to another "
                 "block device of this app too",
                 name, path);
    if (pid > 0)
        stub_die("block device '%s': disk image '%s' is in use by another "
                 "process (pid %ld): an image is for one app at a time",
                 name, path, pid);
    stub_die("block device '%s': disk image '%s' is in use by another "
             "process (locked): an image is for one app at a time",
             name, path);
}

/* Where a state:REL path came from, for the message when it cannot be
 * opened. */
static const char *state_hint(const char *value)
{
    if (devopt_path_rule(value) != DEVOPT_PATH_STATE)
        return "";
    const char *dir = getenv("STATE_DIRECTORY");
    return dir != NULL && dir[0] != '\0' && dir[0] != ':'
               ? " (state:, in $STATE_DIRECTORY)"
               : " (state:, $STATE_DIRECTORY not set)";
}

static void block_attach(struct mft_entry *e, uint32_t index,
                         const struct stub_config *cfg, int epollfd)
{
    (void)epollfd; /* block devices are not polled */
    const struct device_setting *path_opt = &cfg->dev[index][BLOCK_OPT_PATH];
    const struct device_setting *bs_opt =
        &cfg->dev[index][BLOCK_OPT_SECTOR_SIZE];
    uint16_t block_size = DEFAULT_BLOCK_SIZE;
    struct result_msg why;
    char buf[4096];

    if (path_opt->value == NULL)
        stub_die("device '%s' of type BLOCK_BASIC declared but not attached: "
                 "give --block:%s=PATH",
                 e->name, e->name);
    if (bs_opt->value &&
        block_parse_sector_size(bs_opt->value, &block_size, &why) != RESULT_OK)
        stub_die("block device '%s': %s", e->name, why.text);

    const char *path;
    if (options_resolve_path(cfg, path_opt, buf, sizeof(buf), &path, &why) !=
        RESULT_OK)
        stub_die("%s", why.text);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        stub_die_errno("block device '%s': cannot open disk image '%s'%s for "
                       "reading and writing",
                       e->name, path, state_hint(path_opt->value));
    uint64_t size = image_size(fd, path, e->name);
    if (size == 0)
        stub_die("block device '%s': disk image '%s' is empty", e->name, path);
    if (size < block_size)
        stub_die("block device '%s': disk image '%s' (%llu bytes) is smaller "
                 "than one block (%u bytes)",
                 e->name, path, (unsigned long long)size, block_size);
    if (size % block_size != 0)
        stub_die("block device '%s': size of disk image '%s' (%llu bytes) "
                 "must be block aligned (a multiple of %u)",
                 e->name, path, (unsigned long long)size, block_size);

    lock_image(fd, path, e->name);

    e->b.hostfd = fd;
    e->u.block_basic.capacity = size;
    e->u.block_basic.block_size = block_size;
    e->attached = true;
}

static const struct stub_device block = {
    .type = &device_block,
    .attach = block_attach,
};
STUB_DEVICE(block);
