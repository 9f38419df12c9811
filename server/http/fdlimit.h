/* fdlimit.h - the process's file descriptor limit, and how many connections it can hold.
 * Every open connection is a descriptor; so are the database connections, outgoing requests,
 * log and static files. Debian starts a process with a soft limit of 1,024 and a hard one of
 * 524,288 (systemd: LimitNOFILE=), and any process may raise its soft limit up to the hard
 * one. */
#ifndef PARASOL_FDLIMIT_H
#define PARASOL_FDLIMIT_H

/* Raises the soft RLIMIT_NOFILE to need when it is lower and the hard limit allows (else to
 * the hard limit); returns the soft limit then in force (need, when there is no limit). */
long fdlimit_raise(long need);

/* The connection limit that fits in fds descriptors when reserve of them are for everything
 * else and each connection limit L needs L + fdlimit_slack(L) descriptors: want itself when
 * it fits, else the largest that does (at least 1). */
int fdlimit_connections(long fds, long reserve, int want);

/* Connections libmicrohttpd may hold beyond the limit: those shut down to make room and not
 * yet closed, and newcomers while no connection is idle (http/conntable.h). */
int fdlimit_slack(int limit);

#endif
