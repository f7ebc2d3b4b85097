// Golden cases for Metadata (v1, v9, v12), ApiVersions (v0, v3 with tagged features),
// FindCoordinator (v1, v4), CreateTopics v5, InitProducerId v4, SaslHandshake v1 and
// SaslAuthenticate v2. Bytes follow NOTES.md §c; decoded objects list every field of our window.
import { bb } from '../../helpers/byte-builder.js'
import { type GoldenCase, INT32_MIN, TOPIC_ID, ZERO_UUID } from './types.js'

// ---- Metadata --------------------------------------------------------------------------------

const metadataV1: GoldenCase = {
  name: 'Metadata v1 (null topics = all)',
  apiKey: 3,
  version: 1,
  request: {
    topics: null,
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  },
  requestBytes: bb().arr(null).build(),
  response: {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: null,
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            leaderEpoch: -1,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
        topicAuthorizedOperations: INT32_MIN,
      },
    ],
    clusterAuthorizedOperations: INT32_MIN,
  },
  responseBytes: bb()
    .arr(1)
    .i32(1)
    .str('localhost')
    .i32(9092)
    .str(null)
    .i32(1)
    .arr(1)
    .i16(0)
    .str('orders')
    .bool(false)
    .arr(1)
    .i16(0)
    .i32(0)
    .i32(1)
    .arr(1)
    .i32(1)
    .arr(1)
    .i32(1)
    .build(),
}

export const METADATA_V9_RESPONSE = {
  throttleTimeMs: 0,
  brokers: [
    { nodeId: 1, host: 'b1', port: 9092, rack: 'r1' },
    { nodeId: 2, host: 'b2', port: 9093, rack: null },
  ],
  clusterId: 'abc',
  controllerId: 2,
  topics: [
    {
      errorCode: 0,
      name: 'orders',
      topicId: ZERO_UUID,
      isInternal: false,
      partitions: [
        {
          errorCode: 0,
          partitionIndex: 0,
          leaderId: 2,
          leaderEpoch: 3,
          replicaNodes: [2, 1],
          isrNodes: [2],
          offlineReplicas: [],
        },
      ],
      topicAuthorizedOperations: 248,
    },
  ],
  clusterAuthorizedOperations: INT32_MIN,
}

/**
 * Metadata v9 response bytes; `bodyTags` and `brokerTags` let the unknown-tag test append
 * tagged fields that v9 does not define.
 */
export function metadataV9ResponseBytes(
  bodyTags: ReadonlyArray<readonly [number, Uint8Array]> = [],
  brokerTags: ReadonlyArray<readonly [number, Uint8Array]> = [],
): Buffer {
  return bb()
    .i32(0)
    .carr(2)
    .i32(1)
    .cstr('b1')
    .i32(9092)
    .cstr('r1')
    .tags(brokerTags)
    .i32(2)
    .cstr('b2')
    .i32(9093)
    .cstr(null)
    .tags(0)
    .cstr('abc')
    .i32(2)
    .carr(1)
    .i16(0)
    .cstr('orders')
    .bool(false)
    .carr(1)
    .i16(0)
    .i32(0)
    .i32(2)
    .i32(3)
    .carr(2)
    .i32(2)
    .i32(1)
    .carr(1)
    .i32(2)
    .carr(0)
    .tags(0) // partition
    .i32(248)
    .tags(0) // topic
    .i32(INT32_MIN)
    .tags(bodyTags)
    .build()
}

