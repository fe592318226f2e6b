# slides.mk - the lecture decks and the trace-chart tool. (GNU Make)
#
# Included by the top Makefile, which provides BUILD, Q, CC, CFLAGS,
# LDFLAGS, LDLIBS, CHECK_LIBS, COMMON_LIB and the rule that compiles
# $(BUILD)/%.o from %.c.
#
#   make deps-slides   install Marp CLI from slides/package-lock.json (npm ci)
#   make slides        each deck to build/slides/NN-*.html, one self-contained
#                      file with its pictures inside; a PDF of each as well
#                      when Debian's Chromium is installed (CHROME_PATH), with
#                      its speaker notes in NN-*.notes.txt
#   make trace-chart   run lab 04's tcp_server and tcp_client, traced, and draw
#                      build/slides/trace-chart.svg; MODE=echo|halfclose|abort|oob,
#                      CHART_FLAGS=-c for the compact chart the slides use;
#                      IMPL=labs draws your own programs (the default is the
#                      reference when the kit has it, your programs otherwise);
#                      CAPTURE=DIR draws the captured segments of a run that
#                      `make wire WIRE_KEEP=DIR` kept (tools/wire/wire.mk)
#   make test-slides   every deck builds, every picture exists, the trace-chart
#                      unit tests pass and its SVG is well-formed, and (with
#                      Chromium) no slide overflows 1280x720
#   make trace-chart-samples   re-record the traces in tools/trace-chart/testdata
#                      and the charts in slides/img/trace from a real run
#
# `make slides` runs `npm ci` first when slides/node_modules is missing or
# older than the lock file, so a fresh clone needs no extra step.

.PHONY: deps-slides slides slides-html trace-chart trace-chart-samples test-slides

