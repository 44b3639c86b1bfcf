/*
 * Baseline for PSS: a static musl program with the same 4 MiB of initialised
 * data as bench/guests/sleep4m.c; reads one byte of it and sleeps argv[1]
 * milliseconds (default 3000).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char data[4 << 20] = {1, 2, 3};

int main(int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : "";
    long ms = argc > 1 ? strtol(arg, NULL, 10) : 3000;
    unsigned char first = data[(strlen(arg) / 8) % sizeof(data)];

    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    return first == 1 ? 0 : 1;
}
