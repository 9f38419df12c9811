/* follows.h - placeholder until written. */
#ifndef PARASOL_DB_FOLLOWS_H
#define PARASOL_DB_FOLLOWS_H
#endif
