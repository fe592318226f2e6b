# wire.mk - see the wire: lab 04's calls and the TCP segments they send. (GNU Make)
#
# Included by the top Makefile, which provides BUILD, Q, CC, CFLAGS, LDFLAGS,
# LDLIBS, COMMON_LIB and the rule that compiles $(BUILD)/%.o from %.c.
#
#   make wire MODE=echo|halfclose|oob|abort|poll [DELAY=50ms] [LOSS=5%] [IMPL=labs]
#                  run lab 04's tcp_server and tcp_client (IMPL=labs: yours) on two "hosts"
#                  (network namespaces joined through a third, the wire),
#                  capture every segment, print one timeline of calls and
#                  segments (as root; otherwise the calls only, on loopback)
#   make test-wire the segments TCP must send in each mode, retransmissions
#                  marked under loss, nothing left behind (needs root)
#
# WIRE_KEEP=DIR also keeps the traces and the capture there.

.PHONY: wire wire-programs test-wire

WIRE_DIR      := tools/wire
WIRE_LINK     := $(BUILD)/$(WIRE_DIR)/wire_link
WIRE_VIEW     := $(BUILD)/$(WIRE_DIR)/wire_view
WIRE_LIB      := $(BUILD)/$(WIRE_DIR)/segment.o $(BUILD)/$(WIRE_DIR)/timeline.o \
                 $(BUILD)/$(WIRE_DIR)/wire_check.o $(BUILD)/$(WIRE_DIR)/wire_chart.o
# Whose programs run: IMPL=labs your own, IMPL=solutions the reference; without
# IMPL the reference when the kit has it, yours otherwise (SHOW_IMPL, in the
# Makefile: make trace-chart chooses alike).
WIRE_IMPL     := $(SHOW_IMPL)
WIRE_LAB      := $(WIRE_IMPL)/04-tcp-lifecycle
WIRE_PROGRAMS := $(BUILD)/$(WIRE_LAB)/tcp_server $(BUILD)/$(WIRE_LAB)/tcp_client
MODE  ?= echo
DELAY ?=
LOSS  ?=

# The timeline reads traces with the common reader (common/trace_read.h).
$(WIRE_LINK): $(BUILD)/$(WIRE_DIR)/wire_link.o $(BUILD)/$(WIRE_DIR)/segment.o $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(WIRE_VIEW): $(BUILD)/$(WIRE_DIR)/wire_view.o $(WIRE_LIB) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lm -o $@

WIRE_UNITS := $(BUILD)/$(WIRE_DIR)/test_wire_units
$(BUILD)/$(WIRE_DIR)/test_wire_units.o: CFLAGS += $(CHECK_CFLAGS)
$(WIRE_UNITS): $(BUILD)/$(WIRE_DIR)/test_wire_units.o $(WIRE_LIB) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(CHECK_LIBS) $(LDLIBS) -lm -o $@

wire-programs:
	@if [ ! -d $(WIRE_LAB) ]; then \
	    echo "wire: $(WIRE_LAB) is not in this tree; its tcp_server and tcp_client are needed" >&2; \
	    exit 1; fi
	@$(MAKE) -s --no-print-directory $(WIRE_PROGRAMS) $(WIRE_LINK) $(WIRE_VIEW) $(WIRE_UNITS)

wire: DEPS_FOR := wire
wire: deps wire-programs
	@DELAY='$(DELAY)' LOSS='$(LOSS)' IMPL=$(WIRE_IMPL) $(WIRE_DIR)/run_wire.sh $(BUILD) $(MODE) $(WIRE_KEEP)

test-wire: DEPS_FOR := wire
test-wire: deps wire-programs
	@tests/wire/test_wire.sh $(BUILD)

# ---- captures for the slides --------------------------------------------------
# make wire-samples   (root) re-record tools/wire/testdata/MODE/ with 20 ms
#                     each way (and loss/: echo with LOSS=5%), then draw the charts
# make wire-charts    draw slides/img/wire/PART.svg from the committed captures
# make trace-chart CAPTURE=DIR draws a kept run (WIRE_KEEP=DIR) the same way.
.PHONY: wire-samples wire-charts
WIRE_SAMPLES := $(WIRE_DIR)/testdata
# PART:MODE: the part of which mode's capture each chart shows (the slide
# gives the heading).
WIRE_CHARTS := handshake:echo halfclose:halfclose urgent:oob abort:abort

wire-samples: wire-programs
	@for mode in echo halfclose oob abort; do \
	    rm -rf $(WIRE_SAMPLES)/$$mode; \
	    DELAY=20ms WIRE_CHECK=1 $(WIRE_DIR)/run_wire.sh $(BUILD) $$mode $(WIRE_SAMPLES)/$$mode >/dev/null || exit 1; \
	    echo "wire-samples: $(WIRE_SAMPLES)/$$mode"; \
	done
	@# Loss: seed 6 lost the client's FIN twice when this was recorded.
	@rm -rf $(WIRE_SAMPLES)/loss
	@LOSS=5% SEED=6 WIRE_CHECK=1 $(WIRE_DIR)/run_wire.sh $(BUILD) echo $(WIRE_SAMPLES)/loss >/dev/null
	@echo "wire-samples: $(WIRE_SAMPLES)/loss"
	@$(MAKE) --no-print-directory wire-charts

wire-charts: wire-programs
	@mkdir -p $(SLIDES_DIR)/img/wire
	@$(foreach c,$(WIRE_CHARTS),$(WIRE_VIEW) -c -p $(word 1,$(subst :, ,$(c))) \
	    -s $(SLIDES_DIR)/img/wire/$(word 1,$(subst :, ,$(c))).svg \
	    $(WIRE_SAMPLES)/$(word 2,$(subst :, ,$(c)))/client.jsonl \
	    $(WIRE_SAMPLES)/$(word 2,$(subst :, ,$(c)))/server.jsonl \
	    $(WIRE_SAMPLES)/$(word 2,$(subst :, ,$(c)))/capture.wire && \
	    echo "wire-charts: $(SLIDES_DIR)/img/wire/$(word 1,$(subst :, ,$(c))).svg" &&) true
