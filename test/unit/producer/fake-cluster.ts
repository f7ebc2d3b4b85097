// Test helper (not a test file): an in-memory ProducerCluster that behaves like a small broker
// for the producer unit tests. Produce requests are decoded, appended to per-partition logs with
// idempotent dedupe (last 5 batches per producer) and sequence checks; fault hooks can answer
// with errors, drop the response after appending, or hold responses for manual release.
// Transactional APIs (FindCoordinator, InitProducerId, AddPartitionsToTxn, EndTxn, ...) answer
// from a tiny coordinator model. Everything is synchronous apart from the promise plumbing.
import { ConnectionError, KafkaClientError } from '../../../src/errors.js'
import type { ApiDescriptor } from '../../../src/protocol/api.js'
import type { ProduceRequest, ProduceResponse, ProduceResponsePartitionProduceResponse } from '../../../src/protocol/generated/produce.js'
import { decodeRecordBatches } from '../../../src/protocol/records/index.js'
import type {
  CoordinatorType,
  ProducerCluster,
  ProducerRequestOptions,
  ProducerTopicMetadata,
} from '../../../src/producer/cluster-port.js'

export interface StoredRecord {
  offset: bigint
  key: string | null
  value: string | null
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  transactional: boolean
}

interface ProducerEntry {
  epoch: number
  lastSeq: number
  /** recent batches: [firstSeq, lastSeq, baseOffset] */
  recent: Array<[number, number, bigint]>
}

class PartitionLog {
  readonly records: StoredRecord[] = []
  nextOffset = 0n
  readonly producers = new Map<bigint, ProducerEntry>()
}

/** What a fault hook can do with one partition of a Produce request. */
export type PartitionFault =
  | { error: number; logStartOffset?: bigint; leaderHint?: { leaderId: number; leaderEpoch: number } }
  | 'drop-response-after-append'
  | undefined

/** What a fault hook can do with a whole request. */
export type RequestFault = { reject: Error } | 'hold' | undefined

export interface ProduceCall {
  nodeId: number
  request: ProduceRequest
  /** decoded batches per topic-partition, as sent */
  batches: Array<{ topic: string; partition: number; producerId: bigint; producerEpoch: number; baseSequence: number; count: number; values: (string | null)[]; transactional: boolean }>
}

interface Held {
  call: ProduceCall
  resolve: (res: ProduceResponse) => void
  reject: (err: unknown) => void
  response: () => ProduceResponse
}

export class FakeCluster implements ProducerCluster {
  readonly metadata = new Map<string, ProducerTopicMetadata>()
  readonly logs = new Map<string, PartitionLog>()
  readonly produceCalls: ProduceCall[] = []
  readonly otherCalls: Array<{ api: string; body: unknown; nodeId: number }> = []
  readonly stale: string[] = []
  readonly held: Held[] = []
  /** consulted per Produce request, before anything else */
  requestFaults: Array<(call: ProduceCall) => RequestFault> = []
  /** consulted per partition of a Produce request; the first non-undefined answer wins */
  partitionFaults: Array<(topic: string, partition: number, call: ProduceCall) => PartitionFault> = []
  /** topic name → metadata that appears on the next refresh (unknown topic created later) */
  readonly pendingTopics = new Map<string, ProducerTopicMetadata>()
  refreshes = 0
  nextProducerId = 1000n
  /** transactional coordinator model */
  readonly txnCalls: string[] = []
  txnErrors: Array<(api: string) => number | undefined> = []
  closed = false
  readonly #producerIds = new Map<string, { id: bigint; epoch: number }>()

  addTopic(topic: string, partitions: number, leaderOf: (p: number) => number = () => 1): void {
    const leaders = Array.from({ length: partitions }, (_, p) => leaderOf(p))
    this.metadata.set(topic, {
      topic,
      partitionCount: partitions,
      availablePartitions: leaders.flatMap((l, p) => (l >= 0 ? [p] : [])),
      leaders,
    })
  }

  setLeader(topic: string, partition: number, leader: number): void {
    const md = this.metadata.get(topic)!
    const leaders = [...md.leaders]
    leaders[partition] = leader
    this.metadata.set(topic, { ...md, leaders, availablePartitions: leaders.flatMap((l, p) => (l >= 0 ? [p] : [])) })
  }