SLIDES_DIR   := slides
SLIDES_OUT   := build/slides
SLIDES_DECKS := $(sort $(wildcard $(SLIDES_DIR)/[0-9][0-9]-*.md))
SLIDES_HTML  := $(patsubst $(SLIDES_DIR)/%.md,$(SLIDES_OUT)/%.html,$(SLIDES_DECKS))
SLIDES_PDF   := $(SLIDES_HTML:.html=.pdf)
SLIDES_NOTES := $(SLIDES_HTML:.html=.notes.txt)
# npm ci writes this file last: its date says when the install finished.
SLIDES_NPM   := $(SLIDES_DIR)/node_modules/.package-lock.json
MARP         := $(SLIDES_DIR)/node_modules/.bin/marp
CHROME_PATH  ?= /usr/bin/chromium
SLIDES_CHROME := $(wildcard $(CHROME_PATH))
# What a deck's HTML depends on besides its Markdown: the build's own code,
# the theme, every picture (fresh bench plots win over committed ones), and
# the bench run whose numbers deck 05 states (scripts/bench-data.mjs).
SLIDES_INPUTS := $(SLIDES_DIR)/marp.config.mjs $(SLIDES_DIR)/scripts/images.mjs \
                 $(SLIDES_DIR)/scripts/bench-data.mjs \
                 $(wildcard $(SLIDES_DIR)/theme/*.css $(SLIDES_DIR)/img/*.svg \
                            $(SLIDES_DIR)/img/*/*.svg build/bench/*.svg \
                            $(SLIDES_DIR)/img/bench/results.csv $(SLIDES_DIR)/img/bench/run.json \
                            build/bench/results.csv build/bench/run.json)

# ---- dependencies ----------------------------------------------------------
$(SLIDES_NPM): $(SLIDES_DIR)/package.json $(SLIDES_DIR)/package-lock.json
	@tools/deps.sh slides
	@echo "  NPM     npm ci in $(SLIDES_DIR)/ (from package-lock.json)"
	$(Q)cd $(SLIDES_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps-slides: $(SLIDES_NPM)
	@echo "deps-slides: Marp CLI $$(cd $(SLIDES_DIR) && node_modules/.bin/marp --version | head -n 1) is installed in $(SLIDES_DIR)/node_modules"

# ---- decks -----------------------------------------------------------------
# Marp's INFO lines are shown only when it fails; "slides:" lines (a fresh
# plot was used) always.
$(SLIDES_OUT)/%.html: $(SLIDES_DIR)/%.md $(SLIDES_INPUTS) $(SLIDES_NPM)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MARP    $@")
	$(Q)log=$$($(MARP) --config-file $(SLIDES_DIR)/marp.config.mjs --output $@ $< 2>&1) || \
	    { echo "$$log" >&2; rm -f $@; exit 1; }; echo "$$log" | grep '^slides:' || true

# Chromium prints the PDF. Marp leaves Chromium's profile in $TMPDIR, so it
# gets a private one under build/ that goes away afterwards, on every path.
# The speaker notes are not in the PDF (as annotations they put a yellow note
# icon on every slide that has notes, in front of the room): they go to
# NN-*.notes.txt beside it, one block per slide.
$(SLIDES_OUT)/%.pdf: $(SLIDES_DIR)/%.md $(SLIDES_INPUTS) $(SLIDES_NPM)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  PDF     $@")
	$(Q)tmp=$$(mktemp -d "$(CURDIR)/$(SLIDES_OUT)/.chromium-XXXXXX") && \
	    log=$$(TMPDIR=$$tmp CHROME_PATH=$(CHROME_PATH) $(MARP) --config-file \
	        $(SLIDES_DIR)/marp.config.mjs --pdf --output $@ $< 2>&1); \
	    status=$$?; rm -rf "$$tmp"; \
	    if [ $$status -ne 0 ]; then echo "$$log" >&2; rm -f $@; exit 1; fi

$(SLIDES_OUT)/%.notes.txt: $(SLIDES_DIR)/%.md $(SLIDES_INPUTS) $(SLIDES_NPM)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  NOTES   $@")
	$(Q)log=$$($(MARP) --config-file $(SLIDES_DIR)/marp.config.mjs --notes --output $@ $< 2>&1) || \
	    { echo "$$log" >&2; rm -f $@; exit 1; }

slides-html: $(SLIDES_HTML)

slides: $(SLIDES_HTML) $(if $(SLIDES_CHROME),$(SLIDES_PDF) $(SLIDES_NOTES))
	@echo "slides: $(words $(SLIDES_HTML)) decks in $(SLIDES_OUT)/ as HTML$(if $(SLIDES_CHROME), and PDF (speaker notes in NN-*.notes.txt))"
	$(if $(SLIDES_CHROME),,@echo "slides: SKIP PDF: no Chromium at $(CHROME_PATH) (apt-get install chromium, or set CHROME_PATH)")

# ---- the trace-chart tool --------------------------------------------------
TRACE_CHART_DIR  := tools/trace-chart
TRACE_CHART_LIB  := $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/trace_chart.c tools/trace-chart/test_%.c,\
                        $(wildcard $(TRACE_CHART_DIR)/*.c)))
TRACE_CHART      := $(BUILD)/$(TRACE_CHART_DIR)/trace_chart
TRACE_CHART_TEST := $(BUILD)/$(TRACE_CHART_DIR)/test_trace_chart
# Whose programs are drawn: IMPL=labs|solutions when given, else the reference
# when this kit has it (SHOW_IMPL, in the Makefile: make wire chooses alike).
TRACE_CHART_IMPL := $(SHOW_IMPL)
TRACE_CHART_LAB  := $(TRACE_CHART_IMPL)/04-tcp-lifecycle
TRACE_CHART_PROGRAMS := $(BUILD)/$(TRACE_CHART_LAB)/tcp_server $(BUILD)/$(TRACE_CHART_LAB)/tcp_client
# The runs kept as test data and drawn in the slides (slides/img/trace/MODE.svg).
TRACE_CHART_MODES := echo halfclose abort
MODE ?= echo

$(TRACE_CHART): $(BUILD)/$(TRACE_CHART_DIR)/trace_chart.o $(TRACE_CHART_LIB) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The unit tests: the runner (test_trace_chart.c) and the parts it runs.
TRACE_CHART_TEST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(TRACE_CHART_DIR)/test_*.c))
$(TRACE_CHART_TEST): $(TRACE_CHART_TEST_OBJS) $(TRACE_CHART_LIB) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

# Lab 04's programs come from its own rules; check first that the lab is here.
trace-chart-programs:
	@if [ ! -d $(TRACE_CHART_LAB) ]; then \
	    echo "trace-chart: $(TRACE_CHART_LAB) is not in this tree; its tcp_server and tcp_client are needed" >&2; \
	    exit 1; fi
	@$(MAKE) -s --no-print-directory $(TRACE_CHART_PROGRAMS)
.PHONY: trace-chart-programs

# CAPTURE=DIR (a run kept by make wire WIRE_KEEP=DIR): draw the segments
# that were captured instead of arrows inferred from the calls (tools/wire).
trace-chart: $(TRACE_CHART) trace-chart-programs
ifdef CAPTURE
	@$(MAKE) -s --no-print-directory wire-programs
	@mkdir -p $(SLIDES_OUT)
	@$(WIRE_VIEW) $(if $(findstring -c,$(CHART_FLAGS)),-c) -t "lab 04: the segments on the wire, captured" \
	    -s $(SLIDES_OUT)/trace-chart.svg $(CAPTURE)/client.jsonl $(CAPTURE)/server.jsonl $(CAPTURE)/capture.wire
	@echo "trace-chart: wrote $(SLIDES_OUT)/trace-chart.svg from the capture in $(CAPTURE) (open it in a browser)"
else
	@CHART_FLAGS='$(CHART_FLAGS)' IMPL=$(TRACE_CHART_IMPL) $(TRACE_CHART_DIR)/run_demo.sh $(BUILD) $(MODE) $(SLIDES_OUT)/trace-chart.svg
endif

trace-chart-samples: $(TRACE_CHART) trace-chart-programs
	@for mode in $(TRACE_CHART_MODES); do \
	    IPC_TRACE=off IMPL=$(TRACE_CHART_IMPL) $(TRACE_CHART_DIR)/run_demo.sh $(BUILD) $$mode $(SLIDES_OUT)/trace-$$mode.svg \
	        $(TRACE_CHART_DIR)/testdata || exit 1; \
	    $(TRACE_CHART) -c -t '' -o $(SLIDES_DIR)/img/trace/$$mode.svg \
	        $(TRACE_CHART_DIR)/testdata/$$mode-client.jsonl \
	        $(TRACE_CHART_DIR)/testdata/$$mode-server.jsonl || exit 1; \
	    echo "trace-chart-samples: $(SLIDES_DIR)/img/trace/$$mode.svg"; \
	done

# ---- tests -----------------------------------------------------------------
# The script builds the decks itself, into build/slides/test/html (so that
# `make -j slides test-slides` never writes one file twice at once), and a
# deck that fails to build is one FAILed check in the summary, not a stop.
# A short fresh bench run checks deck 05 too (the reference's bench, when
# the kit has it).
TEST_SLIDES_BENCH := $(if $(wildcard solutions/05-compare),$(BUILD)/solutions/05-compare/bench)
test-slides: $(TRACE_CHART) $(TRACE_CHART_TEST) $(TEST_SLIDES_BENCH) $(BUILD)/tools/wire/wire_view \
             $(SLIDES_NPM)
	@MAKE='$(MAKE)' BUILD=$(BUILD) CHROME_PATH=$(CHROME_PATH) \
	    TRACE_CHART_MODES='$(TRACE_CHART_MODES)' $(SLIDES_DIR)/scripts/test-slides.sh
