/*
 * Reading struct nabla_payload (packed_layout.h) safely: shared by the
 * stub, which reads its own, and nabla-pack's verify/inspect/extract/oci,
 * which read a packed file. Pure functions: no I/O, no allocation.
 */
#ifndef NABLA_PAYLOAD_FORMAT_H
#define NABLA_PAYLOAD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "packed_layout.h"
#include "result.h"

/*
 * Checks the size bytes at p: magic and version (3, or 4 with a sound
 * struct nabla_pie after the header), every offset inside,
 * string lists and the app name well-formed, a manifest of 1 to 64 entries
 * whose devices are all of a known type, the segment checksums inside and
 * aligned.
 * Returns RESULT_OK; RESULT_ERROR if it is damaged, RESULT_OTHER_VERSION if
 * it is intact but of another format version, with the reason in why (no
 * path).
 */
enum result payload_check(const struct nabla_payload *p, size_t size,
                          struct result_msg *why);

/* The position-independent guest's record of a checked payload (version
 * NABLA_PAYLOAD_VERSION_PIE), or NULL for a fixed guest. */
const struct nabla_pie *payload_pie(const struct nabla_payload *p);

/* The manifest of a checked payload. */
const struct mft *payload_mft(const struct nabla_payload *p);

/* The app's name of a checked payload (state: paths). */
const char *payload_app_name(const struct nabla_payload *p);

/* The i-th string of a checked string list (options or arguments), or NULL
 * when i >= count. */
const char *payload_string(const struct nabla_payload *p, uint32_t offset,
                           uint32_t count, uint32_t i);

#endif
