/* block.c - placeholder until written. */
#include "core/block.h"
