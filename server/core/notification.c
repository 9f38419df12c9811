/* notification.c - placeholder until written. */
#include "core/notification.h"
