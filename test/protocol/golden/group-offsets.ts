// Golden cases for the classic group and offset APIs: JoinGroup (v5, v6), SyncGroup (v3, v5),
// Heartbeat v4, OffsetCommit (v7, v8), OffsetFetch v8, ListOffsets (v5, v7). Bytes follow
// NOTES.md §c; decoded objects list every field of our window (absent ones at their defaults).
import { bb } from '../../helpers/byte-builder.js'
import { type GoldenCase, SUBSCRIPTION } from './types.js'

const MEMBER = 'kafkats-0b7e5c1a'
const ASSIGNMENT = Buffer.from('000000000001000673747265616d0000000100000000ffffffff', 'hex')

// ---- JoinGroup -------------------------------------------------------------------------------

const joinGroupV5: GoldenCase = {
  name: 'JoinGroup v5',
  apiKey: 11,
  version: 5,
  request: {
    groupId: 'g1',
    sessionTimeoutMs: 45000,
    rebalanceTimeoutMs: 300000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [
      { name: 'range', metadata: SUBSCRIPTION },
      { name: 'roundrobin', metadata: SUBSCRIPTION },
    ],
    reason: null,
  },
  requestBytes: bb()
    .str('g1')
    .i32(45000)
    .i32(300000)
    .str('')
    .str(null)
    .str('consumer')
    .arr(2)
    .str('range')
    .bytes(SUBSCRIPTION)
    .str('roundrobin')
    .bytes(SUBSCRIPTION)
    .build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: 1,
    protocolType: null,
    protocolName: 'range',
    leader: MEMBER,
    skipAssignment: false,
    memberId: MEMBER,
    members: [{ memberId: MEMBER, groupInstanceId: null, metadata: SUBSCRIPTION }],
  },
  responseBytes: bb()
    .i32(0)
    .i16(0)
    .i32(1)
    .str('range')
    .str(MEMBER)
    .str(MEMBER)
    .arr(1)
    .str(MEMBER)
    .str(null)
    .bytes(SUBSCRIPTION)
    .build(),
}

const joinGroupV6: GoldenCase = {
  name: 'JoinGroup v6',
  apiKey: 11,
  version: 6,
  request: {
    groupId: 'g1',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 60000,
    memberId: MEMBER,
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocols: [{ name: 'cooperative-sticky', metadata: SUBSCRIPTION }],
    reason: null,
  },
  requestBytes: bb()
    .cstr('g1')
    .i32(10000)
    .i32(60000)
    .cstr(MEMBER)
    .cstr('instance-1')
    .cstr('consumer')
    .carr(1)
    .cstr('cooperative-sticky')
    .cbytes(SUBSCRIPTION)
    .tags(0)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 79,
    generationId: -1,
    protocolType: null,
    protocolName: '',
    leader: '',
    skipAssignment: false,
    memberId: MEMBER,
    members: [],
  },
  responseBytes: bb().i32(0).i16(79).i32(-1).cstr('').cstr('').cstr(MEMBER).carr(0).tags(0).build(),
}

// ---- SyncGroup, Heartbeat --------------------------------------------------------------------

const syncGroupV3: GoldenCase = {
  name: 'SyncGroup v3',
  apiKey: 14,
  version: 3,
  request: {
    groupId: 'g1',
    generationId: 1,
    memberId: MEMBER,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId: MEMBER, assignment: ASSIGNMENT }],
  },
  requestBytes: bb().str('g1').i32(1).str(MEMBER).str(null).arr(1).str(MEMBER).bytes(ASSIGNMENT).build(),
  response: { throttleTimeMs: 0, errorCode: 0, protocolType: null, protocolName: null, assignment: ASSIGNMENT },
  responseBytes: bb().i32(0).i16(0).bytes(ASSIGNMENT).build(),
}

const syncGroupV5: GoldenCase = {
  name: 'SyncGroup v5',
  apiKey: 14,
  version: 5,
  request: {
    groupId: 'g1',
    generationId: 2,
    memberId: MEMBER,
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [],
  },
  requestBytes: bb()
    .cstr('g1')
    .i32(2)
    .cstr(MEMBER)
    .cstr('instance-1')
    .cstr('consumer')
    .cstr('range')
    .carr(0)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 0,
    errorCode: 0,
    protocolType: 'consumer',
    protocolName: 'range',
    assignment: ASSIGNMENT,
  },
  responseBytes: bb().i32(0).i16(0).cstr('consumer').cstr('range').cbytes(ASSIGNMENT).tags(0).build(),
}

const heartbeatV4: GoldenCase = {
  name: 'Heartbeat v4',
  apiKey: 12,
  version: 4,
  request: { groupId: 'g1', generationId: 2, memberId: MEMBER, groupInstanceId: null },
  requestBytes: bb().cstr('g1').i32(2).cstr(MEMBER).cstr(null).tags(0).build(),
  response: { throttleTimeMs: 0, errorCode: 27 },
  responseBytes: bb().i32(0).i16(27).tags(0).build(),
}

// ---- OffsetCommit, OffsetFetch ---------------------------------------------------------------

