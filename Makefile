# ipc-kit - build, run, grade and test the IPC labs.  (GNU Make)
#
# For everyone
#   make demo        the traced tour of the labs, one short story each (reference
#                    programs, or yours in the student kit); IPC_STEP=1 to step;
#                    LIVE=1 also draws it live in the browser
#   make live        the demo drawn live in the browser, on 127.0.0.1 (tools/live;
#                    LIVE_CMD='tcp_demo -p halfclose' for one program)
#   make programs    build every lab's programs (build/<variant>/<impl>/<lab>/)
#   make grade       grade your work in labs/: LAB=02 one lab, TEST=name one
#                    test, SAN=address,undefined or SAN=thread under sanitizers,
#                    HIDDEN=1 the hidden tests too (tools/instructor/hidden/),
#                    IMPL=solutions the reference (both in the instructor's
#                    kit only); ends with the total, exit status 0
#                    only when every test passed
#   make bench       measure the mechanisms against each other (lab 05;
#                    FULL=1 the thorough run, LAB=01 lab 01's figures,
#                    IMPL=solutions the reference)
#   make deps        check (and, as root, install) what the kit needs
#                    (DEPS_FOR=build|grade|test|bench|slides|instructor|windows|wire)
#   make all         programs and test binaries;  make test-binaries  the latter
#   make clean       remove build/
#   make help        this list
#
# For instructors
#   make test        everything CI checks, about 3 minutes on 2 cores: lint,
#                    common tests, solutions at 100 %, skeletons graded
#                    cleanly, sanitizer runs, slides, demo step mode, trace
#                    order, the live view in headless Chromium, hostile
#                    clients, command lines, lab 04 for Windows
#                    under Wine, the wire (as root), the grader under attack;
#                    its parts run side by side (TEST_JOBS at a time, default
#                    cores + 1), logs in build/test/logs/
#   make test-solutions / test-skeletons / test-asan / test-tsan / test-common
#                    / test-judge / test-batch / test-instructor / test-alternatives
#                    / test-demo / test-trace / test-servers / test-cli / test-slides
#                    / test-windows / test-wire / test-live   one part of it; each builds
#                    what it needs, so it runs alone in a fresh clone
#   make test-build  build everything the parts use, once (make test does)
#   make lint        clang-format check and cppcheck
#   make mutants     single-bug variants of the reference must lose points
#                    (tools/instructor/mutants/; slow, not in make test;
#                    LAB=02, MUTANT=a,b); test-alternatives: the other correct
#                    solutions (tools/instructor/alternatives/) score 100 %
#   make dist-student   the student tarball (build/dist/), verified
#   make gradescope  Gradescope's autograder zip (build/autograder.zip;
#                    LAB=02: build/autograder-lab02.zip, that lab alone)
#   make classroom   the GitHub Classroom workflow (build/classroom/)
#   make grade-batch SUBMISSIONS=DIR   grade a class (build/batch/): JOBS=2
#                    at a time, LIMIT=600 s each, LAB=02 one lab, PUBLISH=1
#                    hidden tests in full in the students' reports
#   make grade-prepare   build all a grading compiles, once (batch, Gradescope)
#   make grade-build / grade-given / grade-plan / grade-record
#                    / trace-chart-programs / wire-programs   pieces that the
#                    targets above build first (grade-given: all a grading
#                    builds but the student's files, which
#                    tests/grader/grade.sh compiles in a jail; grade-plan:
#                    what that is, per lab)
#   make windows     lab 04 for Windows (MinGW-w64, WinSock): build/windows/
#   make wire        lab 04's calls and the TCP segments they send, on one
#                    timeline (MODE=halfclose DELAY=50ms LOSS=5%; as root;
#                    IMPL=labs your programs, as for make bench);
#                    make wire-samples / wire-charts re-record the slides' captures
#   make slides      the lecture decks to build/slides/ (HTML; PDF with Chromium);
#                    make deps-slides installs Marp CLI first; slides-html: HTML only
#   make trace-chart MODE=halfclose   draw a traced lab 04 run as a chart
#                    (IMPL=labs: of your programs);
#                    make trace-chart-samples re-records the slides' charts
#   The instructor's tooling and its own tests (test-judge, test-batch,
#   test-instructor) live in tools/instructor/, which the student kit lacks;
#   the grader that both kits share lives in tests/grader/.
#   (see README.md, "For instructors")
#
# Options: V=1 shows each command; SAN=address,undefined or SAN=thread
# builds with sanitizers into their own folder under build/; GRADE_DIR=DIR
# puts make grade's results elsewhere (default build/grade);
# GRADE_STEP_LIMIT=60 and GRADE_FILE_MB=64 bound each jailed build step in
# seconds and in MiB per file; IPC_KIT_ISOLATE=uid grades as in a container
# that refuses namespaces.
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
# Whose lab 04 programs the chart tools run (make trace-chart, make wire, and
# make live with LIVE_CMD): IMPL=labs your own, IMPL=solutions the reference,
# named as for make grade and make bench. Without IMPL: the reference when the
# kit has it (the slides are drawn from it), else yours (the student kit).
SHOW_IMPL := $(strip $(if $(filter command line environment,$(origin IMPL)),$(IMPL),\
               $(if $(wildcard solutions/[0-9][0-9]-*),solutions,labs)))

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
# Sanitizer builds: -O1, as the sanitizers' manuals advise (a third less
# compile time than -O2, and every sanitized object is compiled once per
# grading), and line tables only (-g1: a report still names file and line;
# gdb is for the plain build); the warnings that depend on how far the
# optimizer looks stay warnings there, since the plain -O2 build already
# holds the code to -Werror.
OPTIMIZE  := $(if $(SAN),-O1 -g1 -Wno-error=maybe-uninitialized,-O2 -g)
CFLAGS    := $(CSTD) $(WARNINGS) $(TSAN_FLAGS) $(OPTIMIZE) $(SANITIZE) -MMD -MP -Icommon
LDFLAGS   := $(SANITIZE)
LDLIBS    := -pthread -lrt
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# Test binaries route every call that moves data through tests/grader/fault.c,
# the checked forms of _FORTIFY_SOURCE (Ubuntu's default) included.
FAULT_WRAP := -Wl,--wrap=read,--wrap=write,--wrap=readv,--wrap=writev,--wrap=pread,--wrap=pwrite \
              -Wl,--wrap=send,--wrap=recv,--wrap=sendto,--wrap=recvfrom,--wrap=sendmsg,--wrap=recvmsg \
              -Wl,--wrap=__read_chk,--wrap=__pread_chk,--wrap=__recv_chk,--wrap=__recvfrom_chk

