/*
 * compute: a CPU-bound guest for what position-independent code costs
 * (bench/pie-cost): table-driven CRC-32 over a global buffer (indexed loads
 * from a global table), calls through a table of function pointers, and
 * stores to globals, ROUNDS times; built fixed and as a static PIE from
 * this one source. Prints "compute: NS ns CRC" (the time it took by the
 * monotonic clock, and the result, which must agree between the two).
 */
#include "solo5.h"

#define ROUNDS 200
#define BUFFER (64 * 1024)

static uint32_t crc_table[256];
static uint8_t buffer[BUFFER];
uint64_t compute_sink;

static uint32_t step_add(uint32_t v)
{
    return v + 0x9e3779b9u;
}
static uint32_t step_xor(uint32_t v)
{
    return v ^ (v >> 15);
}
static uint32_t step_mul(uint32_t v)
{
    return v * 0x2c1b3c6du;
}
static uint32_t step_rot(uint32_t v)
{
    return (v << 7) | (v >> 25);
}
/* In .data.rel.ro in a PIE: relocated at start. */
static uint32_t (*const steps[4])(uint32_t) = {step_add, step_xor, step_mul,
                                               step_rot};

static void fill(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    uint32_t v = 1;
    for (size_t i = 0; i < BUFFER; i++) {
        v = v * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(v >> 16);
    }
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void put_u64(char *buf, size_t *n, uint64_t v)
{
    char tmp[24];
    size_t k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k > 0)
        buf[(*n)++] = tmp[--k];
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    fill();
    solo5_time_t start = solo5_clock_monotonic();
    uint32_t crc = 0, v = 1;
    for (int r = 0; r < ROUNDS; r++) {
        crc = crc32(buffer, BUFFER, crc);
        for (size_t i = 0; i < 4096; i++) {
            v = steps[(v ^ i) & 3](v);
            compute_sink += v;
        }
    }
    solo5_time_t ns = solo5_clock_monotonic() - start;
    char line[80] = "compute: ";
    size_t n = 9;
    put_u64(line, &n, ns);
    line[n++] = ' ';
    line[n++] = 'n';
    line[n++] = 's';
    line[n++] = ' ';
    put_u64(line, &n, crc ^ (uint32_t)compute_sink);
    line[n++] = '\n';
    solo5_console_write(line, n);
    return SOLO5_EXIT_SUCCESS;
}
