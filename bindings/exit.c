/* Exit and abort: the only ways a guest ends. */
#include "bindings.h"
#include <string.h>
#include "sys.h"

void solo5_exit(int status)
{
    char line[64] = "nabla: solo5_exit(";
    size_t n = strlen(line);

    n += bindings_fmt_u64(line + n, (uint64_t)(status & 0xff), 10);
    memcpy(line + n, ") called", sizeof(") called"));
    bindings_log(line);
    for (;;)
        sys_call1(NABLA_NR_EXIT_GROUP, status & 0xff);
}

void solo5_abort(void)
{
    /* Printed even with --solo5:quiet: an abort must never be silent. */
    static const char msg[] = "nabla: solo5_abort() called: ABORT\n";
    solo5_console_write(msg, sizeof(msg) - 1);
    for (;;)
        sys_call1(NABLA_NR_EXIT_GROUP, SOLO5_EXIT_ABORT);
}
