# Exit 1 when a result row of an rsm-bench CSV is malformed: a latency row
# whose percentiles are out of order, negative or not finite, or a bandwidth
# row without a positive, finite rate. Comment lines and the header are not
# rows. Used by the smoke checks (tools/check.d/70-bench-smoke.sh on the host,
# selftests/bench/vm_smoke.sh in the VM): they check figures are sane, never
# how large they are.
BEGIN { FS = "," }
/^(#|launch,)/ { next }
function finite(x) { return x ~ /^[0-9.]+(e[-+]?[0-9]+)?$/ }
{
	rows++
	if ($3 == "lat") {
		if (!(finite($9) && finite($13) && $9 <= $10 && $10 <= $11 && $11 <= $12 && $12 <= $13))
			bad++
	} else if (!(finite($15) && finite($16) && $15 > 0 && $16 > 0)) {
		bad++
	}
}
END { exit (bad > 0 || rows == 0) }
