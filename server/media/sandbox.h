/* sandbox.h - the seccomp filter of the parasol-image program (media/image_main.c): once
 * libvips is started (its modules loaded, its settings read) and before the first byte of an
 * image is read, the process gives up every system call a decoder doesn't need. What remains
 * is reading and writing descriptors it already holds (its socket), memory (never executable),
 * threads, signals to itself, clocks and randomness. Anything else — opening or creating a
 * file, a socket or a connection, exec, fork, ptrace, changing identity or limits — kills the
 * process with SIGSYS at once, which the server treats as a crash (a 500, nothing kept).
 * Linked only into parasol-image and its tests, never into the server. */
#ifndef PARASOL_MEDIA_SANDBOX_H
#define PARASOL_MEDIA_SANDBOX_H

struct err;

/* Installs the filter for this process and every thread it makes later (NO_NEW_PRIVS must
 * be set already). Irrevocable. 0, or -1 + err (ERR_INTERNAL) when the kernel or libseccomp
 * refused it: the caller must then not go on to decode. */
int sandbox_enter(struct err *err);

#endif
