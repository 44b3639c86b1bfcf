/*
 * --mem=MB, guest memory in MiB: one parser for the stub (at run time) and
 * nabla-pack (at pack time), so that both accept and refuse the same values
 * with the same words. Pure: no I/O, no allocation.
 */
#ifndef NABLA_MEM_OPTION_H
#define NABLA_MEM_OPTION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses value (what follows "--mem="): decimal digits only, 1 to
 * NABLA_MEM_MAX_MB. Returns 0 with *mb set, or -1 with one line in err
 * ("invalid --mem=VALUE<source>: ..."); source is "" or a note such as
 * " (default baked in by nabla-pack)".
 */
int mem_option_parse(const char *value, const char *source, uint64_t *mb,
                     char *err, size_t errsz);

#endif
