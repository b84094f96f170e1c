#!/bin/sh
# Creates lorastream's Kafka topics, idempotently, for docker-compose.yml's kafka-init service.
# LORASTREAM_TOPICS lists "name:partitions" pairs (whitespace separated); the partition counts follow
# shared/notes/decisions.md (3 for lorastream.tweets and lorastream.sentiments, 1 for the others and
# for every .dlq twin), the same numbers as io.lorastream.contracts.Topics.defaultPartitions.
set -eu
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-kafka:29092}
replication=${LORASTREAM_TOPIC_REPLICATION:-1}
for spec in ${LORASTREAM_TOPICS:?LORASTREAM_TOPICS is empty}; do
  topic=${spec%%:*}
  partitions=${spec##*:}
  extra=""
  # dead letters are kept for two weeks for inspection (as the KafkaTopic resources in deploy/k8s)
  case "$topic" in *.dlq) extra="--config retention.ms=1209600000" ;; esac
  # shellcheck disable=SC2086
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor "$replication" $extra
done
echo "lorastream topics on $bootstrap:"
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list
