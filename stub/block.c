/*
 * Block devices: --block:NAME=PATH and --block-sector-size:NAME=BYTES.
 *
 * The disk image is opened read-write and checked (a regular file or block
 * device, non-empty, a whole number of blocks) before the guest starts; it is
 * never written by the stub. The guest may then pread64/pwrite64 exactly one
 * block, inside the capacity, on that fd only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stub.h"

#define DEFAULT_BLOCK_SIZE 512

static uint64_t image_size(int fd, const char *path, const char *name)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        stub_die_errno("block device '%s': stat '%s'", name, path);
    if (S_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        uint64_t size;
        if (ioctl(fd, BLKGETSIZE64, &size) != 0)
            stub_die_errno("block device '%s': size of '%s'", name, path);
        return size;
    }
    stub_die("block device '%s': '%s' is not a regular file or block device",
             name, path);
}

void block_attach(struct mft_entry *e, uint32_t index,
                  const struct stub_config *cfg, int epollfd)
{
    (void)epollfd; /* block devices are not polled */
    const struct device_setting *path_opt = &cfg->dev[index][DEVOPT_BLOCK];
    const struct device_setting *bs_opt =
        &cfg->dev[index][DEVOPT_BLOCK_SECTOR_SIZE];
    uint16_t block_size = DEFAULT_BLOCK_SIZE;
    char err[256], buf[4096];

    if (path_opt->value == NULL)
        stub_die("device '%s' of type BLOCK_BASIC declared but not attached: "
                 "give --block:%s=PATH",
                 e->name, e->name);
    if (bs_opt->value && devopt_parse_sector_size(bs_opt->value, &block_size,
                                                  err, sizeof(err)) != 0)
        stub_die("block device '%s': %s", e->name, err);

    const char *path = options_resolve_path(path_opt, buf, sizeof(buf));
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        stub_die_errno("block device '%s': cannot open disk image '%s' for "
                       "reading and writing",
                       e->name, path);
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

    e->b.hostfd = fd;
    e->u.block_basic.capacity = size;
    e->u.block_basic.block_size = block_size;
    e->attached = true;
}
