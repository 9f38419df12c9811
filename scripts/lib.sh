# shellcheck shell=bash
# Shell helpers shared by ./dev and scripts/pgcluster. Source this file; don't run it.

# Progress and error messages go to stderr, so that stdout stays clean for output meant to be
# read by programs (e.g. `scripts/pgcluster env`).
# runuser, localedef and friends live in sbin directories that a minimal PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "this step needs root: run as root, or install sudo and give $(id -un) sudo rights (command: $*)"
	fi
}

# The directory holding the PostgreSQL 15 server binaries (initdb, pg_ctl, postgres, psql).
# Debian puts them in /usr/lib/postgresql/15/bin; `pg_config --bindir` may name /usr/bin, which
# only has wrappers. PARASOL_PG_BINDIR overrides the search.
pg_bindir() {
	local d cands=()
	[ -n "${PARASOL_PG_BINDIR:-}" ] && cands+=("$PARASOL_PG_BINDIR")
	cands+=(/usr/lib/postgresql/15/bin)
	if command -v pg_config >/dev/null 2>&1; then
		cands+=("$(pg_config --bindir 2>/dev/null || true)")
	fi
	for d in "${cands[@]}"; do
		if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	# Another major version, newest first (works, but parasol targets 15).
	for d in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -rV); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}
