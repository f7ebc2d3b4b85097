// Golden cases for Produce (v3, v7, v9, v10 with tagged CurrentLeader/NodeEndpoints) and Fetch
// (v4, v11, v13 with topic ids and a tagged request field). Bytes follow NOTES.md §c: int16/int32
// lengths before the flexible version, compact lengths and a tagged-field section per struct after.
import { bb } from '../../helpers/byte-builder.js'
import { type GoldenCase, RECORDS, TOPIC_ID, TOPIC_ID_2, ZERO_UUID } from './types.js'

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 }

// ---- Produce ---------------------------------------------------------------------------------

const produceV3Request = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'orders', partitionData: [{ index: 0, records: RECORDS }] }],
}

const produceV3: GoldenCase = {
  name: 'Produce v3',
  apiKey: 0,
  version: 3,
  request: produceV3Request,
  requestBytes: bb().str(null).i16(-1).i32(30000).arr(1).str('orders').arr(1).i32(0).bytes(RECORDS).build(),
  response: {
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          {
            index: 0,
            errorCode: 0,
            baseOffset: 42n,
            logAppendTimeMs: -1n,
            logStartOffset: -1n,
            recordErrors: [],
            errorMessage: null,
            currentLeader: NO_LEADER,
          },
        ],
      },
    ],
    throttleTimeMs: 0,
    nodeEndpoints: [],
  },
  responseBytes: bb().arr(1).str('orders').arr(1).i32(0).i16(0).i64(42n).i64(-1n).i32(0).build(),
}

const produceV7: GoldenCase = {
  name: 'Produce v7',
  apiKey: 0,
  version: 7,
  request: {
    transactionalId: 'txn-1',
    acks: 1,
    timeoutMs: 1500,
    topicData: [
      { name: 'a', partitionData: [{ index: 1, records: RECORDS }, { index: 2, records: null }] },
      { name: 'b', partitionData: [] },
    ],
  },
  requestBytes: bb()
    .str('txn-1')
    .i16(1)
    .i32(1500)
    .arr(2)
    .str('a')
    .arr(2)
    .i32(1)
    .bytes(RECORDS)
    .i32(2)
    .bytes(null)
    .str('b')
    .arr(0)
    .build(),
  response: {
    responses: [
      {
        name: 'a',
        partitionResponses: [
          {
            index: 1,
            errorCode: 6,
            baseOffset: -1n,
            logAppendTimeMs: 1700000000000n,
            logStartOffset: 5n,
            recordErrors: [],
            errorMessage: null,
            currentLeader: NO_LEADER,
          },
        ],
      },
    ],
    throttleTimeMs: 10,
    nodeEndpoints: [],
  },
  responseBytes: bb()
    .arr(1)
    .str('a')
    .arr(1)
    .i32(1)
    .i16(6)
    .i64(-1n)
    .i64(1700000000000n)
    .i64(5n)
    .i32(10)
    .build(),
}

const produceFlexRequest = {
  transactionalId: 'txn-1',
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'orders', partitionData: [{ index: 0, records: RECORDS }] }],
}
const produceFlexRequestBytes = bb()
  .cstr('txn-1')
  .i16(-1)
  .i32(30000)
  .carr(1)
  .cstr('orders')
  .carr(1)
  .i32(0)
  .cbytes(RECORDS)
  .tags(0) // PartitionProduceData
  .tags(0) // TopicProduceData
  .tags(0) // body
  .build()

const produceV9: GoldenCase = {
  name: 'Produce v9',
  apiKey: 0,
  version: 9,
  request: produceFlexRequest,
  requestBytes: produceFlexRequestBytes,
  response: {
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          {
            index: 0,
            errorCode: 87,
            baseOffset: -1n,
            logAppendTimeMs: -1n,
            logStartOffset: 0n,
            recordErrors: [{ batchIndex: 3, batchIndexErrorMessage: 'bad' }],
            errorMessage: 'invalid record',
            currentLeader: NO_LEADER,
          },
        ],
      },
    ],
    throttleTimeMs: 0,
    nodeEndpoints: [],
  },
  responseBytes: bb()
    .carr(1)
    .cstr('orders')
    .carr(1)
    .i32(0)
    .i16(87)
    .i64(-1n)
    .i64(-1n)
    .i64(0n)
    .carr(1)
    .i32(3)
    .cstr('bad')
    .tags(0) // BatchIndexAndErrorMessage
    .cstr('invalid record')
    .tags(0) // PartitionProduceResponse (CurrentLeader at its default: not written)
    .tags(0) // TopicProduceResponse
    .i32(0)
    .tags(0) // body (NodeEndpoints empty: not written)
    .build(),
}

