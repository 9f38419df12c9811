/* blocks.h - placeholder until written. */
#ifndef PARASOL_DB_BLOCKS_H
#define PARASOL_DB_BLOCKS_H
#endif
