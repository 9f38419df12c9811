/* sanitize.c - placeholder until written. */
#include "util/sanitize.h"
