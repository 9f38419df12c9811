/* notification.h - placeholder until written. */
#ifndef PARASOL_CORE_NOTIFICATION_H
#define PARASOL_CORE_NOTIFICATION_H
#endif
