# windows.mk - lab 04 for Windows: cross-built with MinGW-w64, run under Wine.
# Included by the Makefile.
#
#   make windows        build/windows/<impl>/tcp_server.exe and tcp_client.exe,
#                       from the same sources as the Linux programs
#   make test-windows   the Windows programs under Wine against the Linux ones,
#                       both directions, every mode, traces compared
#
# tcp_demo does not fit: it forks, and Windows has no fork().
# Needs: make deps DEPS_FOR=windows (gcc-mingw-w64-x86-64, wine, wine64).

WIN_CC     := x86_64-w64-mingw32-gcc
WIN_BUILD  := build/windows
WIN_LAB    := 04-tcp-lifecycle
# __USE_MINGW_ANSI_STDIO: MinGW's C99 printf (%zu), not Microsoft's.
# posix_win.h comes first in every file: the few POSIX pieces MinGW lacks.
WIN_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D__USE_MINGW_ANSI_STDIO=1 \
              -Wall -Wextra -Werror -O2 -MMD -MP -Icommon -include common/win/posix_win.h
# -static: the .exe needs no MinGW DLL beside it, only Windows' own ws2_32.dll;
# winpthreads (-lpthread) gives clock.c its clock_gettime() and nanosleep().
WIN_LDFLAGS := -static
WIN_LDLIBS  := -lws2_32 -lpthread

# The common module as lab 04 uses it; err_win.c adds WinSock's texts.
WIN_COMMON_SRCS := $(addprefix common/,err.c errno_names.c trace.c clock.c cli.c json.c term.c \
                     step.c utf8.c) \
                   common/win/err_win.c common/win/sock_win.c
WIN_COMMON_OBJS := $(patsubst %.c,$(WIN_BUILD)/%.o,$(WIN_COMMON_SRCS))
# Given files of the lab (tcp_state.c reads Linux's TCP_INFO: win/ has its stand-in).
WIN_GIVEN   := tcp_scenario.c tcp_endpoint.c tcp_state_names.c win/tcp_state_win.c
WIN_STUDENT := $(shell grep -v '^\#' labs/$(WIN_LAB)/MANIFEST 2>/dev/null)
WIN_PROGS   := tcp_server tcp_client

$(WIN_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  WINCC   $<")
	$(Q)$(WIN_CC) $(WIN_CFLAGS) -I$(<D) -Ilabs/$(WIN_LAB) -c $< -o $@

# The student's files of one implementation ($(1) = labs or solutions) come
# from its folder when it has them (solutions/ keeps only those), else labs/.
win_src  = $(firstword $(wildcard $(1)/$(WIN_LAB)/$(2)) labs/$(WIN_LAB)/$(2))
win_objs = $(foreach f,$(WIN_GIVEN),$(WIN_BUILD)/labs/$(WIN_LAB)/$(f:.c=.o)) \
           $(foreach f,$(WIN_STUDENT),$(WIN_BUILD)/$(patsubst %.c,%.o,$(call win_src,$(1),$(f))))

# $(1) = labs or solutions, $(2) = a program.
define WIN_PROG_RULE
$(WIN_BUILD)/$(1)/$(2).exe: $(WIN_BUILD)/labs/$(WIN_LAB)/$(2).o $(call win_objs,$(1)) $(WIN_COMMON_OBJS)
	$$(if $$(Q),@echo "  WINLINK $$@")
	$$(Q)$(WIN_CC) $(WIN_LDFLAGS) $$^ $(WIN_LDLIBS) -o $$@
endef
$(foreach i,$(IMPLS),$(foreach p,$(WIN_PROGS),$(eval $(call WIN_PROG_RULE,$(i),$(p)))))
WIN_EXES := $(foreach i,$(IMPLS),$(foreach p,$(WIN_PROGS),$(WIN_BUILD)/$(i)/$(p).exe))

.PHONY: windows test-windows
windows: DEPS_FOR := windows
windows: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(WIN_EXES)

# The interop test runs the reference when the kit has it (the student's
# labs/ otherwise), Linux and Windows builds of the same sources.
WIN_TEST_IMPL := $(if $(wildcard solutions/$(WIN_LAB)),solutions,labs)
test-windows: DEPS_FOR := windows
test-windows: deps
	@tests/windows/check_links.sh labs/$(WIN_LAB)/README.md
	@command -v $(WIN_CC) >/dev/null 2>&1 || \
	    { echo "test-windows: not run: install MinGW-w64 (make deps DEPS_FOR=windows)" >&2; exit 1; }
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(foreach p,$(WIN_PROGS),$(WIN_BUILD)/$(WIN_TEST_IMPL)/$(p).exe) \
	    $(foreach p,$(WIN_PROGS),$(BUILD)/$(WIN_TEST_IMPL)/$(WIN_LAB)/$(p)) $(TRACE_CHART)
	@tests/windows/test_windows.sh $(BUILD)/$(WIN_TEST_IMPL)/$(WIN_LAB) $(WIN_BUILD)/$(WIN_TEST_IMPL) \
	    build/test/windows $(CURDIR)/build/wine/prefix $(TRACE_CHART)
