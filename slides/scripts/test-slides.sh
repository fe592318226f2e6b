#!/usr/bin/env bash
# test-slides.sh - the checks behind `make test-slides` (see slides/slides.mk).
#
# Each check prints PASS, FAIL or SKIP with what it checked; the last line is
# "test-slides: N passed, N failed, N skipped", and the exit status is 0
# only when nothing failed. A check that cannot run here (no Chromium)
# is skipped visibly, never passed silently.
#
# Environment (set by slides.mk): MAKE, BUILD (e.g. build/plain),
# CHROME_PATH, TRACE_CHART_MODES (the recorded runs in tools/trace-chart/testdata).
set -uo pipefail

: "${MAKE:=make}" "${BUILD:=build/plain}" "${CHROME_PATH:=/usr/bin/chromium}"
: "${TRACE_CHART_MODES:=echo halfclose abort}"
slides=slides
work=build/slides/test
out=$work/html # the decks, built by this test (make-managed, kept between runs)
charts=$work/charts
tool_dir=tools/trace-chart
chart=$BUILD/$tool_dir/trace_chart
unit_tests=$BUILD/$tool_dir/test_trace_chart
passed=0 failed=0 skipped=0

pass() {
    echo "PASS $*"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}
skip() {
    echo "SKIP $*"
    skipped=$((skipped + 1))
}
# check DESCRIPTION COMMAND...: runs the command, shows its output on failure.
check() {
    local what=$1 log
    shift
    if log=$("$@" 2>&1); then
        pass "$what"
    else
        fail "$what"
        printf '%s\n' "$log" | sed 's/^/    /'
    fi
}
# Well-formed XML: xmllint when installed, else the tool's own checker.
xml_ok() {
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$@"
    else
        "$unit_tests" --xml "$@"
    fi
}

echo "== test-slides =="
rm -rf "$charts"
mkdir -p "$charts"
decks=("$slides"/[0-9][0-9]-*.md)
htmls=()
for deck in "${decks[@]}"; do
    htmls+=("$out/$(basename "${deck%.md}").html")
done

# 1. Every deck builds, to one self-contained HTML file.
check "every deck builds to HTML (${#decks[@]} decks)" \
    "$MAKE" --no-print-directory SLIDES_OUT="$out" slides-html
self_contained() {
    local html bad=0
    for html in "${htmls[@]}"; do
        [ -s "$html" ] || { echo "$html is missing"; bad=1; continue; }
        # A picture left as a path would need the slides/ folder next to the HTML.
        if grep -Eq '(src="|url\(&quot;|url\()img/' "$html"; then
            echo "$html still refers to img/ files"
            bad=1
        fi
    done
    return $bad
}
check "each deck's HTML has its pictures inside" self_contained

# 2. Every picture a deck names exists, and every committed picture is well-formed SVG.
check "every picture the decks name exists" node "$slides/scripts/check-images.mjs" "${decks[@]}"
check "every picture in $slides/img is well-formed SVG" xml_ok "$slides"/img/*.svg "$slides"/img/*/*.svg

# 2b. Deck 05's numbers and claims are computed from the run its plots come
# from, when the deck is built (scripts/bench-data.mjs): checked against the
# hand-written figures.txt for the committed run, and each claim against
# changed data (it must follow the data, whichever way it goes).
bench_img=$slides/img/bench
# fill_decks DIR OUT: every deck that quotes a bench run ({{...}}), filled in
# from the run in DIR, one after the other in OUT.
fill_decks() {
    local deck
    : >"$2"
    for deck in "${decks[@]}"; do
        grep -q '{{' "$deck" || continue
        node "$slides/scripts/bench-data.mjs" --dir "$1" --fill "$deck" >>"$2" || return 1
    done
}
check "decks 00, 01 and 05, filled in from the committed bench run, state its numbers ($bench_img/results.csv)" \
    bash -c "$(declare -f fill_decks); decks=(${decks[*]}); slides='$slides'
             fill_decks '$bench_img' '$charts/committed.md' &&
             node '$slides/scripts/check-bench-figures.mjs' '$charts/committed.md' \
                 '$bench_img/results.csv' '$bench_img/figures.txt'"
