/* timeline.c - placeholder until written. */
#include "core/timeline.h"