const metadataV9: GoldenCase = {
  name: 'Metadata v9',
  apiKey: 3,
  version: 9,
  request: {
    topics: [{ topicId: ZERO_UUID, name: 'orders' }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: true,
  },
  requestBytes: bb().carr(1).cstr('orders').tags(0).bool(false).bool(false).bool(true).tags(0).build(),
  response: METADATA_V9_RESPONSE,
  responseBytes: metadataV9ResponseBytes(),
}

const metadataV12: GoldenCase = {
  name: 'Metadata v12 (topic by id, null name)',
  apiKey: 3,
  version: 12,
  request: {
    topics: [
      { topicId: TOPIC_ID, name: null },
      { topicId: ZERO_UUID, name: 'orders' },
    ],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  },
  requestBytes: bb()
    .carr(2)
    .uuid(TOPIC_ID)
    .cstr(null)
    .tags(0)
    .uuid(ZERO_UUID)
    .cstr('orders')
    .tags(0)
    .bool(true)
    .bool(false)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 5,
    brokers: [{ nodeId: 0, host: '127.0.0.1', port: 40000, rack: null }],
    clusterId: 'kafkats-test',
    controllerId: 0,
    topics: [
      {
        errorCode: 0,
        name: null,
        topicId: TOPIC_ID,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: INT32_MIN,
      },
      {
        errorCode: 3,
        name: 'missing',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: INT32_MIN,
      },
    ],
    clusterAuthorizedOperations: INT32_MIN,
  },
  responseBytes: bb()
    .i32(5)
    .carr(1)
    .i32(0)
    .cstr('127.0.0.1')
    .i32(40000)
    .cstr(null)
    .tags(0)
    .cstr('kafkats-test')
    .i32(0)
    .carr(2)
    .i16(0)
    .cstr(null)
    .uuid(TOPIC_ID)
    .bool(false)
    .carr(0)
    .i32(INT32_MIN)
    .tags(0)
    .i16(3)
    .cstr('missing')
    .uuid(ZERO_UUID)
    .bool(false)
    .carr(0)
    .i32(INT32_MIN)
    .tags(0)
    .tags(0)
    .build(),
}

// ---- ApiVersions -----------------------------------------------------------------------------

const API_KEYS = [
  { apiKey: 0, minVersion: 0, maxVersion: 11 },
  { apiKey: 18, minVersion: 0, maxVersion: 4 },
]

const apiVersionsV0: GoldenCase = {
  name: 'ApiVersions v0',
  apiKey: 18,
  version: 0,
  request: { clientSoftwareName: '', clientSoftwareVersion: '' },
  requestBytes: bb().build(),
  response: {
    errorCode: 0,
    apiKeys: API_KEYS,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  },
  responseBytes: bb().i16(0).arr(2).i16(0).i16(0).i16(11).i16(18).i16(0).i16(4).build(),
}

// v3: tags 0 (SupportedFeatures), 1 (FinalizedFeaturesEpoch), 2 (FinalizedFeatures) in order;
// ZkMigrationReady (tag 3) is at its default and not written.
const apiVersionsV3: GoldenCase = {
  name: 'ApiVersions v3 (tagged features)',
  apiKey: 18,
  version: 3,
  request: { clientSoftwareName: 'kafkats', clientSoftwareVersion: '0.1.0' },
  requestBytes: bb().cstr('kafkats').cstr('0.1.0').tags(0).build(),
  response: {
    errorCode: 0,
    apiKeys: API_KEYS,
    throttleTimeMs: 0,
    supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
    finalizedFeaturesEpoch: 5n,
    finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 20, minVersionLevel: 20 }],
    zkMigrationReady: false,
  },
  responseBytes: bb()
    .i16(0)
    .carr(2)
    .i16(0)
    .i16(0)
    .i16(11)
    .tags(0)
    .i16(18)
    .i16(0)
    .i16(4)
    .tags(0)
    .i32(0)
    .tags([
      [0, bb().carr(1).cstr('metadata.version').i16(1).i16(20).tags(0)],
      [1, bb().i64(5n)],
      [2, bb().carr(1).cstr('metadata.version').i16(20).i16(20).tags(0)],
    ])
    .build(),
}

// ---- FindCoordinator -------------------------------------------------------------------------

const findCoordinatorV1: GoldenCase = {
  name: 'FindCoordinator v1',
  apiKey: 10,
  version: 1,
  request: { key: 'group-1', keyType: 0, coordinatorKeys: [] },
  requestBytes: bb().str('group-1').i8(0).build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    nodeId: 3,
    host: 'broker3',
    port: 9094,
    coordinators: [],
  },
  responseBytes: bb().i32(0).i16(0).str(null).i32(3).str('broker3').i32(9094).build(),
}

