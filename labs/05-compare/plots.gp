# plots.gp - draw lab 05's results as SVG (gnuplot 5).
#
# usage: gnuplot -e "dir='build/bench'" labs/05-compare/plots.gp
# Reads dir/results.csv and writes dir/throughput.svg, dir/rtt.svg and
# dir/cpu.svg, ready for the slides.

if (!exists("dir")) dir = "build/bench"
csv = dir . "/results.csv"
mechanisms = "shm-lockfree shm-lock pipe unix tcp memcpy"
labels = "'shm ring, lock-free' 'shm ring, lock-based' 'pipe' 'UNIX socket' 'TCP loopback' 'memcpy (limit)'"

# Font 19 in a 1150x560 picture: the decks show it 540 px tall, so every
# text is 18 px or more on a 1280x720 slide (make test-slides checks).
set terminal svg size 1150,560 dynamic enhanced font "Sans,19" background "white"
# Line colours with a contrast of 4.5:1 or more on white (gnuplot's default
# fifth colour, yellow, has 1.3:1 and vanishes on a projector).
set linetype 1 lc rgb "#0969da"
set linetype 2 lc rgb "#cf222e"
set linetype 3 lc rgb "#1a7f37"
set linetype 4 lc rgb "#8250df"
set linetype 5 lc rgb "#9a6700"
set key outside right top
set grid
# One series: "size median" lines of one mechanism and metric, picked out
# of the CSV by awk (gnuplot runs the command after "<").
series(m, metric) = sprintf("< awk -F, '$1 == \"%s\" && $3 == \"%s\" { print $2, $4 }' %s", \
                            m, metric, csv)

# ---- throughput against message size, log-log ----
set output dir . "/throughput.svg"
set title "One-way throughput (median of trials, at the reader)"
set xlabel "message size (bytes)"
set ylabel "MB/s"
set logscale xy
set format x "%.0s%cB"
set format y "%.0f"
plot for [i=1:words(mechanisms)-1] series(word(mechanisms, i), "throughput_MBps") using 1:2 \
     with linespoints lw 2 pt 7 title word(labels, i), \
     series("memcpy", "throughput_MBps") using 1:2 with lines dt 2 lw 2 lc rgb "#777777" \
     title "memcpy (limit)"

# ---- round trip per mechanism at 64 bytes and 4 KiB, as bars ----
# awk turns the CSV rows into one line per mechanism: name, 64 B, 4 KiB (us).
rtt_table = "< awk -F, 'NR > 1 && $3 == \"rtt_ns\" && ($2 == 64 || $2 == 4096) { " . \
    "if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } v[$1 \" \" $2] = $4 / 1000 } " . \
    "END { for (i = 0; i < n; i++) { m = order[i]; a = v[m \" 64\"]; b = v[m \" 4096\"]; " . \
    "print m, (a == \"\" ? \"NaN\" : a), (b == \"\" ? \"NaN\" : b) } }' " . csv
set output dir . "/rtt.svg"
set title "Round trip, ping-pong (median; the cache line is the physical limit)"
unset logscale
set logscale y
set xlabel ""
set ylabel "microseconds (log scale)"
set format x "%g"
# Values span 0.05 to 5000 us: "%g" labels 0.1, 1, 10 ... ("%.0f" made the bottom "0").
set format y "%g"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics norotate
# A run without round trips (rtt.c not written yet) gets a note, not an error.
rtt_rows = int(system("awk -F, '$3 == \"rtt_ns\" && $1 != \"cacheline\"' " . csv . " | wc -l"))
if (rtt_rows > 0) {
    plot rtt_table using 2:xtic(1) title "64 B" lc rgb "#0969da", \
         '' using 3 title "4 KiB" lc rgb "#cf222e"
} else {
    unset logscale
    set label 1 "no round trips in this run" at graph 0.5, 0.5 center
    plot [0:1] [0:1] NaN notitle
    unset label 1
}

# ---- CPU time per message ----
set output dir . "/cpu.svg"
set title "CPU time of both processes per message (one-way runs)"
set style data linespoints
unset style histogram
set logscale xy
set xtics norotate
set xlabel "message size (bytes)"
set ylabel "ns of CPU per message"
set format x "%.0s%cB"
plot for [i=1:words(mechanisms)-1] series(word(mechanisms, i), "cpu_ns_per_msg") using 1:2 \
     with linespoints lw 2 pt 7 title word(labels, i)
