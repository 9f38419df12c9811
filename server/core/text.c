/* text.c - placeholder until written. */
#include "core/text.h"
