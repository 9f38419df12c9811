/* status.h - placeholder until written. */
#ifndef PARASOL_CORE_STATUS_H
#define PARASOL_CORE_STATUS_H
#endif
