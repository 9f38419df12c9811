/* events.c - the listener of core events. */
#include "core/events.h"

#include <stddef.h>

static event_listener listener;

void
events_listen(event_listener fn)
{
	listener = fn;
}

int
events_emit(struct arena *a, const struct event *ev, struct err *err)
{
	return listener != NULL ? listener(a, ev, err) : 0;
}
