/* statuses.c - placeholder until written. */
#include "db/statuses.h"
