/* Internal state and helpers shared by the files of the bindings. */
#ifndef NABLA_BINDINGS_H
#define NABLA_BINDINGS_H

#include "nabla/abi.h"
#include "solo5.h"

/* The boot information the stub left at SPT_BOOT_INFO_BASE. */
extern const struct spt_boot_info *bindings_boot_info;

/* 1 when --solo5:quiet was given: no banner and no log lines. */
extern int bindings_quiet;

/* Console log line of the bindings, suppressed by --solo5:quiet. */
void bindings_log(const char *s);
/* Decimal and hex formatting into buf (at least 24 bytes); returns length. */
size_t bindings_fmt_u64(char *buf, uint64_t v, int base);

/* Device lookup in the manifest: the handle is the entry's index. */
const struct mft_entry *bindings_mft_lookup(const char *name, uint32_t type,
                                            solo5_handle_t *handle);
const struct mft_entry *bindings_mft_get(solo5_handle_t handle, uint32_t type);

void bindings_ssp_init(void);
/* 64 unpredictable bits from the CPU, for the stack guard when the tender
 * gives none (bindings/arch/ARCH/random.c). */
uint64_t bindings_cpu_random(void);

#endif
