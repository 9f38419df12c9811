/* follow.h - placeholder until written. */
#ifndef PARASOL_CORE_FOLLOW_H
#define PARASOL_CORE_FOLLOW_H
#endif
