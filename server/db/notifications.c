/* notifications.c - placeholder until written. */
#include "db/notifications.h"
