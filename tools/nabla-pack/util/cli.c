/* Command-line conventions shared by the subcommands (cli.h). */
#include "util/cli.h"

#include <string.h>

#include "util/util.h"

int cli_output_option(const char *what, int argc, char **argv, int *i,
                      const char **out)
{
    const char *a = argv[*i], *value;
    const char *sep = what[0] ? ": " : "";

    if (strncmp(a, "--output=", 9) == 0) {
        value = a + 9;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
        if (*i + 1 >= argc) {
            die("%s%s%s needs a path", what, sep, a);
            return -1;
        }
        value = argv[++*i];
    } else {
        return 0;
    }
    if (value[0] == '\0') {
        die("%s%s%s needs a path", what, sep, a);
        return -1;
    }
    if (*out != NULL) {
        die("%s%stwo outputs given ('%s', then '%s')", what, sep, *out, value);
        return -1;
    }
    *out = value;
    return 1;
}

int cli_refuse_overwrite(const char *out, const char *in, const char *role)
{
    if (in == NULL || !same_file(out, in))
        return 0;
    return die("output '%s' is the same file as the input %s '%s': refusing "
               "to overwrite it (choose another output)",
               out, role, in);
}

const char *cli_one_path(int argc, char **argv, int *json)
{
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        if (json != NULL && strcmp(argv[i], "--json") == 0)
            *json = 1;
        else if (argv[i][0] == '-' || path != NULL)
            return NULL;
        else
            path = argv[i];
    }
    return path;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

/* Optimal string alignment distance, for names of up to 31 characters. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t d[32][32];

    if (n > 31 || m > 31)
        return (size_t)-1;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *cli_nearest(const char *word, const char *const *names, size_t n)
{
    size_t limit = strlen(word) <= 4 ? 1 : 2, best = limit + 1;
    const char *found = NULL;

    for (size_t k = 0; k < n; k++) {
        size_t d = edit_distance(word, names[k]);
        if (d < best) {
            best = d;
            found = names[k];
        }
    }
    return found;
}
