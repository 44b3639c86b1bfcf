/* Packing: a validated guest, its manifest and defaults -> one executable. */
#ifndef NABLA_PACK_PACK_H
#define NABLA_PACK_PACK_H

#include <stddef.h>
#include <stdint.h>

struct pack_request {
    const char *guest_path;
    const char *manifest_path; /* NULL: use the guest's MFT1 note */
    const char *stub_path;     /* NULL: the stub embedded in nabla-pack */
    const char *out_path;
    /* The app's name for state: paths; NULL: the output's file name. */
    const char *name;
    uint64_t mem_mb;            /* 0: stub default */
    const char *const *options; /* default stub options, e.g. "--block:x=y" */
    size_t noptions;
    const char *const *args; /* default guest arguments */
    size_t nargs;
    int quiet; /* no summary line */
};

/* Returns 0, or -1 with one line in err; never leaves a partial output. */
int pack(const struct pack_request *req, char *err, size_t errsz);

/* The app's name: --name=, else the output's file name. */
const char *pack_app_name(const struct pack_request *req);

#endif
