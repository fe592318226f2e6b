# live.mk - the live view: a page on 127.0.0.1 drawn while the labs run. (GNU Make)
#
# Included by the top Makefile, which provides BUILD, Q, CC, CFLAGS, LDFLAGS,
# LDLIBS, COMMON_LIB and the rule that compiles $(BUILD)/%.o from %.c.
#
#   make live          the demo's tour (tools/demo.sh), drawn live in the
#                      browser: open the address it prints; IPC_STEP=1 to go
#                      step by step (Enter in the terminal, or Space in the page)
#   make demo LIVE=1   the same
#   make live LIVE_CMD='tcp_demo -p halfclose'   one lab program instead of the tour
#                      (the reference's when the kit has it; IMPL=labs: yours)
#   make test-live     headless Chromium reads the page's DOM during a real
#                      traced run: every call once, in causal order, in its lane
#
# The server uses libmicrohttpd (Debian's libmicrohttpd-dev): tools/live/live.c
# says why.

.PHONY: live live-programs test-live

LIVE_DIR := tools/live
LIVE_BIN := $(BUILD)/$(LIVE_DIR)/live
LIVE_PORT ?= 0

$(BUILD)/$(LIVE_DIR)/live.o: CFLAGS += $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
$(LIVE_BIN): $(BUILD)/$(LIVE_DIR)/live.o $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(shell pkg-config --libs libmicrohttpd 2>/dev/null) $(LDLIBS) -o $@

live-programs:
	@$(MAKE) -s --no-print-directory DEPS_DONE=1 programs $(LIVE_BIN)

live: DEPS_FOR := live
live: deps live-programs
	@LIVE_PORT=$(LIVE_PORT) $(if $(LIVE_CMD),IMPL=$(SHOW_IMPL)) $(LIVE_DIR)/run_live.sh $(BUILD) $(if $(LIVE_CMD),$(LIVE_CMD))

test-live: DEPS_FOR := test
test-live: deps live-programs $(SLIDES_NPM)
	@tests/live/test_live.sh $(BUILD)
