/*
 * Command-line conventions shared by nabla-pack's subcommands: the output
 * option in its three spellings, the refusal to write over an input, and
 * the nearest name for a mistyped one.
 */
#ifndef NABLA_PACK_CLI_H
#define NABLA_PACK_CLI_H

#include <stddef.h>

/*
 * Recognises an output option at argv[*i]: "-o FILE", "--output=FILE" or
 * "--output FILE". Returns 1 and sets *out (moving *i past a separate
 * value), 0 if argv[*i] is not one, or -1 after one line on stderr (no or
 * an empty value, or a second output option). what names the command in
 * that line ("extract"; "" for packing).
 */
int cli_output_option(const char *what, int argc, char **argv, int *i,
                      const char **out);

/*
 * Refuses, with one line on stderr (returns 1), an output that is the same
 * file as the input in (same device and inode: also through a symbolic or
 * hard link), before anything is written; returns 0 otherwise. role says
 * what the input is ("unikernel", "manifest").
 */
int cli_refuse_overwrite(const char *out, const char *in, const char *role);

/*
 * The one path argument of a subcommand that reads one file (argv[1..]):
 * NULL unless there is exactly one, and no option but "--json" when json is
 * not NULL (which it sets). The caller then prints its usage.
 */
const char *cli_one_path(int argc, char **argv, int *json);

/* 1 if argv[1..argc-1], up to a "--", holds "--help" or "-h". */
int cli_wants_help(int argc, char **argv);

/*
 * The name in names[0..n-1] nearest to word (edit distance, a swap of two
 * neighbours counting once), if it is close enough to be what was meant:
 * at most 1 edit for words of up to 4 characters, 2 for longer ones. NULL
 * if none is.
 */
const char *cli_nearest(const char *word, const char *const *names, size_t n);

#endif
