/* search.c - placeholder until written. */
#include "core/search.h"
