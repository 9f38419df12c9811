/* block.h - placeholder until written. */
#ifndef PARASOL_CORE_BLOCK_H
#define PARASOL_CORE_BLOCK_H
#endif