  log(topic: string, partition: number): PartitionLog {
    const k = `${topic}-${partition}`
    let l = this.logs.get(k)
    if (l === undefined) {
      l = new PartitionLog()
      this.logs.set(k, l)
    }
    return l
  }

  values(topic: string, partition: number): (string | null)[] {
    return this.log(topic, partition).records.map((r) => r.value)
  }

  /** Releases held responses, oldest first (or only index i). */
  release(i?: number): void {
    const list = i === undefined ? this.held.splice(0) : this.held.splice(i, 1)
    for (const h of list) h.resolve(h.response())
  }

  failHeld(err: Error): void {
    for (const h of this.held.splice(0)) h.reject(err)
  }

  // ProducerCluster ------------------------------------------------------------------------------

  topicMetadata(topic: string): ProducerTopicMetadata | undefined {
    return this.metadata.get(topic)
  }

  refreshMetadata(topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.refreshes++
    const out = new Map<string, number>()
    for (const t of topics) {
      const pending = this.pendingTopics.get(t)
      if (pending !== undefined) {
        this.metadata.set(t, pending)
        this.pendingTopics.delete(t)
      }
      out.set(t, this.metadata.has(t) ? 0 : 3)
    }
    return Promise.resolve(out)
  }

  markStale(topic: string): void {
    this.stale.push(topic)
  }

