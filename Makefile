# ipc-kit - build, run, grade and test the IPC labs.  (GNU Make)
#
#   make demo        the traced tour of the labs, one short story each (reference
#                    programs, or yours in the student kit); IPC_STEP=1 to step
#   make programs    build every lab's programs (build/<variant>/<impl>/<lab>/)
#   make test        everything CI checks: lint, common tests, solutions at
#                    100 %, skeletons graded cleanly, sanitizer runs, slides,
#                    demo step mode, trace order, hostile clients, command
#                    lines, lab 04 for Windows under Wine, the wire (as root),
#                    the grader under attack; its parts run side by side
#                    (TEST_JOBS at a time), logs in build/test/logs/
#   make test-solutions / test-skeletons / test-asan / test-tsan / test-common
#                    / test-judge / test-batch / test-instructor / test-alternatives
#                    / test-demo / test-trace / test-servers / test-cli / test-slides
#                    / test-windows / test-wire   one part of it
#   make windows     lab 04 for Windows (MinGW-w64, WinSock): build/windows/
#   make bench       measure the mechanisms against each other (lab 05;
#                    FULL=1 for the thorough run, LAB=01 for lab 01's figures)
#   make wire        lab 04's calls and the TCP segments they send, on one
#                    timeline (MODE=halfclose DELAY=50ms LOSS=5%; as root)
#   make slides      the lecture decks to build/slides/ (HTML; PDF with Chromium);
#                    make deps-slides installs Marp CLI first
#   make trace-chart MODE=halfclose   draw a traced lab 04 run as a chart;
#                    make trace-chart-samples re-records the slides' charts
#   make grade       grade your work in labs/   (LAB=02 for one lab,
#                    TEST=name for one test, IMPL=solutions for the reference)
#   make deps        check (and, as root, install) what the kit needs
#   make lint        clang-format check and cppcheck
#   make dist-student / gradescope / classroom / grade-batch SUBMISSIONS=DIR
#                    instructor tooling (see README.md, "For instructors")
#   make clean       remove build/
#   make help        this list
#
# Options: V=1 shows each command; SAN=address,undefined or SAN=thread
# builds with sanitizers into their own folder under build/.
#
# Layout of the output: build/<variant>/<impl>/<lab>/  (variant is "plain"
# or "san-..."; impl is "labs" or "solutions"), so nothing is written next
# to the sources and sanitizer builds never mix with plain ones.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

# CC is make's default, cc (gcc on Debian); make CC=clang works too.
SAN  ?=
V    ?= 0
IMPL ?= labs
LAB  ?=

comma   := ,
VARIANT := $(if $(SAN),san-$(subst $(comma),-,$(SAN)),plain)
BUILD   := build/$(VARIANT)
Q       := $(if $(filter 1,$(V)),,@)

# ---- flags ---------------------------------------------------------------
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L
WARNINGS  := -Wall -Wextra -Werror
# -fno-sanitize-recover: undefined behaviour stops the test instead of scrolling by.
SANITIZE  := $(if $(SAN),-fsanitize=$(SAN) -fno-sanitize-recover=all -fno-omit-frame-pointer)
# ThreadSanitizer does not model atomic_thread_fence(), and gcc says so
# (-Wtsan: gcc 13 and later on every fence, gcc 12 when the order is not a
# constant). A fence is standard C11, so under TSan that warning stays a
# warning: with -Werror it would stop the build of correct code. Only for
# compilers that know the option (clang does not, and has no such warning).
TSAN_FLAGS := $(if $(filter thread,$(subst $(comma), ,$(SAN))),$(shell \
                $(CC) -Werror -Wno-error=tsan -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-error=tsan))
CFLAGS    := $(CSTD) $(WARNINGS) $(TSAN_FLAGS) -O2 -g $(SANITIZE) -MMD -MP -Icommon
LDFLAGS   := $(SANITIZE)
LDLIBS    := -pthread -lrt
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# Test binaries route every call that moves data through common/fault.c,
# the checked forms of _FORTIFY_SOURCE (Ubuntu's default) included.
FAULT_WRAP := -Wl,--wrap=read,--wrap=write,--wrap=readv,--wrap=writev,--wrap=pread,--wrap=pwrite \
              -Wl,--wrap=send,--wrap=recv,--wrap=sendto,--wrap=recvfrom,--wrap=sendmsg,--wrap=recvmsg \
              -Wl,--wrap=__read_chk,--wrap=__pread_chk,--wrap=__recv_chk,--wrap=__recvfrom_chk

