/* status.c - placeholder until written. */
#include "core/status.h"
