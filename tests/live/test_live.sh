#!/usr/bin/env bash
# test_live.sh - the live view, checked in headless Chromium during a real
# traced run of lab 04 (tests/live/check_live.mjs says what is checked).
#
# usage: tests/live/test_live.sh BUILD
# Needs Debian's chromium (CHROME_PATH) and Marp's node_modules in slides/
# (puppeteer-core). Pictures go to build/test/.
set -uo pipefail

build=${1:?usage: tests/live/test_live.sh BUILD}
chrome=${CHROME_PATH:-/usr/bin/chromium}
echo "== test-live: the live view, read from its DOM by headless Chromium =="
if [ ! -x "$chrome" ]; then
    echo "FAIL test-live: not run: no Chromium at $chrome (make deps DEPS_FOR=test)"
    exit 1
fi
CHROME_PATH=$chrome node tests/live/check_live.mjs "$build" build/test
