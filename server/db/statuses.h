/* statuses.h - placeholder until written. */
#ifndef PARASOL_DB_STATUSES_H
#define PARASOL_DB_STATUSES_H
#endif
