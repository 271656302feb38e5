#!/bin/bash
# Record a big real trace.dat for `npm run bench -- --dat FILE`: QEMU runs of SeaBIOS (the command
# of test/fixtures/traces/README.md) traced in a private tracefs instance with every kvm event,
# kvm_emulate_insn included, until the per-CPU ring buffers are full; then `trace-cmd extract`
# (version 7, zstd) and a version 6 uncompressed copy, which is the big file.
# Needs root, /dev/kvm, tracefs, qemu-system-x86_64 and trace-cmd. Usage:
#   bench/record-big-tracedat.sh DIR [MB_PER_CPU] [RUNS]   -> DIR/big.dat (v7), DIR/big-v6.dat
set -euo pipefail
dir=${1:?usage: record-big-tracedat.sh DIR [MB_PER_CPU] [RUNS]}
mb=${2:-600}
runs=${3:-12}
T=/sys/kernel/tracing
inst=hvbig-$$
I=$T/instances/$inst
trap '[ -d "$I" ] && { echo 0 >"$I/tracing_on"; rmdir "$I"; }' EXIT
mkdir -p "$dir"
mkdir "$I"
echo 0 >"$I/tracing_on"
echo $((mb * 1024)) >"$I/buffer_size_kb"
echo 1 >"$I/events/kvm/enable"
echo 1 >"$I/events/sched/sched_switch/enable"
echo 1 >"$I/options/event-fork"
echo 0 >"$I/options/overwrite" # stop when full rather than overwrite the oldest pages
echo >"$I/trace"
(
	echo $BASHPID >"$I/set_event_pid"
	echo 1 >"$I/tracing_on"
	echo "hvsync realtime_ns=$(date +%s%N)" >"$I/trace_marker"
	for _ in $(seq "$runs"); do
		timeout 2 qemu-system-x86_64 -enable-kvm -nographic -nodefaults -no-reboot -serial none -monitor none \
			-display none -machine pc -m 64 || true
	done
	# With the buffers full (the aim, and overwrite off) the kernel refuses the marker with EBADF.
	echo "hvsync realtime_ns=$(date +%s%N)" >"$I/trace_marker" || true
	echo 0 >"$I/tracing_on"
)
trace-cmd extract -B "$inst" -o "$dir/big.dat" >/dev/null 2>&1
trace-cmd convert --file-version 6 --compression none -i "$dir/big.dat" -o "$dir/big-v6.dat" >/dev/null 2>&1
ls -l "$dir"/big.dat "$dir"/big-v6.dat
