#!/usr/bin/env bash
# Builds what the GPU machine runs for issue 8 into .gpu-stage/ (ignored): the benchmark's jars without
# the CPU natives (trimmed to linux-x86_64 / cu124), the run script, and the few ../shared files it reads
# (../shared does not travel to the device machine). libtorch cu124 and a JRE are staged separately with
# ../shared/gpu/prepare-stage.sh (see ../shared/gpu/README.md and bench/RESULTS.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd); cd "$root"
./mvnw -q -B -o install -pl common/contracts,common/testing,common/llm -DskipTests
./mvnw -q -B -o package -pl bench -DskipTests
app=.gpu-stage/app; rm -rf "$app" .gpu-stage/shared; mkdir -p "$app" .gpu-stage/shared/models .gpu-stage/shared/data
for j in api-0.33.0 commons-compress-1.28.0 commons-io-2.21.0 gson-2.13.2 jackson-annotations-2.21 jackson-core-2.21.2 \
         jackson-databind-2.21.2 jackson-datatype-jsr310-2.21.2 jna-5.8.0 lorastream-contracts-0.1.0-SNAPSHOT \
         lorastream-llm-0.1.0-SNAPSHOT lorastream-testing-0.1.0-SNAPSHOT pytorch-engine-0.33.0 pytorch-jni-2.5.1-0.33.0 slf4j-api-2.0.17 slf4j-simple-2.0.17 \
         tokenizers-0.33.0; do
  cp "bench/target/lib/$j.jar" "$app/"
done
(cd bench/target/classes && zip -qr "$root/$app/lorastream-bench.jar" .)
zip -qd "$app/tokenizers-0.33.0.jar" 'native/lib/linux-aarch64/*' 'native/lib/win-x86_64/*' 'native/lib/osx-aarch64/*'
zip -qd "$app/pytorch-jni-2.5.1-0.33.0.jar" 'jnilib/linux-aarch64/*' 'jnilib/osx-aarch64/*' 'jnilib/win-x86_64/*' \
  'jnilib/linux-x86_64/cpu*' 'jnilib/linux-x86_64/cu124-precxx11/*'
cp bench/gpu/run-gpu.sh "$app/"
cp -r ../shared/gpu .gpu-stage/shared/
cp -r ../shared/models/llama3-tokenizer ../shared/models/llama-3.1-8b-instruct-config .gpu-stage/shared/models/
cp -r ../shared/data/tweeteval-sentiment .gpu-stage/shared/data/
du -sh "$app" .gpu-stage/shared