const offsetCommitV7: GoldenCase = {
  name: 'OffsetCommit v7',
  apiKey: 8,
  version: 7,
  request: {
    groupId: 'g1',
    generationIdOrMemberEpoch: 2,
    memberId: MEMBER,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 101n, committedLeaderEpoch: 3, committedMetadata: '' },
          { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null },
        ],
      },
    ],
  },
  requestBytes: bb()
    .str('g1')
    .i32(2)
    .str(MEMBER)
    .str(null)
    .arr(1)
    .str('orders')
    .arr(2)
    .i32(0)
    .i64(101n)
    .i32(3)
    .str('')
    .i32(1)
    .i64(7n)
    .i32(-1)
    .str(null)
    .build(),
  response: {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, errorCode: 0 },
          { partitionIndex: 1, errorCode: 22 },
        ],
      },
    ],
  },
  responseBytes: bb().i32(0).arr(1).str('orders').arr(2).i32(0).i16(0).i32(1).i16(22).build(),
}

const offsetCommitV8: GoldenCase = {
  name: 'OffsetCommit v8',
  apiKey: 8,
  version: 8,
  request: {
    groupId: 'g1',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: 'instance-1',
    retentionTimeMs: -1n,
    topics: [
      {
        name: 'orders',
        partitions: [{ partitionIndex: 4, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: 'meta' }],
      },
    ],
  },
  requestBytes: bb()
    .cstr('g1')
    .i32(-1)
    .cstr('')
    .cstr('instance-1')
    .carr(1)
    .cstr('orders')
    .carr(1)
    .i32(4)
    .i64(0n)
    .i32(-1)
    .cstr('meta')
    .tags(0)
    .tags(0)
    .tags(0)
    .build(),
  response: { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 4, errorCode: 0 }] }] },
  responseBytes: bb().i32(0).carr(1).cstr('orders').carr(1).i32(4).i16(0).tags(0).tags(0).tags(0).build(),
}

const offsetFetchV8: GoldenCase = {
  name: 'OffsetFetch v8 (batched groups)',
  apiKey: 9,
  version: 8,
  request: {
    groupId: '',
    topics: [],
    groups: [
      { groupId: 'g1', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
      { groupId: 'g2', memberId: null, memberEpoch: -1, topics: null },
    ],
    requireStable: true,
  },
  requestBytes: bb()
    .carr(2)
    .cstr('g1')
    .carr(1)
    .cstr('orders')
    .carr(2)
    .i32(0)
    .i32(1)
    .tags(0)
    .tags(0)
    .cstr('g2')
    .carr(null)
    .tags(0)
    .bool(true)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 0,
    topics: [],
    errorCode: 0,
    groups: [
      {
        groupId: 'g1',
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 101n, committedLeaderEpoch: 3, metadata: '', errorCode: 0 },
              { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
            ],
          },
        ],
        errorCode: 0,
      },
      { groupId: 'g2', topics: [], errorCode: 16 },
    ],
  },
  responseBytes: bb()
    .i32(0)
    .carr(2)
    .cstr('g1')
    .carr(1)
    .cstr('orders')
    .carr(2)
    .i32(0)
    .i64(101n)
    .i32(3)
    .cstr('')
    .i16(0)
    .tags(0)
    .i32(1)
    .i64(-1n)
    .i32(-1)
    .cstr(null)
    .i16(0)
    .tags(0)
    .tags(0) // topic
    .i16(0)
    .tags(0) // group g1
    .cstr('g2')
    .carr(0)
    .i16(16)
    .tags(0) // group g2
    .tags(0)
    .build(),
}

// ---- ListOffsets -----------------------------------------------------------------------------

const listOffsetsV5: GoldenCase = {
  name: 'ListOffsets v5',
  apiKey: 2,
  version: 5,
  request: {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 3, timestamp: -1n }] }],
    timeoutMs: 0,
  },
  requestBytes: bb().i32(-1).i8(1).arr(1).str('orders').arr(1).i32(0).i32(3).i64(-1n).build(),
  response: {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'orders',
        partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 500n, leaderEpoch: 3 }],
      },
    ],
  },
  responseBytes: bb().i32(0).arr(1).str('orders').arr(1).i32(0).i16(0).i64(-1n).i64(500n).i32(3).build(),
}

const listOffsetsV7: GoldenCase = {
  name: 'ListOffsets v7 (max timestamp)',
  apiKey: 2,
  version: 7,
  request: {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -3n }] }],
    timeoutMs: 0,
  },
  requestBytes: bb()
    .i32(-1)
    .i8(0)
    .carr(1)
    .cstr('orders')
    .carr(1)
    .i32(1)
    .i32(-1)
    .i64(-3n)
    .tags(0)
    .tags(0)
    .tags(0)
    .build(),
  response: {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'orders',
        partitions: [{ partitionIndex: 1, errorCode: 0, timestamp: 1700000000123n, offset: 41n, leaderEpoch: 0 }],
      },
    ],
  },
  responseBytes: bb()
    .i32(0)
    .carr(1)
    .cstr('orders')
    .carr(1)
    .i32(1)
    .i16(0)
    .i64(1700000000123n)
    .i64(41n)
    .i32(0)
    .tags(0)
    .tags(0)
    .tags(0)
    .build(),
}

export const GROUP_OFFSETS_CASES: readonly GoldenCase[] = [
  joinGroupV5,
  joinGroupV6,
  syncGroupV3,
  syncGroupV5,
  heartbeatV4,
  offsetCommitV7,
  offsetCommitV8,
  offsetFetchV8,
  listOffsetsV5,
  listOffsetsV7,
]
