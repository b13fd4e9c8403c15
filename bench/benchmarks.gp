# Speed-up over the naive loops by shape and implementation (float), one panel per operation.
# Called by bench/run with datafile and outfile set.
set terminal svg size 1100,420 font "sans,11" background rgb "white" noenhanced
set output outfile
set multiplot layout 1,3 title "fixnet: speed-up over naive loops (median, same run; higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.25:*]
set grid ytics
set xtics rotate by -35 font ",9"
set key top left font ",9"
titles = "forward train_step forward_batch"
do for [i=0:2] {
    set title word(titles, i + 1)
    plot datafile index i using 2:xtic(1) title "scalar" lc rgb "#999999", \
         '' index i using 3 title "simd" lc rgb "#2a6fbb", \
         '' index i using 4 title "eigen" lc rgb "#e08a2c", \
         1 notitle lc rgb "black" dt 2
}
unset multiplot
