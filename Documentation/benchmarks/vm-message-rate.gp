set terminal svg size 900,540 dynamic font "sans,13" background rgb "white"
set output "vm-message-rate.svg"
set title "Message rate, busy-poll, copying (inside a VM; libshm-ivshmem: across two)" noenhanced
set xlabel "message size (bytes)"
set ylabel "messages per second"
set logscale xy
set grid xtics ytics mytics lc rgb "#dddddd"
set key outside right top noenhanced
set bars small
set xtics ("1" 1, "4" 4, "16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536)
plot "data/vm-message-rate-0.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "libshm-kernel", \
     "data/vm-message-rate-1.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "libshm-ivshmem", \
     "data/vm-message-rate-2.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "floor", \
     "data/vm-message-rate-3.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "pipe", \
     "data/vm-message-rate-4.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "unix", \
     "data/vm-message-rate-5.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title "mqueue"