# ---- what exists ---------------------------------------------------------
# A lab is a numbered folder; the skeleton (labs/) or reference
# (solutions/) may be absent, e.g. in the student tarball.
LABS      := $(sort $(notdir $(wildcard labs/[0-9][0-9]-* solutions/[0-9][0-9]-*)))
IMPLS     := $(sort $(foreach i,labs solutions,$(if $(wildcard $(i)/[0-9][0-9]-*/*.c),$(i))))

COMMON_SRCS := $(filter-out common/fault.c,$(wildcard common/*.c))
COMMON_LIB  := $(BUILD)/common/libipckit.a
FAULT_OBJ   := $(BUILD)/common/fault.o
# The grader is two programs (see tests/grader/grader.h): the harness, linked
# into every test binary with the student's code, and the judge, linked with
# no student code, which alone decides a score.
HARNESS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,harness.c helpers.c watch.c channel.c json_valid.c))
JUDGE_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,judge.c judge_run.c judge_table.c \
                  contain.c cgroup.c uid_pool.c proc_table.c audit.c report.c channel.c))
# The judge is always a plain build: it never runs under a sanitizer itself
# (the namespace init it clones runs on a stack of its own, which ASan
# would misread); SAN= builds of the tests still use it.
JUDGE        := build/plain/tests/grader/judge
LIBC_NAMES   := build/plain/tests/grader/libc-names.txt
COMMON_TEST := $(BUILD)/tests/common/test_common

ALL_PROGS :=
ALL_TESTS :=

# ---- compiling -----------------------------------------------------------
# Every object includes its own folder, so a lab's .c finds its header.
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -I$(<D) -Itests/grader $(CHECK_CFLAGS) -c $< -o $@

$(COMMON_LIB): $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRCS))
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# ---- one lab, one implementation -----------------------------------------
# A .c file that defines main() is a program; every other .c file in the
# lab folder is the lab's library, linked into its programs and its tests.
# $(1) = labs or solutions, $(2) = a lab folder such as 02-pipe.
#
# solutions/NN holds only the files that differ from the skeleton (the
# student's files, solved); every other file of the lab -- headers,
# programs, given code -- lives once, in labs/NN, and is compiled into the
# solutions build too (the "overlay"). So both sides share one contract.
#
# A lab may use another lab's library: LAB_USES_<lab> lists those labs.
LAB_USES_05-compare := 01-shm-ring

define LAB_RULES
$(1)_$(2)_OWN     := $$(wildcard $(1)/$(2)/*.c)
$(1)_$(2)_OVERLAY := $$(if $$(filter solutions,$(1)),$$(filter-out $$(patsubst solutions/%,labs/%,$$($(1)_$(2)_OWN)),$$(wildcard labs/$(2)/*.c)))
$(1)_$(2)_SRCS    := $$($(1)_$(2)_OWN) $$($(1)_$(2)_OVERLAY)
$(1)_$(2)_MAINS   := $$(shell grep -l '^int main' $$($(1)_$(2)_SRCS) /dev/null)
$(1)_$(2)_LIB     := $$(foreach f,$$(filter-out $$($(1)_$(2)_MAINS),$$($(1)_$(2)_SRCS)),$(BUILD)/$(1)/$(2)/$$(notdir $$(f:.c=.o))) \
                     $$(foreach u,$$(LAB_USES_$(2)),$$($(1)_$$(u)_LIB))
$(1)_$(2)_PROGS   := $$(foreach f,$$($(1)_$(2)_MAINS),$(BUILD)/$(1)/$(2)/$$(basename $$(notdir $$(f))))

# Overlay files compile from labs/ into this build's folder; every object of
# the lab also sees labs/$(2) and the labs it uses, for their headers.
$$(patsubst labs/%.c,$(BUILD)/$(1)/%.o,$$($(1)_$(2)_OVERLAY)): $(BUILD)/$(1)/$(2)/%.o: labs/$(2)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$< ($(1))")
	$$(Q)$$(CC) $$(CFLAGS) -I$$(<D) -c $$< -o $$@
$(BUILD)/$(1)/$(2)/%.o: CFLAGS += -Ilabs/$(2) $$(foreach u,$$(LAB_USES_$(2)),-I$(1)/$$(u) -Ilabs/$$(u))
# Tests: hidden_*.c files are the instructor's hidden tests, built only
# with HIDDEN=1 into a second binary; .c files without main() are shared.
$(1)_$(2)_TALL    := $$(wildcard tests/$(2)/*.c)
$(1)_$(2)_THIDDEN := $$(filter tests/$(2)/hidden_%,$$($(1)_$(2)_TALL))
$(1)_$(2)_TPUBLIC := $$(filter-out $$($(1)_$(2)_THIDDEN),$$($(1)_$(2)_TALL))
$(1)_$(2)_TSHARED := $$(filter-out $$(shell grep -l '^int main' $$($(1)_$(2)_TPUBLIC) /dev/null),$$($(1)_$(2)_TPUBLIC))
$(1)_$(2)_TEST    := $$(if $$($(1)_$(2)_TPUBLIC),$(BUILD)/$(1)/$(2)/test_$(2))
$(1)_$(2)_HTEST   := $$(if $$(HIDDEN),$$(if $$($(1)_$(2)_THIDDEN),$(BUILD)/$(1)/$(2)/hidden_$(2)))

ALL_PROGS += $$($(1)_$(2)_PROGS)
ALL_TESTS += $$($(1)_$(2)_TEST) $$($(1)_$(2)_HTEST)

$$($(1)_$(2)_PROGS): %: %.o $$($(1)_$(2)_LIB) $(COMMON_LIB)
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $$^ $$(LDLIBS) -o $$@

# The tests see the lab's headers through -I$(1)/$(2) (then labs/$(2)).
$(BUILD)/$(1)/tests/$(2)/%.o: tests/$(2)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$< ($(1))")
	$$(Q)$$(CC) $$(CFLAGS) -I$(1)/$(2) -Ilabs/$(2) $$(foreach u,$$(LAB_USES_$(2)),-I$(1)/$$(u) -Ilabs/$$(u)) -Itests/grader $$(CHECK_CFLAGS) -c $$< -o $$@

TEST_LINK_$(1)_$(2) := $$($(1)_$(2)_LIB) $(HARNESS_OBJS) $(FAULT_OBJ) $(COMMON_LIB)

$(BUILD)/$(1)/$(2)/test_$(2): $$(patsubst tests/%.c,$(BUILD)/$(1)/tests/%.o,$$($(1)_$(2)_TPUBLIC)) $$(TEST_LINK_$(1)_$(2))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $(FAULT_WRAP) $$^ $$(CHECK_LIBS) $$(LDLIBS) -o $$@

$(BUILD)/$(1)/$(2)/hidden_$(2): $$(patsubst tests/%.c,$(BUILD)/$(1)/tests/%.o,$$($(1)_$(2)_THIDDEN) $$($(1)_$(2)_TSHARED)) $$(TEST_LINK_$(1)_$(2))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $(FAULT_WRAP) $$^ $$(CHECK_LIBS) $$(LDLIBS) -o $$@
endef

$(foreach impl,$(IMPLS),$(foreach lab,$(LABS),$(eval $(call LAB_RULES,$(impl),$(lab)))))

# The common tests compare labs/ with solutions/, so they need the kit's root.
$(BUILD)/tests/common/test_common.o: CFLAGS += -DIPC_KIT_ROOT='"$(CURDIR)"'

$(COMMON_TEST): $(BUILD)/tests/common/test_common.o $(HARNESS_OBJS) $(FAULT_OBJ) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(FAULT_WRAP) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

ifeq ($(SAN),)
$(JUDGE): $(JUDGE_OBJS) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@
endif

# The names the C library and friends define, for the integrity check of
# every graded lab (reading the libraries is its longest step): once per build.
$(LIBC_NAMES): tests/grader/integrity.sh
	@mkdir -p $(@D)
	$(Q)tests/grader/integrity.sh --print-libc-names >$@.tmp && test -s $@.tmp && mv $@.tmp $@

JSON_CHECK := $(BUILD)/tests/instructor/json_check
$(JSON_CHECK): $(BUILD)/tests/instructor/json_check.o $(BUILD)/tests/grader/json_valid.o $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- targets -------------------------------------------------------------
.PHONY: all programs test-binaries deps demo grade test lint clean help bench \
        dist-student gradescope grade-batch classroom test-instructor test-judge test-batch mutants \
        test-alternatives test-demo test-trace test-servers test-cli

all: programs test-binaries
programs: $(ALL_PROGS)
test-binaries: $(ALL_TESTS) $(COMMON_TEST) $(if $(SAN),,$(JUDGE) $(LIBC_NAMES))

# The sub-makes of `make test` set DEPS_DONE so the check runs once.
deps:
ifndef DEPS_DONE
	@tools/deps.sh $(DEPS_FOR)
endif

demo: DEPS_FOR := build
demo: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs
	@tools/demo.sh $(BUILD)

# GRADE_EXPECT: "" (just report), "pass" (all must pass) or "skeleton"
# (must fail cleanly with "not implemented yet").
# LAB=NN or NN-name picks one lab; anything else is refused with the list.
GRADE_DIR ?= build/grade
grade: DEPS_FOR := grade
GRADE_LABS  = $(if $(LAB),$(filter $(LAB) $(LAB)-%,$(LABS)),$(LABS))
GRADE_TESTS = $(foreach lab,$(GRADE_LABS),$($(IMPL)_$(lab)_TEST) $($(IMPL)_$(lab)_HTEST))
# What is graded is built from the current sources first: the test binaries
# AND the lab's programs (some tests run them), so nothing stale is graded.
GRADE_BUILT = $(GRADE_TESTS) $(foreach lab,$(GRADE_LABS),$($(IMPL)_$(lab)_PROGS))
# Labs whose tests/NN-name/TSAN lists threaded tests: graded again under
# ThreadSanitizer (make grade, plain builds only), so a data race costs points.
GRADE_TSAN_LABS = $(if $(SAN),,$(foreach lab,$(GRADE_LABS),$(if $(wildcard tests/$(lab)/TSAN),$(lab))))
GRADE_TSAN_BUILT = $(foreach lab,$(GRADE_TSAN_LABS),build/san-thread/$(IMPL)/$(lab)/test_$(lab))
# Sanitizers need more memory per test than plain builds.
GRADE_MEMORY_MB ?= $(if $(SAN),4096,1024)
# KEEP_GOING=1 (batch and Gradescope grading): a lab that does not compile
# scores 0 with the compiler's messages, and the other labs are still graded;
# POINTS_DIR holds each lab's test table (from the pristine kit) to grade by.
# GRADE_LIMIT=seconds: the whole grading ends in time, each lab within its share.
# GRADE_LOCK_DOWN=1 (a throwaway kit copy, as root): only root may read the kit.
grade: deps
	@if [ -n "$(LAB)" ] && [ -z "$(GRADE_LABS)" ]; then \
	    echo "make grade: there is no lab '$(LAB)'. The labs are:" >&2; \
	    for l in $(LABS); do echo "    LAB=$${l%%-*}   ($$l)" >&2; done; exit 2; fi
	@# The integrity check reads plain objects: sanitizers add constructors of their own.
	$(if $(SAN),@$(MAKE) --no-print-directory DEPS_DONE=1 SAN= LAB=$(LAB) IMPL=$(IMPL) grade-build)
ifdef KEEP_GOING
	@mkdir -p $(GRADE_DIR)
	@# A binary left from an earlier build must never be graded in place of one that failed.
	@rm -f $(GRADE_BUILT)
	@$(MAKE) --no-print-directory DEPS_DONE=1 SAN= $(JUDGE) >$(GRADE_DIR)/build.log 2>&1
	@-$(MAKE) --no-print-directory -k DEPS_DONE=1 LAB=$(LAB) IMPL=$(IMPL) grade-build >>$(GRADE_DIR)/build.log 2>&1
	$(if $(GRADE_TSAN_BUILT),@rm -f $(GRADE_TSAN_BUILT))
	$(if $(GRADE_TSAN_BUILT),@-$(MAKE) --no-print-directory -k DEPS_DONE=1 SAN=thread $(GRADE_TSAN_BUILT) >>$(GRADE_DIR)/build.log 2>&1)
else
	@$(MAKE) --no-print-directory DEPS_DONE=1 LAB=$(LAB) IMPL=$(IMPL) grade-build
	@# A ThreadSanitizer build that fails costs only the tests it would grade (grade.sh
	@# names it as a build failure), never the whole grade; no older binary stands in.
	$(if $(GRADE_TSAN_BUILT),@rm -f $(GRADE_TSAN_BUILT))
	$(if $(GRADE_TSAN_BUILT),@$(MAKE) --no-print-directory DEPS_DONE=1 SAN=thread $(GRADE_TSAN_BUILT) || \
	    echo "make grade: the ThreadSanitizer build above failed; only its tests lose points" >&2)
endif
	@tools/grade.sh --build $(BUILD) --impl $(IMPL) --out $(GRADE_DIR) --plain-build build/plain \
	    $(if $(LAB),--lab $(firstword $(GRADE_LABS))) --memory-mb $(GRADE_MEMORY_MB) \
	    $(if $(TEST),--only $(TEST)) $(if $(HIDDEN),--hidden) $(if $(GRADE_EXPECT),--expect $(GRADE_EXPECT)) \
	    $(if $(KEEP_GOING),--build-log $(GRADE_DIR)/build.log) $(if $(POINTS_DIR),--points-dir $(POINTS_DIR)) \
	    $(if $(GRADE_NOTES),--notes $(GRADE_NOTES)) $(if $(GRADE_LIMIT),--limit $(GRADE_LIMIT)) \
	    $(if $(GRADE_LOCK_DOWN),--lock-down) $(if $(GRADE_TSAN_LABS),--tsan-build build/san-thread)

.PHONY: grade-build grade-prepare
grade-build: $(GRADE_BUILT) $(if $(SAN),,$(JUDGE) $(LIBC_NAMES))
	@:

# Everything a grading of this kit compiles (test binaries, hidden ones with
# HIDDEN=1, programs, the judge, the ThreadSanitizer builds), built once from
# the pristine kit: each submission graded in a copy of it then compiles only
# its own files. Used by the batch grader and Gradescope's setup.sh.
grade-prepare: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 SAN= grade-build
	$(if $(GRADE_TSAN_BUILT),@$(MAKE) --no-print-directory DEPS_DONE=1 SAN=thread $(GRADE_TSAN_BUILT))

# make test runs in a temporary folder and with a name prefix of its own, so
# two runs on one machine (or a grader beside it) never see each other's
# files, and the leftover check at the end counts only this run's.
# First everything is built (once, in one make, so no two parts ever build
# the same file), then the parts run side by side, TEST_JOBS at a time
# (tools/test-stages.sh), each with its own log in build/test/logs/.
TEST_RUN_TMP := $(CURDIR)/build/test/tmp
TEST_RUN_PREFIX := ipckit-t$(shell echo $$PPID)
TEST_JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
# Longest first: the run ends when its slowest part does.
TEST_STAGES := test-judge test-instructor test-tsan test-alternatives test-servers test-asan \
               test-solutions test-demo test-skeletons test-wire test-windows test-trace \
               test-slides test-cli test-common
test: DEPS_FOR := test
test: export TMPDIR := $(TEST_RUN_TMP)
test: export IPC_KIT_PREFIX := $(TEST_RUN_PREFIX)
test: deps
	@rm -rf $(TEST_RUN_TMP) build/test/logs && mkdir -p $(TEST_RUN_TMP)
	@$(MAKE) --no-print-directory DEPS_DONE=1 lint
	@echo "== build: everything the tests run =="
	@$(MAKE) --no-print-directory DEPS_DONE=1 test-build
	@echo "== the tests, $(TEST_JOBS) parts at a time =="
	@tools/test-stages.sh $(TEST_JOBS) build/test/logs $(TEST_STAGES)
	@tools/check-clean.sh $(TEST_RUN_TMP) $(TEST_RUN_PREFIX) build
	@echo "make test: all checks passed"

# Every binary the parts of make test use, plain and with sanitizers.
.PHONY: test-build test-common test-solutions test-skeletons test-asan test-tsan
TEST_BUILD_MAKE = $(MAKE) --no-print-directory -j$(TEST_JOBS) DEPS_DONE=1 HIDDEN=1
test-build:
	@$(TEST_BUILD_MAKE) all $(JSON_CHECK) $(TRACE_CHART) $(TRACE_CHART_TEST) wire-programs \
	    $(if $(shell command -v $(WIN_CC)),$(foreach p,$(WIN_PROGS),$(WIN_BUILD)/$(WIN_TEST_IMPL)/$(p).exe))
	@$(TEST_BUILD_MAKE) IMPL=solutions grade-prepare
	@$(TEST_BUILD_MAKE) IMPL=labs grade-prepare
	@$(TEST_BUILD_MAKE) IMPL=solutions SAN=address,undefined grade-build
	@$(TEST_BUILD_MAKE) IMPL=solutions SAN=thread grade-build

# The parts of make test that grade the kit's own code.
test-common: test-binaries
	@echo "== common module tests =="
	@$(JUDGE) --bin $(COMMON_TEST) --lab common --kit-root .
test-solutions:
	@$(MAKE) --no-print-directory grade IMPL=solutions HIDDEN=1 GRADE_EXPECT=pass GRADE_DIR=build/test/solutions
test-skeletons:
	@$(MAKE) --no-print-directory grade IMPL=labs HIDDEN=1 GRADE_EXPECT=skeleton GRADE_DIR=build/test/labs
test-asan:
	@CK_TIMEOUT_MULTIPLIER=2 $(MAKE) --no-print-directory grade IMPL=solutions HIDDEN=1 GRADE_EXPECT=pass SAN=address,undefined GRADE_DIR=build/test/asan
test-tsan:
	@CK_TIMEOUT_MULTIPLIER=4 TSAN_OPTIONS=halt_on_error=1 $(MAKE) --no-print-directory grade IMPL=solutions HIDDEN=1 GRADE_EXPECT=pass SAN=thread GRADE_DIR=build/test/tsan

# ---- benchmarks (lab 05) ---------------------------------------------------
# make bench: the quick run (under a minute); FULL=1 the thorough one (under
# four); LAB=01 only what lab 01 asks about. Like make grade it measures the
# student's code (IMPL=labs); IMPL=solutions measures the reference.
BENCH_BIN   = $(BUILD)/$(IMPL)/05-compare/bench
BENCH_ARGS_01 := -m shm-lock,shm-lockfree,pipe -s 64,4K,64K,1M
# A lab's own run keeps its own folder, so it never replaces the full comparison.
BENCH_DIR      = build/bench$(if $(LAB),/lab$(LAB))
bench: DEPS_FOR := bench
bench: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(BENCH_BIN)
	@$(BENCH_BIN) $(if $(FULL),--full) $(BENCH_ARGS_$(LAB)) -o $(BENCH_DIR)
	@# A lab's run has only some mechanisms: gnuplot's notes about the others are noise.
	@set -o pipefail; gnuplot -e "dir='$(BENCH_DIR)'" labs/05-compare/plots.gp 2>&1 | \
	    { grep -v 'no valid points' || true; }
	@echo "plots: $(BENCH_DIR)/throughput.svg $(BENCH_DIR)/rtt.svg $(BENCH_DIR)/cpu.svg"

# ---- instructor tooling (tools/instructor/) -------------------------------
dist-student: DEPS_FOR := instructor
dist-student: deps
	@tools/instructor/dist-student.sh build/dist

# make gradescope [LAB=02]: with LAB, an autograder for that lab alone
# (one Gradescope assignment per lab), written to build/autograder-lab02.zip.
gradescope: DEPS_FOR := instructor
gradescope: deps
	@tools/instructor/gradescope.sh build/autograder$(if $(LAB),-lab$(LAB)).zip $(LAB)

# make grade-batch SUBMISSIONS=DIR [JOBS=2] [LIMIT=600] [LAB=02]
JOBS  ?= 2
LIMIT ?= 600
grade-batch: DEPS_FOR := instructor
grade-batch: deps
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-batch SUBMISSIONS=DIR [JOBS=N] [LIMIT=seconds] [LAB=NN]"; exit 2; }
	@tools/instructor/grade-batch.sh $(SUBMISSIONS) build/batch $(JOBS) $(LIMIT) $(LAB)

classroom: deps
	@mkdir -p build/classroom
	@tools/instructor/classroom.sh . >build/classroom/classroom.yml
	@echo "classroom: wrote build/classroom/classroom.yml (put it in .github/workflows/)"

test-judge: DEPS_FOR := instructor
test-judge: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(JSON_CHECK)
	@tests/instructor/test_judge.sh $(BUILD)

test-batch: DEPS_FOR := instructor
test-batch: deps
	@tests/instructor/test_batch.sh $(BUILD)

test-instructor: DEPS_FOR := instructor
test-instructor: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(JSON_CHECK)
	@tests/instructor/test_instructor.sh $(BUILD)

# Alternative correct solutions (tests/alternatives/) must all get full marks.
test-alternatives:
	@tests/alternatives/run.sh $(LAB)

# Instructor tooling: single-bug variants of the solutions must all lose
# points (tools/mutants/); slow, so not part of `make test`.
mutants:
	@tools/mutants/run.sh $(LAB) $(if $(MUTANT),-k $(MUTANT))

# ---- demo, traces and servers under test (tests/demo, tests/trace, tests/servers) ----
# test-demo: IPC_STEP=1 make demo on a real terminal (tmux), and make demo's
# budget (a minute, 300 lines) in the kit and the student kit; test-trace: 50
# tcp_demo runs under load, every state move checked against the diagram and
# no chart arrow back in time; test-servers: hostile clients against every
# server mode, a well-behaved client must be served within 1 s throughout;
# test-cli: every program's --help, examples and usage errors.
test-demo: DEPS_FOR := test
test-demo: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs
	@echo "== demo: step mode on a terminal =="
	@tests/demo/test_step_mode.sh $(BUILD)
	@tests/demo/test_demo_budget.sh $(BUILD)

test-trace: DEPS_FOR := test
test-trace: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs $(BUILD)/tools/trace-chart/trace_chart
	@echo "== traces: causal order under load =="
	@tests/trace/stress_tcp_trace.py $(BUILD) 50

test-cli: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs $(BUILD)/tools/trace-chart/trace_chart \
	    $(WIRE_LINK) $(WIRE_VIEW)
	@echo "== command lines: --help, examples, usage errors =="
	@tests/cli/test_command_lines.sh $(BUILD)

test-servers: DEPS_FOR := test
test-servers: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs
	@echo "== servers: hostile clients =="
	@tests/servers/hostile_clients.py $(BUILD)

LINT_FILES = $(shell find common labs solutions tests -name '*.[ch]' 2>/dev/null)
lint:
	@echo "== lint: clang-format =="
	$(Q)clang-format --dry-run --Werror $(LINT_FILES)
	@echo "== lint: cppcheck (common/ solutions/) =="
	@# No -Icommon: cppcheck then treats die*() as possibly not returning, which is right.
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --std=c11 --inline-suppr -D_POSIX_C_SOURCE=200809L \
	    common $(wildcard solutions)

clean:
	rm -rf build

help:
	@sed -n '2,/^# Layout of the output/p' Makefile | sed '$$d; s/^# \{0,1\}//'

# Parts of the kit that bring their own rules (slides, benchmarks).
-include $(wildcard slides/slides.mk solutions/05-compare/bench.mk labs/04-tcp-lifecycle/win/windows.mk \
                    tools/wire/wire.mk)

-include $(shell find build -name '*.d' 2>/dev/null)
