/* SHA-256 (FIPS 180-4), for the integrity checksum of packed files. */
#ifndef NABLA_SHA256_H
#define NABLA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t size);
void sha256_final(struct sha256 *h, uint8_t digest[SHA256_DIGEST_SIZE]);
/* The digest in lower-case hexadecimal, NUL-terminated. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE],
                char hex[2 * SHA256_DIGEST_SIZE + 1]);

#endif
