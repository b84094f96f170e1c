#!/usr/bin/env bash
# GPU run of issue 8: PEFT baseline then the Java engine, same card, same batches.
set -uo pipefail
SH=../shared; [ -f $SH/gpu/peft_baseline.py ] || SH=.gpu-stage/shared
echo "shared at $SH"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
export PYTORCH_LIBRARY_PATH=/root/stage/libtorch/linux-x86_64 PYTORCH_VERSION=2.5.1 PYTORCH_FLAVOR=cu124
# the product's setting (trainer GPU image); PYTORCH_CUDA_ALLOC_CONF= (empty) measures the default allocator
export PYTORCH_CUDA_ALLOC_CONF=${PYTORCH_CUDA_ALLOC_CONF-expandable_segments:True}
BATCHES=$OUT/batches.json
if [ "${SKIP_PEFT:-0}" = 1 ]; then BATCHES=${BATCHES_IN:?SKIP_PEFT=1 needs BATCHES_IN (a batches.json of an earlier baseline run)}; fi
if [ "${SKIP_PEFT:-0}" != 1 ]; then
  ( nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > $OUT/mem-peft.csv & echo $! > /tmp/smi.pid )
  PYTHONUNBUFFERED=1 BATCHES_OUT=$OUT/batches.json timeout 300 python3 $SH/gpu/peft_baseline.py $SH $OUT/peft.json 60 2 2>&1 | grep -v Warning | tail -8
  kill $(cat /tmp/smi.pid)
fi
( nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > $OUT/mem-java.csv & echo $! > /tmp/smi.pid )
timeout ${JAVA_TIMEOUT:-420} /root/stage/jre/bin/java -Xmx32g -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DRUST_FLAVOR=cpu \
  -Dlorastream.shared=$SH -Dlorastream.bench.results=$OUT -cp '.gpu-stage/app/*' io.lorastream.bench.GpuBenchmark \
  $BATCHES $OUT/gpu-java.json ${JAVA_ARGS:-} 2>&1 | grep -v -E 'WARN ai.djl.util.cuda|^\s*at ' | tail -60
kill $(cat /tmp/smi.pid)
echo "peak MiB (nvidia-smi) peft: $(sort -n $OUT/mem-peft.csv 2>/dev/null | tail -1) java: $(sort -n $OUT/mem-java.csv | tail -1)"
