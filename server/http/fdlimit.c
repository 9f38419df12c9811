/* fdlimit.c - see fdlimit.h. */
#include "http/fdlimit.h"

#include <sys/resource.h>

long
fdlimit_raise(long need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return need;
	if (rl.rlim_cur == RLIM_INFINITY || (long)rl.rlim_cur >= need)
		return rl.rlim_cur == RLIM_INFINITY ? need : (long)rl.rlim_cur;
	rlim_t want = (rlim_t)need;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	struct rlimit raised = {.rlim_cur = want, .rlim_max = rl.rlim_max};
	if (want > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &raised) == 0)
		return (long)want;
	return (long)rl.rlim_cur;
}

int
fdlimit_slack(int limit)
{
	return limit / 8 + 16;
}

int
fdlimit_connections(long fds, long reserve, int want)
{
	if (want + (long)fdlimit_slack(want) + reserve <= fds)
		return want;
	/* down from what the descriptors would hold without a slack (a few thousand steps at
	 * most, once at start-up) */
	long l = fds - reserve < want ? fds - reserve : want;
	while (l > 1 && l + fdlimit_slack((int)l) + reserve > fds)
		l--;
	return l > 0 ? (int)l : 1;
}
