/*
 * gen-random: writes the httpd example's random.bin, 65536 bytes of a
 * fixed pseudo-random pattern (xorshift64* from a fixed seed): the same
 * bytes on every build. Runs on the build host.
 *
 * usage: gen-random OUTPUT
 */
#include <stdint.h>
#include <stdio.h>

#define SIZE 65536

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "wb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    uint64_t x = 0x6e61626c61687474ull; /* "nablahtt" */
    for (int i = 0; i < SIZE; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        if (fputc((int)((x * 0x2545f4914f6cdd1dull) >> 56), f) == EOF) {
            perror(argv[1]);
            return 1;
        }
    }
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