# ---- what exists ---------------------------------------------------------
# A lab is a numbered folder; the skeleton (labs/) or reference
# (solutions/) may be absent, e.g. in the student tarball.
LABS      := $(sort $(notdir $(wildcard labs/[0-9][0-9]-* solutions/[0-9][0-9]-*)))
IMPLS     := $(sort $(foreach i,labs solutions,$(if $(wildcard $(i)/[0-9][0-9]-*/*.c),$(i))))

COMMON_SRCS := $(wildcard common/*.c)
COMMON_LIB  := $(BUILD)/common/libipckit.a
FAULT_OBJ   := $(BUILD)/tests/grader/fault.o
# The grader is two programs (see tests/grader/grader.h): the harness, linked
# into every test binary with the student's code, and the judge, linked with
# no student code, which alone decides a score.
HARNESS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,harness.c helpers.c watch.c judge_channel.c json_valid.c \
                proc_table.c))
# A lab with tests/NN/calls.c is tested across the call boundary
# (tests/grader/boundary.h): its test binary (the checker) holds no student
# code, and the student's code runs in agent_NN, built with these.
BOUNDARY_CHECKER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,boundary_checker.c boundary_callbacks.c \
                         boundary_family.c boundary_end.c boundary_msg.c fault_proof.c))
AGENT_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,boundary_agent.c boundary_msg.c agent_services.c)) $(FAULT_OBJ)
BOUNDARY_WRAP := -Wl,--wrap=fork,--wrap=pthread_create
JUDGE_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(addprefix tests/grader/,judge.c judge_run.c judge_table.c \
                  contain.c jail.c judge_step.c cgroup.c uid_pool.c proc_table.c audit.c report.c verdict.c \
                  judge_channel.c options.c))
# The judge is always a plain build: it never runs under a sanitizer itself
# (the namespace init it clones runs on a stack of its own, which ASan
# would misread); SAN= builds of the tests still use it.
JUDGE        := build/plain/tests/grader/judge
# textsafe escapes a compiler's messages and notes for grade.sh as the judge
# escapes a test's output (for the terminal, JSON and XML); render writes a
# lab's reports from its verdict file, with the judge's own renderers.
TEXTSAFE     := build/plain/tests/grader/textsafe
RENDER       := build/plain/tests/grader/render
GRADER_TOOLS := $(JUDGE) $(TEXTSAFE) $(RENDER)
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

# Across the call boundary a lab's test binary links none of its code; a
# given module that calls no student function (not in the lab's MANIFEST)
# may be linked there all the same: CHECKER_GIVEN_<lab> names them.
CHECKER_GIVEN_04-tcp-lifecycle := tcp_state tcp_state_names tcp_endpoint

# A test table: the tests' objects linked without the lab's code (its
# functions are left unresolved and never called: --list only prints).
# Plain builds only: a sanitizer's runtime does not start with holes in it.
TABLE_LINK := $(HARNESS_OBJS) $(FAULT_OBJ) $(COMMON_LIB)
define table-from-tests
@mkdir -p $(@D)
$(if $(Q),@echo "  TABLE   $@")
$(Q)$(CC) -no-pie -Wl,--unresolved-symbols=ignore-all $^ $(CHECK_LIBS) $(LDLIBS) -o $@.bin && \
    $@.bin --list >$@.tmp && mv $@.tmp $@; status=$$?; rm -f $@.bin $@.tmp; exit $$status
endef

# Asked of the shell once per make, not once per lab (a make starts often:
# grading runs several per lab): the sources with a main(), and the student
# files every lab's MANIFEST names, as labs/NN-name/file.c (comments dropped).
MAIN_SOURCES   := $(shell grep -l '^int main' $(wildcard labs/*/*.c solutions/*/*.c tests/*/*.c) /dev/null)
MANIFEST_FILES := $(shell awk '{ sub(/\#.*/, ""); f = FILENAME; sub(/MANIFEST$$/, "", f) } NF { print f $$1 }' \
                      $(wildcard labs/*/MANIFEST) /dev/null)

define LAB_RULES
$(1)_$(2)_OWN     := $$(wildcard $(1)/$(2)/*.c)
$(1)_$(2)_OVERLAY := $$(if $$(filter solutions,$(1)),$$(filter-out $$(patsubst solutions/%,labs/%,$$($(1)_$(2)_OWN)),$$(wildcard labs/$(2)/*.c)))
$(1)_$(2)_SRCS    := $$($(1)_$(2)_OWN) $$($(1)_$(2)_OVERLAY)
$(1)_$(2)_MAINS   := $$(filter $$($(1)_$(2)_SRCS),$(MAIN_SOURCES))
$(1)_$(2)_LIB     := $$(foreach f,$$(filter-out $$($(1)_$(2)_MAINS),$$($(1)_$(2)_SRCS)),$(BUILD)/$(1)/$(2)/$$(notdir $$(f:.c=.o))) \
                     $$(foreach u,$$(LAB_USES_$(2)),$$($(1)_$$(u)_LIB))
$(1)_$(2)_PROGS   := $$(foreach f,$$($(1)_$(2)_MAINS),$(BUILD)/$(1)/$(2)/$$(basename $$(notdir $$(f))))

# Overlay files compile from labs/ into this build's folder; every object of
# the lab also sees labs/$(2) and the labs it uses, for their headers (a
# source's own folder is searched first for "quoted" headers anyway).
$$(patsubst labs/%.c,$(BUILD)/$(1)/%.o,$$($(1)_$(2)_OVERLAY)): $(BUILD)/$(1)/$(2)/%.o: labs/$(2)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$< ($(1))")
	$$(Q)$$(CC) $$(CFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/$(2)/%.o: CFLAGS += -Ilabs/$(2) $$(foreach u,$$(LAB_USES_$(2)),-I$(1)/$$(u) -Ilabs/$$(u))
# The lab's own files see the lab's and common/'s headers only, never the grader's.
$(BUILD)/$(1)/$(2)/%.o: $(1)/$(2)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$<")
	$$(Q)$$(CC) $$(CFLAGS) -c $$< -o $$@
# Tests: tests/$(2)/ holds the public ones; .c files without main() are
# shared. The instructor's hidden tests, tools/instructor/hidden/$(2)/hidden_*.c
# (not in the student kit), are built only with HIDDEN=1, into a second binary.
$(1)_$(2)_CALLS   := $$(wildcard tests/$(2)/calls.c)
$(1)_$(2)_TPUBLIC := $$(filter-out tests/$(2)/calls.c,$$(wildcard tests/$(2)/*.c))
$(1)_$(2)_THIDDEN := $$(wildcard tools/instructor/hidden/$(2)/hidden_*.c)
$(1)_$(2)_TSHARED := $$(filter-out $(MAIN_SOURCES),$$($(1)_$(2)_TPUBLIC))
$(1)_$(2)_TPOBJS  := $$(patsubst tests/%.c,$(BUILD)/tests/%.o,$$($(1)_$(2)_TPUBLIC))
$(1)_$(2)_THOBJS  := $$(patsubst tools/instructor/hidden/%.c,$(BUILD)/hidden/%.o,$$($(1)_$(2)_THIDDEN)) \
                     $$(patsubst tests/%.c,$(BUILD)/tests/%.o,$$($(1)_$(2)_TSHARED))
$(1)_$(2)_TEST    := $$(if $$($(1)_$(2)_TPUBLIC),$(BUILD)/$(1)/$(2)/test_$(2))
$(1)_$(2)_HTEST   := $$(if $$(HIDDEN),$$(if $$($(1)_$(2)_THIDDEN),$(BUILD)/$(1)/$(2)/hidden_$(2)))
$(1)_$(2)_AGENT   := $$(if $$($(1)_$(2)_CALLS),$$(if $$($(1)_$(2)_TEST),$(BUILD)/$(1)/$(2)/agent_$(2)))

ALL_PROGS += $$($(1)_$(2)_PROGS)
ALL_TESTS += $$($(1)_$(2)_AGENT) $$($(1)_$(2)_TEST) $$($(1)_$(2)_HTEST)

# For grading: the student's objects (the lab's MANIFEST) are compiled in a
# jail (tests/grader/grade.sh, judge --step); everything else is "given" and built
# here from the pristine kit: the lab's other objects and the tests' objects.
$(1)_$(2)_STUDENT := $$(patsubst labs/$(2)/%.c,$(BUILD)/$(1)/$(2)/%.o,$$(filter labs/$(2)/%.c,$(MANIFEST_FILES)))
$(1)_$(2)_GIVEN   := $$(filter-out $$($(1)_$(2)_STUDENT),$$(filter $(BUILD)/$(1)/$(2)/%,$$($(1)_$(2)_LIB)) $$(addsuffix .o,$$($(1)_$(2)_PROGS)))
$(1)_$(2)_TOBJS   := $$($(1)_$(2)_TPOBJS) $$(if $$(HIDDEN),$$($(1)_$(2)_THOBJS)) \
                     $$(if $$($(1)_$(2)_CALLS),$(BUILD)/tests/$(2)/calls.checker.o $(BUILD)/tests/$(2)/calls.agent.o)
# What the integrity check compares a student's objects with (made by
# TEST_OBJECT_RULES below).
$(1)_$(2)_NAMES   := $$(if $$($(1)_$(2)_TEST),$(BUILD)/tests/$(2)/integrity-names.txt)
# The lab's test tables (name, points, timeout, hint), read from the tests
# alone: a lab whose code does not compile is still graded test by test.
$(1)_$(2)_TABLES  := $$(if $$($(1)_$(2)_TEST),$(BUILD)/$(1)/tables/test_$(2).tsv) \
                     $$(if $$($(1)_$(2)_HTEST),$(BUILD)/$(1)/tables/hidden_$(2).tsv)
$(BUILD)/$(1)/tables/test_$(2).tsv: $$($(1)_$(2)_TPOBJS) $(TABLE_LINK)
	$$(table-from-tests)
$(BUILD)/$(1)/tables/hidden_$(2).tsv: $$($(1)_$(2)_THOBJS) $(TABLE_LINK)
	$$(table-from-tests)

$$($(1)_$(2)_PROGS): %: %.o $$($(1)_$(2)_LIB) $(COMMON_LIB)
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $$^ $$(LDLIBS) -o $$@

# Across the boundary, the test binary (the checker) links the stubs of
# calls.c instead of the student's code, which goes into the agent.
TEST_LINK_$(1)_$(2) := $$(if $$($(1)_$(2)_CALLS),$(BUILD)/tests/$(2)/calls.checker.o $(BOUNDARY_CHECKER_OBJS) \
                         $$(foreach g,$$(CHECKER_GIVEN_$(2)),$(BUILD)/$(1)/$(2)/$$(g).o),$$($(1)_$(2)_LIB) $(FAULT_OBJ)) \
                       $(HARNESS_OBJS) $(COMMON_LIB)
TEST_WRAP_$(1)_$(2) := $$(if $$($(1)_$(2)_CALLS),$$(BOUNDARY_WRAP),$$(FAULT_WRAP))

$(BUILD)/$(1)/$(2)/test_$(2): $$($(1)_$(2)_TPOBJS) $$(TEST_LINK_$(1)_$(2))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $$(TEST_WRAP_$(1)_$(2)) $$^ $$(CHECK_LIBS) $$(LDLIBS) -o $$@

$(BUILD)/$(1)/$(2)/hidden_$(2): $$($(1)_$(2)_THOBJS) $$(TEST_LINK_$(1)_$(2))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $$(TEST_WRAP_$(1)_$(2)) $$^ $$(CHECK_LIBS) $$(LDLIBS) -o $$@

$(BUILD)/$(1)/$(2)/agent_$(2): $(BUILD)/tests/$(2)/calls.agent.o $$($(1)_$(2)_LIB) $(AGENT_OBJS) $(COMMON_LIB)
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) $(FAULT_WRAP) $$^ $$(LDLIBS) -o $$@
endef

$(foreach impl,$(IMPLS),$(foreach lab,$(LABS),$(eval $(call LAB_RULES,$(impl),$(lab)))))

# A lab's test objects, compiled once for both implementations: the tests
# see the lab's headers, which live in labs/ alone (solutions/ holds .c files
# only), so labs/ and solutions/ would make the very same objects. The hidden
# tests also see the public tests' headers, as if beside them.
define TEST_OBJECT_RULES
TEST_INCLUDES_$(1) := -Ilabs/$(1) $$(foreach u,$$(LAB_USES_$(1)),-Ilabs/$$(u)) -Itests/grader
$(BUILD)/tests/$(1)/%.o: tests/$(1)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$<")
	$$(Q)$$(CC) $$(CFLAGS) $$(TEST_INCLUDES_$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@
$(BUILD)/hidden/$(1)/%.o: tools/instructor/hidden/$(1)/%.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$<")
	$$(Q)$$(CC) $$(CFLAGS) -Itests/$(1) $$(TEST_INCLUDES_$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@
# calls.c twice: the checker's stubs and the agent's servers.
$(BUILD)/tests/$(1)/calls.checker.o: tests/$(1)/calls.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$< (checker)")
	$$(Q)$$(CC) $$(CFLAGS) -DBOUNDARY_CHECKER $$(TEST_INCLUDES_$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@
$(BUILD)/tests/$(1)/calls.agent.o: tests/$(1)/calls.c
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC      $$< (agent)")
	$$(Q)$$(CC) $$(CFLAGS) -DBOUNDARY_AGENT $$(TEST_INCLUDES_$(1)) -c $$< -o $$@
# What the integrity check (tests/grader/integrity.sh) compares a student's
# objects with: the names the C library, the given objects, the agent and the
# lab's tests define, listed once here rather than read again per grading.
# (calls.checker.o defines the lab's functions as stubs: the names the
# student must define, so it is no grader name to compare with.)
$(BUILD)/tests/$(1)/integrity-names.txt: $(sort $(HARNESS_OBJS) $(AGENT_OBJS)) $(COMMON_LIB) \
        $$(patsubst tests/%.c,$(BUILD)/tests/%.o,$$(labs_$(1)_TPUBLIC)) \
        $$(if $$(labs_$(1)_CALLS),$(BUILD)/tests/$(1)/calls.agent.o) tests/grader/integrity.sh $(LIBC_NAMES)
	$$(if $$(Q),@echo "  NAMES   $$@")
	$$(Q)tests/grader/integrity.sh --print-names --libc-names $(LIBC_NAMES) $$(filter %.o %.a,$$^) >$$@.tmp && \
	    mv $$@.tmp $$@
endef

$(foreach lab,$(LABS),$(eval $(call TEST_OBJECT_RULES,$(lab))))

# The common tests compare labs/ with solutions/, so they need the kit's root.
$(BUILD)/tests/common/test_common.o: CFLAGS += -DIPC_KIT_ROOT='"$(CURDIR)"'

$(COMMON_TEST): $(BUILD)/tests/common/test_common.o $(HARNESS_OBJS) $(FAULT_OBJ) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(FAULT_WRAP) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

ifeq ($(SAN),)
$(JUDGE): $(JUDGE_OBJS) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(TEXTSAFE): $(patsubst %,$(BUILD)/tests/grader/%.o,textsafe verdict) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(RENDER): $(patsubst %,$(BUILD)/tests/grader/%.o,render render_grades report verdict judge_table options) $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@
endif

# The names the C library and friends define, for the integrity check of
# every graded lab (reading the libraries is its longest step): once per build.
$(LIBC_NAMES): tests/grader/integrity.sh
	@mkdir -p $(@D)
	$(Q)tests/grader/integrity.sh --print-libc-names >$@.tmp && test -s $@.tmp && mv $@.tmp $@

JSON_CHECK := $(BUILD)/tools/instructor/tests/json_check
$(JSON_CHECK): $(BUILD)/tools/instructor/tests/json_check.o $(BUILD)/tests/grader/json_valid.o $(COMMON_LIB)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- targets -------------------------------------------------------------
.PHONY: all programs test-binaries deps demo grade test lint clean help bench \
        dist-student gradescope grade-batch classroom test-instructor test-judge test-batch mutants \
        test-alternatives test-demo test-trace test-servers test-cli

all: programs test-binaries
programs: $(ALL_PROGS)
test-binaries: $(ALL_TESTS) $(COMMON_TEST) $(if $(SAN),,$(GRADER_TOOLS) $(LIBC_NAMES))

# The sub-makes of `make test` set DEPS_DONE so the check runs once.
deps:
ifndef DEPS_DONE
	@tools/deps.sh $(DEPS_FOR)
endif

# The build says one line (its output goes to a log, shown when it fails), so
# even the first make demo on a fresh checkout fits a projector.
demo: DEPS_FOR := $(if $(LIVE),live,build)
demo: deps
	@mkdir -p build
	@echo "make demo: building the programs (the compiler's output goes to build/demo-build.log)"
	@$(MAKE) --no-print-directory DEPS_DONE=1 programs >build/demo-build.log 2>&1 || \
	    { tail -n 30 build/demo-build.log; echo "make demo: the build failed (above; all of it in build/demo-build.log)" >&2; exit 1; }
	@$(if $(LIVE),$(MAKE) --no-print-directory DEPS_DONE=1 live,tools/demo.sh $(BUILD))

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
GRADE_TSAN_BUILT = $(foreach lab,$(GRADE_TSAN_LABS),$(if $($(IMPL)_$(lab)_CALLS),build/san-thread/$(IMPL)/$(lab)/agent_$(lab)) build/san-thread/$(IMPL)/$(lab)/test_$(lab))
# Sanitizers need more memory per test than plain builds.
GRADE_MEMORY_MB ?= $(if $(SAN),4096,1024)
# KEEP_GOING=1 (batch and Gradescope grading): a lab that does not compile
# scores 0 with the compiler's messages, and the other labs are still graded;
# POINTS_DIR holds each lab's test table (from the pristine kit) to grade by.
# GRADE_LIMIT=seconds: the whole grading ends in time, each lab within its share.
# GRADE_LOCK_DOWN=1 (a throwaway kit copy, as root): only root may read the kit.
#
# The kit's own build goes to GRADE_DIR/build.log; the student's files are
# compiled and linked by grade.sh, in a jail (judge --step), each lab's
# output in GRADE_DIR/parts/build-LAB.log. A lab that does not compile scores
# 0, with the compiler's messages about the student's own files shown
# (indented, escaped), and the other labs are still graded. Nothing old is
# graded in place of what fails to build; results.json and junit.xml of an
# earlier run are removed first.
grade: deps
	@if [ -n "$(LAB)" ] && [ -z "$(GRADE_LABS)" ]; then \
	    echo "make grade: there is no lab '$(LAB)'. The labs are:" >&2; \
	    for l in $(LABS); do echo "    LAB=$${l%%-*}   ($$l)" >&2; done; exit 2; fi
	@if [ "$(IMPL)" = solutions ] && [ ! -d solutions ]; then \
	    echo "make grade: the reference solutions are not part of the student kit, so IMPL=solutions" >&2; \
	    echo "    has nothing to grade. Grade your own work: make grade (or make grade LAB=02)." >&2; exit 2; fi
	@# Results are private (0700, every file 0600), and none from an earlier run stays.
	@mkdir -p $(GRADE_DIR) && chmod 700 $(GRADE_DIR) && rm -f $(GRADE_DIR)/results.json $(GRADE_DIR)/junit.xml
	@rm -f $(GRADE_DIR)/build.log && (umask 077 && : >$(GRADE_DIR)/build.log)
	@echo "make grade: building $(if $(LAB),lab $(GRADE_LABS),every lab) ($(IMPL)$(if $(SAN), with $(SAN))); the compiler's output goes to $(GRADE_DIR)/build.log"
	@# Everything but the student's files is built here; grade.sh compiles and
	@# links those in a jail (judge --step), then grades them.
	@$(MAKE) --no-print-directory DEPS_DONE=1 SAN= LAB=$(LAB) IMPL=$(IMPL) grade-given >>$(GRADE_DIR)/build.log 2>&1 || \
	    { tail -n 30 $(GRADE_DIR)/build.log; echo "make grade: the grader itself did not build (above)" >&2; exit 3; }
	$(if $(SAN),@$(MAKE) --no-print-directory DEPS_DONE=1 LAB=$(LAB) IMPL=$(IMPL) grade-given >>$(GRADE_DIR)/build.log 2>&1 || \
	    { tail -n 30 $(GRADE_DIR)/build.log; echo "make grade: the grader itself did not build (above)" >&2; exit 3; })
	$(if $(GRADE_TSAN_LABS),@$(MAKE) --no-print-directory DEPS_DONE=1 SAN=thread GRADE_LABS="$(GRADE_TSAN_LABS)" IMPL=$(IMPL) grade-given >>$(GRADE_DIR)/build.log 2>&1 || \
	    { tail -n 30 $(GRADE_DIR)/build.log; echo "make grade: the grader itself did not build (above)" >&2; exit 3; })
	@tests/grader/grade.sh --build $(BUILD) --impl $(IMPL) --out $(GRADE_DIR) --plain-build build/plain $(if $(SAN),--san $(SAN)) \
	    $(if $(LAB),--lab $(firstword $(GRADE_LABS))) --memory-mb $(GRADE_MEMORY_MB) \
	    $(if $(TEST),--only $(TEST)) $(if $(HIDDEN),--hidden) $(if $(GRADE_EXPECT),--expect $(GRADE_EXPECT)) \
	    --build-log $(GRADE_DIR)/build.log --points-dir $(or $(POINTS_DIR),build/plain/$(IMPL)/tables) \
	    $(if $(GRADE_NOTES),--notes $(GRADE_NOTES)) $(if $(GRADE_LIMIT),--limit $(GRADE_LIMIT)) \
	    $(if $(GRADE_LOCK_DOWN),--lock-down) $(if $(GRADE_TSAN_LABS),--tsan-build build/san-thread)

.PHONY: grade-build grade-prepare grade-given grade-plan grade-record
# It compiles the student's files too, outside any jail: run it on the kit's
# own sources only (a pristine kit, the reference). It records which sources
# it built from and the objects it made of them (PRISTINE), so grading can
# use those builds as they are for a lab whose files a submission left
# untouched (and whose objects no jail has since replaced).
PRISTINE = $(BUILD)/$(IMPL)/pristine.sha256
RECORD_LABS ?= $(GRADE_USED_LABS)
define record-pristine
$(Q)objs="$(foreach lab,$(RECORD_LABS),$($(IMPL)_$(lab)_STUDENT))"; \
    srcs="$(patsubst $(BUILD)/$(IMPL)/%.o,$(IMPL)/%.c,$(foreach lab,$(RECORD_LABS),$($(IMPL)_$(lab)_STUDENT)))"; \
    { grep -vF -f <(printf '  %s\n' $$srcs $$objs) $(PRISTINE) 2>/dev/null; sha256sum $$srcs $$objs; } >$(PRISTINE).new && \
    mv $(PRISTINE).new $(PRISTINE)
endef
grade-build: $(GRADE_BUILT) $(if $(SAN),,$(GRADER_TOOLS) $(LIBC_NAMES) $(foreach lab,$(GRADE_LABS),$($(IMPL)_$(lab)_NAMES)))
	$(record-pristine)
grade-record:
	$(record-pristine)

# What grading builds outside the jail: nothing of the student's. A graded
# lab's given and test objects (and those of the labs it uses), the harness,
# the common library; the judge and the C library's names in plain builds.
GRADE_USED_LABS = $(sort $(GRADE_LABS) $(foreach lab,$(GRADE_LABS),$(LAB_USES_$(lab))))
# A lab tested across the call boundary has checkers that hold no student
# code (boundary.h): they are given too, and only its agent and programs are
# linked with the student's objects.
GRADE_CHECKERS = $(foreach lab,$(GRADE_LABS),$(if $($(IMPL)_$(lab)_AGENT),$($(IMPL)_$(lab)_TEST) $($(IMPL)_$(lab)_HTEST)))
GRADE_GIVEN = $(foreach lab,$(GRADE_USED_LABS),$($(IMPL)_$(lab)_GIVEN) $($(IMPL)_$(lab)_TOBJS)) $(GRADE_CHECKERS) \
              $(if $(SAN),,$(foreach lab,$(GRADE_LABS),$($(IMPL)_$(lab)_TABLES) $($(IMPL)_$(lab)_NAMES))) \
              $(HARNESS_OBJS) $(FAULT_OBJ) $(BOUNDARY_CHECKER_OBJS) $(AGENT_OBJS) $(COMMON_LIB)
grade-given: $(GRADE_GIVEN) $(if $(SAN),,$(GRADER_TOOLS) $(LIBC_NAMES))
	@:

# One line per graded lab, for tests/grader/grade.sh: the lab, then the student's
# objects it needs (its own and those of the labs it uses), then what links
# them (the agent, or the test binaries of a lab without one; programs).
# Paths are relative to the kit.
grade-plan:
	@$(foreach lab,$(GRADE_LABS),echo "$(lab)|$(strip $(foreach l,$(lab) $(LAB_USES_$(lab)),$($(IMPL)_$(l)_STUDENT)))|$(strip $(or $($(IMPL)_$(lab)_AGENT),$($(IMPL)_$(lab)_TEST) $($(IMPL)_$(lab)_HTEST)) $($(IMPL)_$(lab)_PROGS))";)

# Everything a grading of this kit compiles (test binaries, hidden ones with
# HIDDEN=1, programs, the judge, the ThreadSanitizer builds), built once from
# the pristine kit: each submission graded in a copy of it then compiles only
# its own files. Used by the batch grader and Gradescope's setup.sh.
grade-prepare: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 SAN= grade-build
	@# Recorded once built (the record holds the objects' sums): not as a goal
	@# beside them, which a parallel make may run first.
	$(if $(GRADE_TSAN_BUILT),@$(MAKE) --no-print-directory DEPS_DONE=1 SAN=thread $(GRADE_TSAN_BUILT) && \
	    $(MAKE) --no-print-directory DEPS_DONE=1 SAN=thread grade-record \
	    RECORD_LABS="$(GRADE_TSAN_LABS) $(foreach l,$(GRADE_TSAN_LABS),$(LAB_USES_$(l)))")

# make test runs in a temporary folder and with a name prefix of its own, so
# two runs on one machine (or a grader beside it) never see each other's
# files, and the leftover check at the end counts only this run's.
# First everything is built (once, in one make, so no two parts ever build
# the same file), then the parts run side by side, TEST_JOBS at a time
# (tools/test-stages.sh), each with its own log in build/test/logs/.
TEST_RUN_TMP := $(CURDIR)/build/test/tmp
TEST_RUN_PREFIX := ipckit-t$(shell echo $$PPID)
TEST_JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
# Longest first: the run ends when its slowest part does. test-servers is
# 20 s of waiting for hostile clients with almost no CPU, so it goes beside
# the two longest, which keep both cores busy meanwhile; the slides (20 s of
# a browser) before the short parts, which then fill the end.
TEST_STAGES := test-judge test-instructor test-servers test-tsan test-alternatives test-slides \
               test-asan test-solutions test-demo test-windows test-wire test-skeletons \
               test-trace test-live test-cli test-common
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
# Marp's node_modules too: test-slides and test-live both need them, and two
# npm ci runs at once in one folder trip over each other.
test-build:
	@$(TEST_BUILD_MAKE) all $(JSON_CHECK) $(TRACE_CHART) $(TRACE_CHART_TEST) wire-programs $(LIVE_BIN) $(SLIDES_NPM) \
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
	@tools/bench-run-info.sh $(BENCH_DIR) make bench$(if $(FULL), FULL=1) IMPL=$(IMPL)$(if $(LAB), LAB=$(LAB))
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

# make grade-batch SUBMISSIONS=DIR [JOBS=2] [LIMIT=600] [LAB=02] [PUBLISH=1]
# PUBLISH=1: the students' reports show the hidden tests in full.
JOBS  ?= 2
LIMIT ?= 600
grade-batch: DEPS_FOR := instructor
grade-batch: deps
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-batch SUBMISSIONS=DIR [JOBS=N] [LIMIT=seconds] [LAB=NN] [PUBLISH=1]"; exit 2; }
	@PUBLISH=$(PUBLISH) tools/instructor/grade-batch.sh $(SUBMISSIONS) build/batch $(JOBS) $(LIMIT) $(LAB)

classroom: deps
	@mkdir -p build/classroom
	@tools/instructor/classroom.sh . >build/classroom/classroom.yml
	@echo "classroom: wrote build/classroom/classroom.yml (put it in .github/workflows/)"

test-judge: DEPS_FOR := instructor
test-judge: deps
	@$(MAKE) --no-print-directory -s DEPS_DONE=1 HIDDEN=1 test-binaries $(JSON_CHECK)
	@tools/instructor/tests/test_judge.sh $(BUILD)

# test_batch.sh reads the labs' tables from their test binaries, hidden ones too.
test-batch: DEPS_FOR := instructor
test-batch: deps
	@$(MAKE) --no-print-directory -s DEPS_DONE=1 HIDDEN=1 test-binaries
	@tools/instructor/tests/test_batch.sh $(BUILD)

test-instructor: DEPS_FOR := instructor
test-instructor: deps
	@$(MAKE) --no-print-directory DEPS_DONE=1 $(JSON_CHECK)
	@tools/instructor/tests/test_instructor.sh $(BUILD)

# Alternative correct solutions (tools/instructor/alternatives/) must all get full marks.
test-alternatives:
	@tools/instructor/alternatives/run.sh $(LAB)

# Instructor tooling: single-bug variants of the solutions must all lose
# points (tools/instructor/mutants/); slow, so not part of `make test`.
mutants:
	@tools/instructor/mutants/run.sh $(LAB) $(if $(MUTANT),-k $(MUTANT))

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

LINT_FILES = $(shell find common labs solutions tests tools/instructor -name '*.[ch]' 2>/dev/null)
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

# Parts of the kit that bring their own rules: the slides and the trace chart,
# lab 04 for Windows, the wire, the live view (make bench is above).
-include $(wildcard slides/slides.mk labs/04-tcp-lifecycle/win/windows.mk \
                    tools/wire/wire.mk tools/live/live.mk)

# The dependency files of what this make can build: its own variant and the
# plain one (the grader's tools); of both implementations for the goals that
# build both (all, programs, test-binaries), else of IMPL's alone. Not those
# of kit copies nested under build/ (alternatives, mutants), which name the
# same targets with their own paths, nor of other variants: reading them is
# most of the time a make takes to start, and grading runs make often.
# A make that only prints (grade-plan, help) builds nothing and reads none.
PRINT_ONLY := $(and $(MAKECMDGOALS),$(if $(filter-out grade-plan help,$(MAKECMDGOALS)),,yes))
BOTH_IMPLS := $(if $(MAKECMDGOALS),$(filter all programs test-binaries test-build,$(MAKECMDGOALS)),all)
DEP_IMPLS := $(if $(BOTH_IMPLS),labs solutions,$(IMPL))
DEP_ROOTS := $(if $(PRINT_ONLY),,$(filter-out $(addprefix %/,$(filter-out $(DEP_IMPLS),labs solutions)), \
                 $(wildcard $(addsuffix /*,$(sort $(BUILD) build/plain)))))
-include $(if $(DEP_ROOTS),$(shell find $(DEP_ROOTS) -name '*.d' 2>/dev/null))