// v10: CurrentLeader is tag 0 of the partition, NodeEndpoints is tag 0 of the body; a tagged
// struct's value is the struct with its own tagged-field section.
const produceV10: GoldenCase = {
  name: 'Produce v10 (tagged CurrentLeader + NodeEndpoints)',
  apiKey: 0,
  version: 10,
  request: produceFlexRequest,
  requestBytes: produceFlexRequestBytes,
  response: {
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          {
            index: 0,
            errorCode: 6,
            baseOffset: -1n,
            logAppendTimeMs: -1n,
            logStartOffset: -1n,
            recordErrors: [],
            errorMessage: 'not leader',
            currentLeader: { leaderId: 2, leaderEpoch: 7 },
          },
        ],
      },
    ],
    throttleTimeMs: 0,
    nodeEndpoints: [{ nodeId: 2, host: 'broker2', port: 9092, rack: null }],
  },
  responseBytes: bb()
    .carr(1)
    .cstr('orders')
    .carr(1)
    .i32(0)
    .i16(6)
    .i64(-1n)
    .i64(-1n)
    .i64(-1n)
    .carr(0)
    .cstr('not leader')
    .tags([[0, bb().i32(2).i32(7).tags(0)]])
    .tags(0)
    .i32(0)
    .tags([[0, bb().carr(1).i32(2).cstr('broker2').i32(9092).cstr(null).tags(0)]])
    .build(),
}

// ---- Fetch -----------------------------------------------------------------------------------

const NO_REPLICA_STATE = { replicaId: -1, replicaEpoch: -1n }
const NO_DIVERGING = { epoch: -1, endOffset: -1n }
const NO_SNAPSHOT = { endOffset: -1n, epoch: -1 }

const fetchV4: GoldenCase = {
  name: 'Fetch v4',
  apiKey: 1,
  version: 4,
  request: {
    clusterId: null,
    replicaId: -1,
    replicaState: NO_REPLICA_STATE,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52428800,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 'orders',
        topicId: ZERO_UUID,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 100n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1048576,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  },
  requestBytes: bb()
    .i32(-1)
    .i32(500)
    .i32(1)
    .i32(52428800)
    .i8(1)
    .arr(1)
    .str('orders')
    .arr(1)
    .i32(0)
    .i64(100n)
    .i32(1048576)
    .build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        topicId: ZERO_UUID,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 200n,
            lastStableOffset: 180n,
            logStartOffset: -1n,
            divergingEpoch: NO_DIVERGING,
            currentLeader: NO_LEADER,
            snapshotId: NO_SNAPSHOT,
            abortedTransactions: [{ producerId: 7n, firstOffset: 150n }],
            preferredReadReplica: -1,
            records: RECORDS,
          },
        ],
      },
    ],
    nodeEndpoints: [],
  },
  responseBytes: bb()
    .i32(0)
    .arr(1)
    .str('orders')
    .arr(1)
    .i32(0)
    .i16(0)
    .i64(200n)
    .i64(180n)
    .arr(1)
    .i64(7n)
    .i64(150n)
    .bytes(RECORDS)
    .build(),
}

