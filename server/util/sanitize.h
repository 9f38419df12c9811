/* sanitize.h - placeholder until written. */
#ifndef PARASOL_UTIL_SANITIZE_H
#define PARASOL_UTIL_SANITIZE_H
#endif