const findCoordinatorV4: GoldenCase = {
  name: 'FindCoordinator v4 (batched keys)',
  apiKey: 10,
  version: 4,
  request: { key: '', keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] },
  requestBytes: bb().i8(1).carr(2).cstr('txn-a').cstr('txn-b').tags(0).build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: '',
    nodeId: 0,
    host: '',
    port: 0,
    coordinators: [
      { key: 'txn-a', nodeId: 1, host: 'b1', port: 9092, errorCode: 0, errorMessage: null },
      { key: 'txn-b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not available' },
    ],
  },
  responseBytes: bb()
    .i32(0)
    .carr(2)
    .cstr('txn-a')
    .i32(1)
    .cstr('b1')
    .i32(9092)
    .i16(0)
    .cstr(null)
    .tags(0)
    .cstr('txn-b')
    .i32(-1)
    .cstr('')
    .i32(-1)
    .i16(15)
    .cstr('not available')
    .tags(0)
    .tags(0)
    .build(),
}

// ---- CreateTopics, InitProducerId, SASL ------------------------------------------------------

const createTopicsV5: GoldenCase = {
  name: 'CreateTopics v5',
  apiKey: 19,
  version: 5,
  request: {
    topics: [
      {
        name: 'new-topic',
        numPartitions: 3,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ],
    timeoutMs: 30000,
    validateOnly: false,
  },
  requestBytes: bb()
    .carr(1)
    .cstr('new-topic')
    .i32(3)
    .i16(1)
    .carr(0)
    .carr(1)
    .cstr('cleanup.policy')
    .cstr('compact')
    .tags(0)
    .tags(0)
    .i32(30000)
    .bool(false)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'new-topic',
        topicId: ZERO_UUID,
        errorCode: 0,
        errorMessage: null,
        topicConfigErrorCode: 0,
        numPartitions: 3,
        replicationFactor: 1,
        configs: [{ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false }],
      },
    ],
  },
  responseBytes: bb()
    .i32(0)
    .carr(1)
    .cstr('new-topic')
    .i16(0)
    .cstr(null)
    .i32(3)
    .i16(1)
    .carr(1)
    .cstr('cleanup.policy')
    .cstr('compact')
    .bool(false)
    .i8(1)
    .bool(false)
    .tags(0)
    .tags(0)
    .tags(0)
    .build(),
}

const initProducerIdV4: GoldenCase = {
  name: 'InitProducerId v4',
  apiKey: 22,
  version: 4,
  request: { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 },
  requestBytes: bb().cstr(null).i32(60000).i64(-1n).i16(-1).tags(0).build(),
  response: { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 0 },
  responseBytes: bb().i32(0).i16(0).i64(1000n).i16(0).tags(0).build(),
}

const saslHandshakeV1: GoldenCase = {
  name: 'SaslHandshake v1',
  apiKey: 17,
  version: 1,
  request: { mechanism: 'SCRAM-SHA-256' },
  requestBytes: bb().str('SCRAM-SHA-256').build(),
  response: { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] },
  responseBytes: bb().i16(0).arr(2).str('PLAIN').str('SCRAM-SHA-256').build(),
}

const PLAIN_TOKEN = Buffer.from('\0user\0secret', 'utf8')

const saslAuthenticateV2: GoldenCase = {
  name: 'SaslAuthenticate v2',
  apiKey: 36,
  version: 2,
  request: { authBytes: PLAIN_TOKEN },
  requestBytes: bb().cbytes(PLAIN_TOKEN).tags(0).build(),
  response: { errorCode: 0, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 3600000n },
  responseBytes: bb().i16(0).cstr(null).cbytes(Buffer.alloc(0)).i64(3600000n).tags(0).build(),
}

export const METADATA_ADMIN_CASES: readonly GoldenCase[] = [
  metadataV1,
  metadataV9,
  metadataV12,
  apiVersionsV0,
  apiVersionsV3,
  findCoordinatorV1,
  findCoordinatorV4,
  createTopicsV5,
  initProducerIdV4,
  saslHandshakeV1,
  saslAuthenticateV2,
]
