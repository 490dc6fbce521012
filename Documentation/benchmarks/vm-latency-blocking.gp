set terminal svg size 900,540 dynamic font "sans,13" background rgb "white"
set output "vm-latency-blocking.svg"
set title "One-way latency, p50, blocking (inside a VM; libshm-ivshmem: across two)" noenhanced
set xlabel "message size (bytes)"
set ylabel "ns"
set logscale xy
set grid xtics ytics mytics lc rgb "#dddddd"
set key outside right top noenhanced
set bars small
set xtics ("1" 1, "4" 4, "16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536)
plot "data/vm-latency-blocking-0.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "libshm-ivshmem"
