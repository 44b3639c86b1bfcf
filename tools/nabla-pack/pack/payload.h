/* Building the payload of a packed executable (payload.c). */
#ifndef NABLA_PACK_PAYLOAD_H
#define NABLA_PACK_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "pack/pack.h"
#include "read/guest.h"
#include "util/util.h"

/*
 * Appends to b (empty) struct nabla_payload, then the manifest mft as the
 * stub receives it (names and types), the default options and arguments,
 * the app's name and room for nsums segment sums (zero: pack.c fills them
 * in once the file is laid out). trampoline: the exit trampoline's address
 * in the guest's text, or 0. Returns 0, or -1 when out of memory.
 */
int payload_build(struct buf *b, const struct pack_request *req,
                  const struct guest *g, const struct mft *mft,
                  uint64_t trampoline, size_t nsums);

#endif
