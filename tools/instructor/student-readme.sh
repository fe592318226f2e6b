#!/usr/bin/env bash
# student-readme.sh - print the student kit's README.md, made from the kit's own.
#
# usage: tools/instructor/student-readme.sh README.md > STUDENT_README.md
#
# One source, two readers, so the two can never drift apart. In README.md:
#   <!-- instructor-only -->  ...  <!-- /instructor-only -->
#       left out here (solutions, hidden tests, batch grading, Gradescope);
#   <!-- student-only  ...  -->
#       a comment there (unseen in the instructor's README), kept here;
# and the reference programs' paths (build/plain/solutions/) become the
# student's own (build/plain/labs/), the only programs the student kit has.
# The markers stand alone on their lines. Fails when they do not pair up.
set -euo pipefail

readme=${1:?usage: student-readme.sh README.md}
awk '
    function fail(why) { printf "student-readme.sh: %s:%d: %s\n", FILENAME, FNR, why > "/dev/stderr"; bad = 1; exit 1 }
    $0 == "<!-- instructor-only -->" { if (mode != "") fail("a part opened inside another"); mode = "instructor"; next }
    $0 == "<!-- /instructor-only -->" { if (mode != "instructor") fail("a close without its open"); mode = ""; next }
    $0 == "<!-- student-only" { if (mode != "") fail("a part opened inside another"); mode = "student"; next }
    $0 == "-->" && mode == "student" { mode = ""; next }
    mode == "instructor" { next }
    { gsub(/build\/plain\/solutions\//, "build/plain/labs/"); print }
    END { if (!bad && mode != "") { FNR = "end"; fail("a part is never closed") } }' "$readme"
