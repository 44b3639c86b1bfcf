/*
 * --mem=MB, guest memory in MiB: one parser for the stub (at run time) and
 * nabla-pack (at pack time), so that both accept and refuse the same values
 * with the same words. Pure: no I/O, no allocation.
 */
#ifndef NABLA_MEM_OPTION_H
#define NABLA_MEM_OPTION_H

#include <stdint.h>

#include "result.h"

/*
 * Parses value (what follows "--mem="): decimal digits only, 1 to
 * NABLA_MEM_MAX_MB. Returns RESULT_OK with *mb set, or RESULT_ERROR with
 * "invalid --mem=VALUE<source>: ..." in msg; source is "" or a note such
 * as " (default baked in by nabla-pack)".
 */
enum result mem_option_parse(const char *value, const char *source,
                             uint64_t *mb, struct result_msg *msg);

#endif
