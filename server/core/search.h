/* search.h - placeholder until written. */
#ifndef PARASOL_CORE_SEARCH_H
#define PARASOL_CORE_SEARCH_H
#endif
