/* timeline.h - placeholder until written. */
#ifndef PARASOL_CORE_TIMELINE_H
#define PARASOL_CORE_TIMELINE_H
#endif
