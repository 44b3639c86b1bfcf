/*
 * The memory of the relay: one anonymous mapping made before its filter is
 * loaded (the filter allows no mmap), carved into blocks of power-of-two
 * sizes with one free list per size. lwIP allocates its heap and pools here
 * (lwipopts.h: MEM_LIBC_MALLOC, MEMP_MEM_MALLOC), the relay its connection
 * and flow records. O(1) both ways; a freed block is reused for its size
 * only, which suits a few sizes used over and over (frames, segments,
 * control blocks). Pages are only touched as blocks are first used.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "relay.h"

/* Address space reserved for the arena (MAP_NORESERVE: only what is used
 * costs memory). */
#define ARENA_SIZE (256ull << 20)
/* Blocks of 32 bytes to 64 KiB, each with a 16-byte header in front. */
#define MIN_SHIFT 5
#define MAX_SHIFT 16
#define HEADER 16

struct block {
    union {
        struct block *next_free;
        unsigned shift;
    } u;
    uint64_t pad;
};
_Static_assert(sizeof(struct block) == HEADER, "arena block header");

static uint8_t *arena, *arena_next, *arena_end;
static struct block *free_list[MAX_SHIFT + 1];

void relay_arena_init(void)
{
    void *p = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        relay_fatal("cannot map %llu MiB for the relay's memory",
                    (unsigned long long)(ARENA_SIZE >> 20));
    arena = arena_next = p;
    arena_end = arena + ARENA_SIZE;
}

void *relay_arena_alloc(size_t size)
{
    unsigned shift = MIN_SHIFT;
    while (shift <= MAX_SHIFT && ((size_t)1 << shift) < size + HEADER)
        shift++;
    if (shift > MAX_SHIFT)
        return NULL;
    struct block *b = free_list[shift];
    if (b != NULL) {
        free_list[shift] = b->u.next_free;
    } else {
        size_t bytes = (size_t)1 << shift;
        if ((size_t)(arena_end - arena_next) < bytes)
            return NULL;
        b = (struct block *)arena_next;
        arena_next += bytes;
    }
    b->u.shift = shift;
    return (uint8_t *)b + HEADER;
}

void *relay_arena_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = relay_arena_alloc(n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void relay_arena_free(void *p)
{
    if (p == NULL)
        return;
    struct block *b = (struct block *)((uint8_t *)p - HEADER);
    unsigned shift = b->u.shift;
    if (shift < MIN_SHIFT || shift > MAX_SHIFT)
        relay_fatal("relay memory: freeing a damaged block");
    b->u.next_free = free_list[shift];
    free_list[shift] = b;
}
