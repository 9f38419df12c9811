/* follow.c - placeholder until written. */
#include "core/follow.h"
