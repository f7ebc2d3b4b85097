# kafka-python (Debian python3-kafka 2.0.2) side of the interop proof, run by
# test/interop/broker-kafka-python.test.ts through helpers/python.ts. Subcommands:
#   create-topic  --bootstrap B --topic T --partitions P [--replication R]
#   produce       --bootstrap B --topic T --count N [--keys K] [--prefix S]   (acks='all')
#   consume       --bootstrap B --topic T --group G --expect N [--max-seconds S]
#                 (group member, enable_auto_commit=False, consumer.commit() after each poll)
# Each prints one JSON object as its last stdout line; kafka-python's log goes to stderr
# (DEBUG when KAFKATS_INTEROP_DEBUG=1). Exit code 0 only when the step did what it was asked.
import argparse
import json
import logging
import os
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic


def log_setup():
    level = logging.DEBUG if os.environ.get('KAFKATS_INTEROP_DEBUG') == '1' else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=level,
                        format='%(asctime)s %(name)s %(levelname)s %(message)s')


def servers(bootstrap):
    return bootstrap.split(',')


def create_topic(args):
    admin = KafkaAdminClient(bootstrap_servers=servers(args.bootstrap), client_id='kafkats-interop-admin',
                             request_timeout_ms=20000)
    try:
        admin.create_topics([NewTopic(name=args.topic, num_partitions=args.partitions,
                                      replication_factor=args.replication)], timeout_ms=20000)
        topics = admin.list_topics()
    finally:
        admin.close()
    return {'created': args.topic, 'listed': args.topic in topics}


def produce(args):
    producer = KafkaProducer(bootstrap_servers=servers(args.bootstrap), client_id='kafkats-interop-producer',
                             acks='all', retries=5, linger_ms=5, request_timeout_ms=20000,
                             key_serializer=str.encode, value_serializer=str.encode)
    futures = []
    sent = []
    for i in range(args.count):
        key = 'k%d' % (i % args.keys)
        value = '%s-%d' % (args.prefix, i)
        futures.append(producer.send(args.topic, key=key, value=value))
        sent.append({'key': key, 'value': value})
    producer.flush(timeout=30)
    for entry, future in zip(sent, futures):
        meta = future.get(timeout=30)
        entry['partition'] = meta.partition
        entry['offset'] = meta.offset
    producer.close(timeout=10)
    return {'produced': sent}


def consume(args):
    consumer = KafkaConsumer(bootstrap_servers=servers(args.bootstrap), client_id='kafkats-interop-consumer',
                             group_id=args.group, enable_auto_commit=False, auto_offset_reset='earliest',
                             session_timeout_ms=10000, heartbeat_interval_ms=1000,
                             fetch_max_wait_ms=200, request_timeout_ms=20000,
                             key_deserializer=lambda b: None if b is None else b.decode(),
                             value_deserializer=lambda b: None if b is None else b.decode())
    consumer.subscribe([args.topic])
    records = []
    commits = 0
    deadline = time.time() + args.max_seconds
    settled_polls = 0
    try:
        while time.time() < deadline:
            batch = consumer.poll(timeout_ms=200)
            for tp, msgs in batch.items():
                for m in msgs:
                    records.append({'partition': m.partition, 'offset': m.offset, 'key': m.key, 'value': m.value})
            if batch:
                consumer.commit()
                commits += 1
            assigned = consumer.assignment()
            if not assigned or len(records) < args.expect:
                continue
            # Everything expected was read: stop once every assigned partition's position has
            # reached its end offset (so nothing beyond the expected count is waiting), after
            # two more polls to give unexpected extra records a chance to show up.
            ends = consumer.end_offsets(list(assigned))
            if all(consumer.position(tp) >= ends[tp] for tp in assigned):
                settled_polls += 1
                if settled_polls > 2:
                    break
        assignment = sorted(tp.partition for tp in consumer.assignment())
        partitions = consumer.partitions_for_topic(args.topic) or set()
        tps = [TopicPartition(args.topic, p) for p in sorted(partitions)]
        ends = consumer.end_offsets(tps)
        committed = {str(tp.partition): consumer.committed(tp) for tp in tps}
        positions = {str(tp.partition): consumer.position(tp) for tp in consumer.assignment()}
    finally:
        consumer.close(autocommit=False)
    return {
        'records': records,
        'commits': commits,
        'assignment': assignment,
        'positions': positions,
        'committed': committed,
        'endOffsets': {str(tp.partition): off for tp, off in ends.items()},
        'finished': len(records) >= args.expect,
    }


def main():
    log_setup()
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('create-topic')
    p.add_argument('--bootstrap', required=True)
    p.add_argument('--topic', required=True)
    p.add_argument('--partitions', type=int, required=True)
    p.add_argument('--replication', type=int, default=1)
    p = sub.add_parser('produce')
    p.add_argument('--bootstrap', required=True)
    p.add_argument('--topic', required=True)
    p.add_argument('--count', type=int, required=True)
    p.add_argument('--keys', type=int, default=17)
    p.add_argument('--prefix', default='py')
    p = sub.add_parser('consume')
    p.add_argument('--bootstrap', required=True)
    p.add_argument('--topic', required=True)
    p.add_argument('--group', required=True)
    p.add_argument('--expect', type=int, required=True)
    p.add_argument('--max-seconds', type=float, default=40)
    args = parser.parse_args()
    handler = {'create-topic': create_topic, 'produce': produce, 'consume': consume}[args.cmd]
    result = handler(args)
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
