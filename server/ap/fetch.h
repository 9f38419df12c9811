/* fetch.h - placeholder until written. */
#ifndef PARASOL_AP_FETCH_H
#define PARASOL_AP_FETCH_H
#endif
