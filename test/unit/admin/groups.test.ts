// Unit tests of describeGroups' member decoding (src/admin/groups.ts toMember): consumer-protocol
// subscription and assignment bytes built with the generated encoders decode to topics, owned
// partitions, rack and assignment; empty, truncated or foreign bytes give null / [] and the raw
// bytes, never an exception.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toMember } from '../../../src/admin/groups.js'
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/generated/consumer-protocol-assignment.js'
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/generated/consumer-protocol-subscription.js'

function member(metadata: Buffer, assignment: Buffer) {
  return { memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: metadata, memberAssignment: assignment }
}

describe('toMember', () => {
  it('decodes a v3 subscription and an assignment', () => {
    const metadata = encodeConsumerProtocolSubscription(
      { topics: ['a', 'b'], userData: null, ownedPartitions: [{ topic: 'a', partitions: [0, 2] }], generationId: 4, rackId: 'r1' },
      3,
    )
    const assignment = encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 'a', partitions: [0, 2] }, { topic: 'b', partitions: [1] }], userData: null }, 0)
    const m = toMember(member(metadata, assignment), true)
    assert.deepEqual(m.subscription, {
      topics: ['a', 'b'],
      ownedPartitions: [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 2 },
      ],
      rackId: 'r1',
      userData: null,
    })
    assert.deepEqual(
      m.assignment.map((tp) => `${tp.topic}-${tp.partition}`),
      ['a-0', 'a-2', 'b-1'],
    )
    assert.deepEqual(m.rawMetadata, metadata)
  })

  it('gives null / [] for empty, truncated or non-consumer bytes', () => {
    const metadata = encodeConsumerProtocolSubscription({ topics: ['a'], userData: null }, 0)
    const truncated = toMember(member(metadata.subarray(0, metadata.length - 1), Buffer.from([0, 0, 0])), true)
    assert.equal(truncated.subscription, null)
    assert.deepEqual(truncated.assignment, [])
    const empty = toMember(member(Buffer.alloc(0), Buffer.alloc(0)), true)
    assert.equal(empty.subscription, null)
    assert.deepEqual(empty.assignment, [])
    const foreign = toMember(member(metadata, Buffer.from('connect')), false)
    assert.equal(foreign.subscription, null)
    assert.deepEqual(foreign.rawAssignment, Buffer.from('connect'))
  })
})
