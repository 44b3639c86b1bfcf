/*
 * layout_host: where a static executable started without address space
 * randomisation (setarch -R) has its stack, vDSO and vvar, and where its
 * environment string NAME lies. A packed executable is a static executable
 * too, started the same way under the same limits, so the kernel puts its
 * stack and vDSO at the same addresses: tests/sandbox.bats probes them from
 * a guest.
 *
 *   layout_host NAME   prints "MAPPING START END" for [stack], [vdso] and
 *                      [vvar] (as /proc/self/maps names them), then
 *                      "env ADDR" for the string NAME=..., exits 0;
 *                      exits 1 if there is no NAME in the environment
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
    char line[512];
    FILE *maps = fopen("/proc/self/maps", "r");

    if (argc != 2 || maps == NULL)
        return 2;
    while (fgets(line, sizeof(line), maps) != NULL) {
        unsigned long start, end;
        char name[64] = "";
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &start, &end, name) <
            2)
            continue;
        if (strcmp(name, "[stack]") == 0 || strcmp(name, "[vdso]") == 0 ||
            strcmp(name, "[vvar]") == 0)
            printf("%s %#lx %#lx\n", name, start, end);
    }
    fclose(maps);
    size_t len = strlen(argv[1]);
    for (char **e = environ; *e != NULL; e++) {
        if (strncmp(*e, argv[1], len) == 0 && (*e)[len] == '=') {
            printf("env %p\n", (void *)*e);
            return 0;
        }
    }
    return 1;
}
