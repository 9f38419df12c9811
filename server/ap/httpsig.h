/* httpsig.h - placeholder until written. */
#ifndef PARASOL_AP_HTTPSIG_H
#define PARASOL_AP_HTTPSIG_H
#endif