const fetchV11: GoldenCase = {
  name: 'Fetch v11',
  apiKey: 1,
  version: 11,
  request: {
    clusterId: null,
    replicaId: -1,
    replicaState: NO_REPLICA_STATE,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1000,
    isolationLevel: 0,
    sessionId: 123,
    sessionEpoch: 4,
    topics: [
      {
        topic: 'orders',
        topicId: ZERO_UUID,
        partitions: [
          {
            partition: 2,
            currentLeaderEpoch: 5,
            fetchOffset: 10n,
            lastFetchedEpoch: -1,
            logStartOffset: 0n,
            partitionMaxBytes: 500,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [{ topic: 'old', topicId: ZERO_UUID, partitions: [0, 1] }],
    rackId: 'rack-a',
  },
  requestBytes: bb()
    .i32(-1)
    .i32(500)
    .i32(1)
    .i32(1000)
    .i8(0)
    .i32(123)
    .i32(4)
    .arr(1)
    .str('orders')
    .arr(1)
    .i32(2)
    .i32(5)
    .i64(10n)
    .i64(0n)
    .i32(500)
    .arr(1)
    .str('old')
    .arr(2)
    .i32(0)
    .i32(1)
    .str('rack-a')
    .build(),
  response: {
    throttleTimeMs: 3,
    errorCode: 0,
    sessionId: 123,
    responses: [
      {
        topic: 'orders',
        topicId: ZERO_UUID,
        partitions: [
          {
            partitionIndex: 2,
            errorCode: 0,
            highWatermark: 20n,
            lastStableOffset: 20n,
            logStartOffset: 0n,
            divergingEpoch: NO_DIVERGING,
            currentLeader: NO_LEADER,
            snapshotId: NO_SNAPSHOT,
            abortedTransactions: null,
            preferredReadReplica: 2,
            records: null,
          },
        ],
      },
    ],
    nodeEndpoints: [],
  },
  responseBytes: bb()
    .i32(3)
    .i16(0)
    .i32(123)
    .arr(1)
    .str('orders')
    .arr(1)
    .i32(2)
    .i16(0)
    .i64(20n)
    .i64(20n)
    .i64(0n)
    .arr(null)
    .i32(2)
    .bytes(null)
    .build(),
}

// v13: topics by id; ClusterId is tag 0 of the request body.
const fetchV13: GoldenCase = {
  name: 'Fetch v13 (topic ids, tagged ClusterId)',
  apiKey: 1,
  version: 13,
  request: {
    clusterId: 'cluster-1',
    replicaId: -1,
    replicaState: NO_REPLICA_STATE,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 2000,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: '',
        topicId: TOPIC_ID,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: 1,
            fetchOffset: 5n,
            lastFetchedEpoch: 1,
            logStartOffset: -1n,
            partitionMaxBytes: 1000,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [{ topic: '', topicId: TOPIC_ID_2, partitions: [3] }],
    rackId: '',
  },
  requestBytes: bb()
    .i32(-1)
    .i32(500)
    .i32(1)
    .i32(2000)
    .i8(1)
    .i32(0)
    .i32(-1)
    .carr(1)
    .uuid(TOPIC_ID)
    .carr(1)
    .i32(0)
    .i32(1)
    .i64(5n)
    .i32(1)
    .i64(-1n)
    .i32(1000)
    .tags(0)
    .tags(0)
    .carr(1)
    .uuid(TOPIC_ID_2)
    .carr(1)
    .i32(3)
    .tags(0)
    .cstr('')
    .tags([[0, bb().cstr('cluster-1')]])
    .build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 77,
    responses: [
      {
        topic: '',
        topicId: TOPIC_ID,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 9n,
            lastStableOffset: 9n,
            logStartOffset: 0n,
            divergingEpoch: NO_DIVERGING,
            currentLeader: { leaderId: 1, leaderEpoch: 5 },
            snapshotId: NO_SNAPSHOT,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: RECORDS,
          },
        ],
      },
    ],
    nodeEndpoints: [],
  },
  responseBytes: bb()
    .i32(0)
    .i16(0)
    .i32(77)
    .carr(1)
    .uuid(TOPIC_ID)
    .carr(1)
    .i32(0)
    .i16(0)
    .i64(9n)
    .i64(9n)
    .i64(0n)
    .carr(0)
    .i32(-1)
    .cbytes(RECORDS)
    .tags([[1, bb().i32(1).i32(5).tags(0)]])
    .tags(0)
    .tags(0)
    .build(),
}

export const PRODUCE_FETCH_CASES: readonly GoldenCase[] = [produceV3, produceV7, produceV9, produceV10, fetchV4, fetchV11, fetchV13]
