/* text.h - placeholder until written. */
#ifndef PARASOL_CORE_TEXT_H
#define PARASOL_CORE_TEXT_H
#endif
