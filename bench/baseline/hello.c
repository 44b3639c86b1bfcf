/* Baseline for start-up: a static musl program that prints one line. */
#include <stdio.h>

int main(void)
{
    puts("Hello, World");
    return 0;
}
