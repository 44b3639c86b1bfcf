/*
 * How common/ reports a failure, the one way: a function returns enum
 * result, and when that is not RESULT_OK it has written one line (no
 * program name, no newline) into the struct result_msg its caller passed.
 * common/ never prints and never exits: the caller decides what a failure
 * means (the stub's and nabla-pack's top levels print it and exit).
 */
#ifndef NABLA_RESULT_H
#define NABLA_RESULT_H

enum result {
    RESULT_OK = 0,
    RESULT_ERROR,         /* refused or damaged: the message says what */
    RESULT_OTHER_VERSION, /* intact, but of another payload format version */
};

/* Room for a message and the value it quotes (an option, a path). */
#define RESULT_MSG_SIZE 1024

struct result_msg {
    char text[RESULT_MSG_SIZE];
};

/* Writes the message (truncated to fit) and returns RESULT_ERROR, so that
 * a failure is one line: return result_error(msg, "...", ...); */
enum result result_error(struct result_msg *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
