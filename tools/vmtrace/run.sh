#!/bin/sh
# The vmtrace boot test's workload, run as pid 1 (rdinit=/bin/sh): ls, a
# pipeline, a fork-heavy loop, a program using 2 MiB pages; then power off
# by exec, so that pid 1's own state is recorded too.
ls /
ls -l /bin | head -n 3
echo "a pipeline through tr and wc" | tr a-z A-Z | wc -c
i=0
while [ $i -lt 12 ]; do
	( : ) ; /bin/true; x=$(echo $i)
	i=$((i + 1))
done
echo "forks done: $i"
/vmtrace/hugetouch
echo "vmtrace workload done"
exec poweroff -f
