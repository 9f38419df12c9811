/* notifications.h - placeholder until written. */
#ifndef PARASOL_DB_NOTIFICATIONS_H
#define PARASOL_DB_NOTIFICATIONS_H
#endif
