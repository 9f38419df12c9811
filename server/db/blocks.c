/* blocks.c - placeholder until written. */
#include "db/blocks.h"
