"""Runs every libFuzzer target of tests/fuzz/ for a few seconds (PARASOL_FUZZ_SECONDS, 3 by
default), starting from its committed corpus (tests/fuzz/corpus/NAME/, every file of which is
run first: a crash once found and fixed stays a test). One TAP result per target: it fails on
a crash, a leak, a sanitizer report or a broken promise (FUZZ_ASSERT), and shows the input.

The targets are built with clang in build-fuzz/ (./dev test and ./dev fuzz do it) and found
through PARASOL_FUZZ_BUILD; without it every result fails, saying so (a test that can't run is
not a test that passed). New inputs the runs find go to a scratch directory, never into the
source tree; `./dev fuzz SECONDS` runs longer and keeps them in var/fuzz/."""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["httpsig", "body", "sanitize", "tmpl", "activity", "config", "imghead", "csv"]
# more seeds, read from the test fixtures as they are
FIXTURES = {"sanitize": os.path.join(HERE, "..", "fixtures", "sanitize"),
            "tmpl": os.path.join(HERE, "..", "..", "templates"),
            "imghead": os.path.join(HERE, "..", "fixtures", "images")}


def main():
    build = os.environ.get("PARASOL_FUZZ_BUILD")
    seconds = int(os.environ.get("PARASOL_FUZZ_SECONDS", "3"))
    print("1..%d" % len(TARGETS))
    failed = 0
    for i, name in enumerate(TARGETS, 1):
        what = "fuzz_%s runs %d s from its corpus without a crash" % (name, seconds)
        binary = os.path.join(build or "", "tests", "fuzz", "fuzz_" + name)
        if not build or not os.access(binary, os.X_OK):
            print("not ok %d - %s" % (i, what))
            print("# %s is not built: run ./dev test (or ./dev fuzz 0), which builds "
                  "build-fuzz/ and sets PARASOL_FUZZ_BUILD" % binary)
            failed += 1
            continue
        seeds = os.path.join(HERE, "corpus", name)
        with tempfile.TemporaryDirectory(prefix="fuzz-%s-" % name) as scratch:
            work = os.path.join(scratch, "corpus")
            shutil.copytree(seeds, work)
            cmd = [binary, "-max_total_time=%d" % seconds, "-timeout=10", "-rss_limit_mb=1024",
                   "-artifact_prefix=%s/" % scratch, "-print_final_stats=1", work]
            if name in FIXTURES:
                cmd.append(FIXTURES[name])
            r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
            crashes = [f for f in os.listdir(scratch) if f != "corpus"]
        if r.returncode == 0 and not crashes:
            print("ok %d - %s" % (i, what))
            stats = [ln for ln in r.stderr.splitlines() if ln.startswith("stat::number_of_executed_units")]
            for ln in stats:
                print("# " + ln)
            continue
        failed += 1
        print("not ok %d - %s" % (i, what))
        for line in (r.stderr or "").splitlines()[-60:]:
            print("# " + line)
        print("# to keep the input as a test once fixed: ./dev fuzz, then copy it from "
              "var/fuzz/crashes/ into tests/fuzz/corpus/%s/" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