  send<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, _options?: ProducerRequestOptions): Promise<Res> {
    if (this.closed) return Promise.reject(new ConnectionError('closed'))
    if (api.apiKey === 0) return this.#produce(nodeId, body as unknown as ProduceRequest, true) as unknown as Promise<Res>
    return this.#txnApi(api.name, body, nodeId) as Promise<Res>
  }

  sendWithoutResponse<Req, Res>(nodeId: number, _api: ApiDescriptor<Req, Res>, body: Req): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionError('closed'))
    return this.#produce(nodeId, body as unknown as ProduceRequest, false).then(() => undefined)
  }

  sendToAny<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req): Promise<Res> {
    return this.send(-1, api, body)
  }

  findCoordinator(_type: CoordinatorType, _key: string): Promise<number> {
    return Promise.resolve(1)
  }

  invalidateCoordinator(): void {}

  close(): Promise<void> {
    this.closed = true
    return Promise.resolve()
  }

  // --------------------------------------------------------------------------------------------

  #produce(nodeId: number, request: ProduceRequest, expectResponse: boolean): Promise<ProduceResponse> {
    const call: ProduceCall = { nodeId, request, batches: [] }
    for (const t of request.topicData) {
      for (const p of t.partitionData) {
        const [batch] = decodeRecordBatches(p.records).batches
        if (batch === undefined) throw new Error('empty records')
        const values = [...batch.records()].map((r) => (r.value === null ? null : r.value.toString()))
        call.batches.push({
          topic: t.name,
          partition: p.index,
          producerId: batch.producerId,
          producerEpoch: batch.producerEpoch,
          baseSequence: batch.baseSequence,
          count: batch.recordsCount,
          values,
          transactional: batch.isTransactional,
        })
      }
    }
    this.produceCalls.push(call)
    for (const f of this.requestFaults) {
      const fault = f(call)
      if (fault === undefined) continue
      if (fault === 'hold') {
        return new Promise((resolve, reject) => {
          this.held.push({ call, resolve, reject, response: () => this.#apply(call).response })
        })
      }
      return Promise.reject(fault.reject)
    }
    const { response, drop } = this.#apply(call)
    if (drop) return Promise.reject(new ConnectionError('connection reset after append (test fault)'))
    return Promise.resolve(expectResponse ? response : { responses: [], throttleTimeMs: 0 })
  }

  #apply(call: ProduceCall): { response: ProduceResponse; drop: boolean } {
    let drop = false
    const byTopic = new Map<string, ProduceResponsePartitionProduceResponse[]>()
    for (const b of call.batches) {
      let list = byTopic.get(b.topic)
      if (list === undefined) {
        list = []
        byTopic.set(b.topic, list)
      }
      let fault: PartitionFault
      for (const f of this.partitionFaults) {
        fault = f(b.topic, b.partition, call)
        if (fault !== undefined) break
      }
      if (fault !== undefined && fault !== 'drop-response-after-append') {
        list.push({
          index: b.partition,
          errorCode: fault.error,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: fault.logStartOffset ?? 0n,
          currentLeader: fault.leaderHint ? { ...fault.leaderHint } : { leaderId: -1, leaderEpoch: -1 },
        })
        continue
      }
      if (fault === 'drop-response-after-append') drop = true
      const { code, baseOffset } = this.#append(b)
      list.push({ index: b.partition, errorCode: code, baseOffset, logAppendTimeMs: -1n, logStartOffset: 0n })
    }
    return {
      response: {
        responses: [...byTopic].map(([name, partitionResponses]) => ({ name, partitionResponses })),
        throttleTimeMs: 0,
      },
      drop,
    }
  }

  #append(b: ProduceCall['batches'][number]): { code: number; baseOffset: bigint } {
    const log = this.log(b.topic, b.partition)
    if (b.producerId >= 0n) {
      const entry = log.producers.get(b.producerId)
      const last = b.baseSequence + b.count - 1
      if (entry !== undefined) {
        if (b.producerEpoch < entry.epoch) return { code: 47, baseOffset: -1n }
        if (b.producerEpoch === entry.epoch) {
          const dup = entry.recent.find(([first, lastSeq]) => first === b.baseSequence && lastSeq === last)
          if (dup !== undefined) return { code: 0, baseOffset: dup[2] }
          if (b.baseSequence !== entry.lastSeq + 1) return { code: 45, baseOffset: -1n }
        } else if (b.baseSequence !== 0) {
          return { code: 45, baseOffset: -1n }
        }
      } else if (b.baseSequence !== 0) {
        return { code: 59, baseOffset: -1n }
      }
      const baseOffset = log.nextOffset
      const e = entry && b.producerEpoch === entry.epoch ? entry : { epoch: b.producerEpoch, lastSeq: -1, recent: [] }
      e.lastSeq = last
      e.recent.push([b.baseSequence, last, baseOffset])
      if (e.recent.length > 5) e.recent.shift()
      log.producers.set(b.producerId, e)
    }
    const baseOffset = log.nextOffset
    b.values.forEach((value, i) => {
      log.records.push({
        offset: baseOffset + BigInt(i),
        key: null,
        value,
        producerId: b.producerId,
        producerEpoch: b.producerEpoch,
        baseSequence: b.baseSequence,
        transactional: b.transactional,
      })
    })
    log.nextOffset += BigInt(b.count)
    return { code: 0, baseOffset }
  }

  #txnApi(api: string, body: unknown, nodeId: number): Promise<unknown> {
    this.otherCalls.push({ api, body, nodeId })
    this.txnCalls.push(api)
    let injected: number | undefined
    for (const f of this.txnErrors) {
      injected = f(api)
      if (injected !== undefined) break
    }
    const errorCode = injected ?? 0
    const b = body as Record<string, unknown>
    switch (api) {
      case 'InitProducerId': {
        const txnId = (b['transactionalId'] as string | null) ?? `idem-${this.nextProducerId}`
        let st = this.#producerIds.get(txnId)
        if (errorCode === 0) {
          if (st === undefined) st = { id: this.nextProducerId++, epoch: 0 }
          else st = { id: st.id, epoch: st.epoch + 1 }
          this.#producerIds.set(txnId, st)
        }
        return Promise.resolve({ throttleTimeMs: 0, errorCode, producerId: st?.id ?? -1n, producerEpoch: st?.epoch ?? -1 })
      }
      case 'AddPartitionsToTxn': {
        const topics = (b['v3AndBelowTopics'] ?? []) as Array<{ name: string; partitions: number[] }>
        return Promise.resolve({
          throttleTimeMs: 0,
          resultsByTopicV3AndBelow: topics.map((t) => ({
            name: t.name,
            resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: errorCode })),
          })),
        })
      }
      case 'AddOffsetsToTxn':
      case 'EndTxn':
        return Promise.resolve({ throttleTimeMs: 0, errorCode })
      case 'TxnOffsetCommit': {
        const topics = b['topics'] as Array<{ name: string; partitions: Array<{ partitionIndex: number }> }>
        return Promise.resolve({
          throttleTimeMs: 0,
          topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
        })
      }
      default:
        return Promise.reject(new KafkaClientError('UNSUPPORTED', `fake cluster: ${api} to node ${nodeId}`))
    }
  }
}
