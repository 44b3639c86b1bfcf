/*
 * Finding what nabla-pack baked in: the PT_LOAD at NABLA_PAYLOAD_BASE in our
 * own program headers. Its contents were checked at pack time; here they are
 * checked again (payload_format.c, shared with nabla-pack), so that a
 * damaged file fails with a message instead of a fault.
 */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "stub.h"

const struct nabla_payload *payload_find(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    const struct nabla_payload *p = NULL;
    uint64_t payload_size = 0;
    struct result_msg why;

    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr == NABLA_PAYLOAD_BASE &&
            ph[i].p_filesz > NABLA_PAYLOAD_HEADER_OFFSET) {
            p = (const struct nabla_payload *)(NABLA_PAYLOAD_BASE +
                                               NABLA_PAYLOAD_HEADER_OFFSET);
            payload_size = ph[i].p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
        }
    }
    if (p == NULL)
        stub_die("no unikernel in this file: this is the bare nabla stub; "
                 "use nabla-pack to make a runnable unikernel");
    enum result rc = payload_check(p, payload_size, &why);
    if (rc == RESULT_OTHER_VERSION)
        stub_die("%s", why.text);
    if (rc != RESULT_OK)
        stub_die("damaged executable: %s", why.text);
    return p;
}
