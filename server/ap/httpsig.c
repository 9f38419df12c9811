/* httpsig.c - placeholder until written. */
#include "ap/httpsig.h"
