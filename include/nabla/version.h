#ifndef NABLA_VERSION_H
#define NABLA_VERSION_H
#define NABLA_VERSION "0.1.0"
#endif
