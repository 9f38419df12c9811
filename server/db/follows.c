/* follows.c - placeholder until written. */
#include "db/follows.h"
