# lib.sh - what the instructor-tooling tests share (sourced, not run).
#
#   check DESCRIPTION COMMAND...   one assertion: prints "ok" or "FAIL", counts it
#   summary                        prints "N passed, M failed"; true when none failed
#   lab_score RESULTS_JSON LAB     the sum of that lab's tests' scores in a results.json
#   total_score RESULTS_JSON       its top-level score
#   lab_points BINARY...           every point a lab's test binaries declare (--list)
#   built_template TOP DEST [LAB]  a pristine grading kit (hidden tests too) in
#                                  DEST, built from make test's own build

passed=0
failed=0

check() {
    local what=$1
    shift
    if "$@"; then
        echo "  ok    $what"
        passed=$((passed + 1))
    else
        echo "  FAIL  $what"
        failed=$((failed + 1))
    fi
}

summary() {
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

lab_score() {
    grep "\"name\": \"lab $2: " "$1" 2>/dev/null | awk -F'"score": |, "max_score"' '{ s += $2 } END { print s + 0 }'
}

total_score() {
    sed -n 's/^  "score": \([0-9]*\),$/\1/p' "$1"
}

lab_points() {
    local bin
    for bin in "$@"; do "$bin" --list; done | awk -F'\t' '{ s += $2 } END { print s + 0 }'
}

# csv_imports CSV: true when CSV is a gradebook file that Canvas's and
# Moodle's CSV grade imports take as it is, parsed the way they parse it
# (RFC 4180: commas, fields quoted with "" for a quote); says why not:
#   - UTF-8, LF line ends, no space at the end of a line or either end of a field;
#   - a header of unique names, none ending in ")" (Canvas reads "Name (12)"
#     as assignment 12), every row as many fields as the header;
#   - every row is a student (Moodle maps each row to a user and stops the
#     whole import at one it cannot map, such as a row of maxima);
#   - each column LAB has a column "LAB max": whole numbers, LAB <= LAB max;
#     total is the sum of the labs, "total max" the sum of the maxima.
csv_imports() {
    local csv=$1
    iconv -f UTF-8 -t UTF-8 "$csv" >/dev/null 2>&1 || { echo "    $csv is not UTF-8"; return 1; }
    ! grep -q $'\r' "$csv" || { echo "    $csv has CR line ends"; return 1; }
    ! grep -qE '[[:space:]]$' "$csv" || { echo "    $csv has a line ending in a space"; return 1; }
    awk '
        function fields(line, f,    n, i, c, quoted, cur) {
            n = 0; cur = ""; quoted = 0
            for (i = 1; i <= length(line); i++) {
                c = substr(line, i, 1)
                if (quoted) {
                    if (c != "\"") cur = cur c
                    else if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
                    else quoted = 0
                } else if (c == "\"" && cur == "") quoted = 1
                else if (c == ",") { f[++n] = cur; cur = "" }
                else cur = cur c
            }
            if (quoted) return -1
            f[++n] = cur
            return n
        }
        function bad(why) { printf "    line %d: %s\n", NR, why; failed = 1 }
        function whole(v) { return v ~ /^[0-9]+$/ }
        NR == 1 {
            width = fields($0, head)
            for (i = 1; i <= width; i++) {
                if (head[i] == "" || head[i] ~ /^ | $/) bad("header field " i " is empty or padded")
                if (head[i] ~ /\)$/) bad("header \"" head[i] "\" ends in \")\"")
                if (head[i] in column) bad("header \"" head[i] "\" twice")
                column[head[i]] = i
            }
            if (!("total" in column) || !("total max" in column)) bad("no total and total max columns")
            next
        }
        {
            n = fields($0, f)
            if (n != width) { bad(n " fields, the header has " width); next }
            if (f[1] == "" || f[1] ~ /Points Possible/) bad("a row that is not a student")
            for (i = 1; i <= n; i++) if (f[i] ~ /^ | $/) bad("field " i " has spaces at an end")
            sum = 0; sum_max = 0
            for (name in column) {
                if (!((name " max") in column) || name == "total") continue
                v = f[column[name]]; m = f[column[name " max"]]
                if (!whole(v) || !whole(m) || v + 0 > m + 0) bad(name ": \"" v "\" of \"" m "\"")
                sum += v; sum_max += m
            }
            if (f[column["total"]] != sum) bad("total " f[column["total"]] " is not the labs sum " sum)
            if (f[column["total max"]] != sum_max) bad("total max " f[column["total max"]] " is not " sum_max)
            rows++
        }
        END { if (rows == 0) bad("no student"); exit failed }' "$csv"
}

# built_template TOP DEST [LAB]: a pristine kit with the hidden tests, as
# grade-batch and Gradescope start from, built for every lab (or LAB). The
# kit's own build of the skeletons (make test's build step made it, the
# hidden tests too) is the pristine kit's: copied with its times, so
# grade-prepare only builds what it lacks and records the sources. Building
# such a kit from nothing is proven once, by Gradescope's setup.sh
# (test_instructor.sh).
built_template() {
    local top=$1 dest=$2 lab=${3:-} variant part
    "$top/tools/instructor/kit-copy.sh" "$dest" --hidden || return
    for variant in plain san-thread; do
        for part in common labs tests hidden; do
            [ -d "$top/build/$variant/$part" ] || continue
            mkdir -p "$dest/build/$variant"
            cp -a "$top/build/$variant/$part" "$dest/build/$variant/"
        done
    done
    make -C "$dest" --no-print-directory -s -j2 DEPS_DONE=1 HIDDEN=1 LAB="$lab" grade-prepare >/dev/null
}