check "deck 05's claims follow the data (pipe falls or stays, ring cheapest or not, missing numbers left out)" \
    node "$slides/scripts/test-bench-data.mjs"
plots_from_committed_run() {
    local plot bad=0
    command -v gnuplot >/dev/null 2>&1 || { echo "not run: install gnuplot (make deps)"; return 1; }
    mkdir -p "$charts/bench"
    cp "$bench_img/results.csv" "$charts/bench/results.csv"
    gnuplot -e "dir='$charts/bench'" labs/05-compare/plots.gp 2>&1 | grep -v 'no valid points'
    for plot in throughput rtt cpu; do
        if ! cmp -s "$charts/bench/$plot.svg" "$bench_img/$plot.svg"; then
            echo "$bench_img/$plot.svg is not what plots.gp draws from $bench_img/results.csv:"
            echo "commit the plots and the results.csv of one run (build/bench/)"
            bad=1
        fi
    done
    return $bad
}
check "deck 05's plots are drawn from the committed bench run" plots_from_committed_run

# 2c. A fresh bench run (short: 100 messages, one trial, four sizes): deck 05
# built from it states its numbers and names it in the footer, as a
# presenter's `make bench && make slides` would show.
fresh=$work/bench-fresh
bench=$BUILD/solutions/05-compare/bench
fresh_ready=0
if [ -x "$bench" ]; then
    rm -rf "$fresh"
    mkdir -p "$fresh"
    if "$bench" -s 64,4K,64K,1M -n 100 -t 1 -o "$fresh" >"$fresh/bench.log" 2>&1 &&
        tools/bench-run-info.sh "$fresh" "bench -s 64,4K,64K,1M -n 100 -t 1 (make test-slides)" &&
        { ! command -v gnuplot >/dev/null 2>&1 ||
            gnuplot -e "dir='$fresh'" labs/05-compare/plots.gp >>"$fresh/bench.log" 2>&1; }; then
        fresh_ready=1
    fi
fi
fresh_deck() {
    [ "$fresh_ready" = 1 ] || { echo "the short bench run failed: $fresh/bench.log"; return 1; }
    fill_decks "$fresh" "$charts/fresh.md" &&
        node "$slides/scripts/check-bench-figures.mjs" --any-placement "$charts/fresh.md" \
            "$fresh/results.csv" "$bench_img/figures.txt" || return 1
    IPCKIT_BENCH_DIR=$fresh "$MAKE" --no-print-directory SLIDES_OUT="$work/fresh" \
        "$work/fresh/05-comparison.html" >/dev/null || return 1
    if grep -q '{{' "$work/fresh/05-comparison.html"; then
        echo "$work/fresh/05-comparison.html has a placeholder left"
        return 1
    fi
    if ! grep -q 'fresh run: ' "$work/fresh/05-comparison.html"; then
        echo "$work/fresh/05-comparison.html does not say it shows the fresh run"
        return 1
    fi
    # Its plots are that run's too: the picture inside is the one drawn from it.
    local plot
    for plot in throughput rtt cpu; do
        [ -s "$fresh/$plot.svg" ] || continue
        if ! grep -q "$(base64 -w0 "$fresh/$plot.svg" | head -c 200)" "$work/fresh/05-comparison.html"; then
            echo "$work/fresh/05-comparison.html does not show $fresh/$plot.svg"
            return 1
        fi
    done
}
if [ -x "$bench" ]; then
    check "decks 00, 01 and 05 filled in from a fresh bench run state its numbers; deck 05 built from it names it" fresh_deck
else
    skip "deck 05 from a fresh bench run: $bench is not built (no solutions/ in this kit)"
fi

