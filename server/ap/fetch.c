/* fetch.c - placeholder until written. */
#include "ap/fetch.h"
