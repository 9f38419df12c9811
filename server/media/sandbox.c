/* sandbox.c - the decoder's seccomp filter (media/sandbox.h), built with libseccomp so that
 * the system call numbers, the architecture check and the BPF program come from one
 * maintained table instead of hand-written BPF.
 *
 * The allowlist is what `strace -f` showed parasol-image doing after convert_init while it
 * converted each fixture format (JPEG, PNG, WebP, GIF, HEIC), in the normal build and under
 * AddressSanitizer and UBSan, plus what glibc needs to start a thread and to abort. */
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "util/err.h"

/* Allowed with any arguments. Names not known on this architecture are skipped. */
static const char *const allowed[] = {
    /* the descriptors it holds: its socket (0 and 1), /dev/null (2) */
    "read", "write", "readv", "writev", "close", "lseek",
    /* memory; mmap and mprotect are added below, never executable */
    "brk", "munmap", "mremap", "madvise",
    /* threads (libvips starts its worker threads; glibc's locks) */
    "futex", "set_robust_list", "rseq", "gettid", "getpid", "sched_yield",
    "sched_getaffinity", "exit", "exit_group",
    /* signals to itself: masks, handlers, the return from one */
    "rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "sigaltstack",
    /* clocks and randomness */
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    "getrandom",
};

/* Adds rule for the system call name when this architecture has it. 0 or a negative errno. */
static int
add(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
    const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, n, args);
}

int
sandbox_enter(struct err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "seccomp_init failed");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof allowed / sizeof allowed[0]; i++)
		rc = add(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	/* Memory may be mapped and protected, never made executable: no new code. */
	const struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "mmap", 1, &no_exec);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "mprotect", 1, &no_exec);
	/* send() on its socket (imagewire.c: MSG_NOSIGNAL), never to an address of its own */
	const struct scmp_arg_cmp no_address = SCMP_A4(SCMP_CMP_EQ, 0, 0);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "sendto", 1, &no_address);
	/* A thread, never a new process: clone only with CLONE_THREAD. clone3 passes its flags
	 * in memory a filter can't read, so it fails with ENOSYS and glibc falls back to clone. */
	const struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "clone", 1, &thread);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	/* glib names its threads */
	const struct scmp_arg_cmp set_name = SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME, 0);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "prctl", 1, &set_name);
	/* abort() and raise(): a signal to its own threads only */
	const struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
	if (rc == 0)
		rc = add(ctx, SCMP_ACT_ALLOW, "tgkill", 1, &self);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return err_set(err, ERR_INTERNAL, NULL, "seccomp filter not installed: %s",
			       strerror(-rc));
	return 0;
}