# 2d. Deck 04's lost-FIN slide quotes a capture: its table and its claims
# (how often the FIN was lost, how long the kernel waited) are checked
# against what wire_view prints for that capture.
wire_view=$BUILD/tools/wire/wire_view
loss=tools/wire/testdata/loss
lost_fin_slide() {
    "$wire_view" "$loss/client.jsonl" "$loss/server.jsonl" "$loss/capture.wire" \
        >"$charts/loss-timeline.txt" &&
        node "$slides/scripts/check-wire-slide.mjs" "$slides/04-tcp.md" "$charts/loss-timeline.txt"
}
check "deck 04's lost-FIN slide says what its capture ($loss) shows" lost_fin_slide

# 2e. The back row can read them: text of 18 px and more on a 1280x720 slide,
# contrast 4.5:1 and more, computed from each SVG at the size its deck shows it.
if command -v python3 >/dev/null 2>&1; then
    check "every picture the decks show has text >= 18 px at 1280x720 and contrast >= 4.5:1" \
        python3 "$slides/scripts/check-legibility.py" "${decks[@]}"
else
    fail "legibility of the pictures: not run: install python3 (make deps DEPS_FOR=test)"
fi

# 3. The trace-chart tool: unit tests on small traces, then real recorded runs.
check "trace-chart unit tests" "$unit_tests"
charts_from_recorded_runs() {
    local mode client server bad=0
    for mode in $TRACE_CHART_MODES; do
        client=$tool_dir/testdata/$mode-client.jsonl
        server=$tool_dir/testdata/$mode-server.jsonl
        "$chart" --check "$client" "$server" || bad=1 # no arrow back in time
        "$chart" -o "$charts/$mode.svg" "$client" "$server" || { bad=1; continue; }
        xml_ok "$charts/$mode.svg" || bad=1
        "$chart" -c -t '' -o "$charts/$mode-compact.svg" "$client" "$server" || { bad=1; continue; }
        xml_ok "$charts/$mode-compact.svg" || bad=1
        # The slides embed charts made by this tool from these very traces.
        if ! cmp -s "$charts/$mode-compact.svg" "$slides/img/trace/$mode.svg"; then
            echo "$slides/img/trace/$mode.svg differs from what trace_chart draws now:"
            echo "run 'make trace-chart-samples' (or copy $charts/$mode-compact.svg there)"
            bad=1
        fi
    done
    return $bad
}
check "trace_chart draws well-formed SVG from lab 04's recorded runs ($TRACE_CHART_MODES), as the slides show them, no arrow back in time" \
    charts_from_recorded_runs

# 4. Nothing overflows a 1280x720 slide: needs a browser to lay the slides out.
if [ -x "$CHROME_PATH" ]; then
    export CHROME_PATH
    # Two slides are kept as pictures for a person to look at (build/test/).
    check "no slide overflows 1280x720 (headless Chromium; pictures of three slides in build/test/)" \
        node "$slides/scripts/check-overflow.mjs" --screenshots build/test \
        --shot 04-tcp:23 --shot 05-comparison:4 --shot 05-comparison:8 "${htmls[@]}"
    if [ -s "$work/fresh/05-comparison.html" ]; then
        check "deck 05 from the fresh run fits too (its conclusions in build/test/fresh-bench/)" \
            node "$slides/scripts/check-overflow.mjs" --screenshots build/test/fresh-bench \
            --shot 05-comparison:4 --shot 05-comparison:8 "$work/fresh/05-comparison.html"
    fi
    # The check must be able to fail: a deck built to overflow must be caught.
    check "the overflow check catches a deck that overflows" \
        bash -c "'$MAKE' --no-print-directory SLIDES_OUT='$out' '$out/test/overflow.html' >/dev/null &&
                 node '$slides/scripts/check-overflow.mjs' --expect-overflow '$out/test/overflow.html'"
else
    skip "no slide overflows 1280x720: no Chromium at $CHROME_PATH (apt-get install chromium)"
fi

echo "test-slides: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
