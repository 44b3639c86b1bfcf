/* ctype.h of nabla's guest libc: the "C" locale, ASCII only. */
#ifndef NABLA_LIBC_CTYPE_H
#define NABLA_LIBC_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isdigit(int c);
int isxdigit(int c);
int islower(int c);
int isupper(int c);
int isspace(int c);
int isprint(int c);
int ispunct(int c);
int iscntrl(int c);
int isgraph(int c);
int tolower(int c);
int toupper(int c);

#endif
