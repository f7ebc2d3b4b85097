// Producer options (API.md "Producer"): validation, Java defaults and Java's idempotence
// conflict rules (ProducerConfig.postProcessAndValidateIdempotenceConfigs). Called by the
// Producer constructor. Invariant: every bad value throws ConfigError synchronously, before any
// socket is opened; the resolved object is frozen and complete.
import { booleanOption, intOption } from '../client-options.js'
import { ConfigError } from '../errors.js'
import { isLogger, type Logger, NOOP_LOGGER } from '../network/logger.js'
import { isCodecSupported } from '../protocol/records/index.js'
import type { ProducerInterceptor } from './interceptors.js'
import type { Partitioner } from './partitioner.js'
import type { Serializer } from './serializers.js'
import type { DefaultKey, DefaultValue } from './types.js'

export type Acks = 'all' | -1 | 0 | 1 | '-1' | '0' | '1'
export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export interface ProducerOptions<K = DefaultKey, V = DefaultValue> {
  acks?: Acks
  enableIdempotence?: boolean
  lingerMs?: number
  batchSize?: number
  bufferMemory?: number
  maxBlockMs?: number
  compressionType?: CompressionType
  maxInFlightRequestsPerConnection?: number
  retries?: number
  deliveryTimeoutMs?: number
  /** default: the client's requestTimeoutMs (30000) */
  requestTimeoutMs?: number
  maxRequestSize?: number
  /** default: the client's retryBackoffMs / retryBackoffMaxMs */
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
  partitioner?: Partitioner
  /** Java partitioner.ignore.keys: keyed records use the sticky logic too */
  partitionerIgnoreKeys?: boolean
  /** Java partitioner.adaptive.partitioning.enable */
  partitionerAdaptivePartitioningEnable?: boolean
  interceptors?: readonly ProducerInterceptor<K, V>[]
  keySerializer?: Serializer<K>
  valueSerializer?: Serializer<V>
  transactionalId?: string
  transactionTimeoutMs?: number
  logger?: Logger
}

export interface ResolvedProducerOptions<K = DefaultKey, V = DefaultValue> {
  /** -1 (all), 0 or 1 */
  readonly acks: -1 | 0 | 1
  readonly enableIdempotence: boolean
  readonly lingerMs: number
  readonly batchSize: number
  readonly bufferMemory: number
  readonly maxBlockMs: number
  readonly compressionType: CompressionType
  readonly maxInFlightRequestsPerConnection: number
  readonly retries: number
  readonly deliveryTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly maxRequestSize: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly partitioner: Partitioner | null
  readonly partitionerIgnoreKeys: boolean
  readonly partitionerAdaptivePartitioningEnable: boolean
  readonly interceptors: readonly ProducerInterceptor<K, V>[]
  readonly keySerializer: Serializer<K> | null
  readonly valueSerializer: Serializer<V> | null
  readonly transactionalId: string | null
  readonly transactionTimeoutMs: number
  readonly logger: Logger
}

/** Inherited from the client when the producer does not set them. */
export interface ProducerClientDefaults {
  readonly requestTimeoutMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly logger: Logger
}

export const PRODUCER_DEFAULTS = Object.freeze({
  acks: -1 as const,
  enableIdempotence: true,
  lingerMs: 5,
  batchSize: 16_384,
  bufferMemory: 33_554_432,
  maxBlockMs: 60_000,
  compressionType: 'none' as const,
  maxInFlightRequestsPerConnection: 5,
  retries: Number.POSITIVE_INFINITY,
  deliveryTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  maxRequestSize: 1_048_576,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  transactionTimeoutMs: 60_000,
})

/** The broker keeps the last 5 batches per producer and partition for deduplication. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5
const MAX_INT32 = 2_147_483_647

/** Whether this Node can compress with `type` (zstd needs zlib's zstd, Node ≥ 22.15 / 23.8). */
export function compressionSupported(type: CompressionType): boolean {
  return COMPRESSION_TYPES.includes(type) && isCodecSupported(type)
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function parseAcks(value: unknown): -1 | 0 | 1 {
  if (value === undefined) return PRODUCER_DEFAULTS.acks
  if (value === 'all' || value === -1 || value === '-1') return -1
  if (value === 0 || value === '0') return 0
  if (value === 1 || value === '1') return 1
  throw new ConfigError(`acks must be 'all', -1, 0 or 1 (got ${describe(value)})`)
}

function parseRetries(value: unknown): number {
  if (value === undefined) return PRODUCER_DEFAULTS.retries
  if (value === Number.POSITIVE_INFINITY) return value
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new ConfigError(`retries must be a non-negative integer or Infinity (got ${describe(value)})`)
}

function parseCompression(value: unknown): CompressionType {
  if (value === undefined) return PRODUCER_DEFAULTS.compressionType
  if (typeof value !== 'string' || !COMPRESSION_TYPES.includes(value as CompressionType)) {
    throw new ConfigError(`compressionType must be one of ${COMPRESSION_TYPES.join(', ')} (got ${describe(value)})`)
  }
  const type = value as CompressionType
  if (!compressionSupported(type)) {
    throw new ConfigError(`compressionType '${type}' is not supported by this Node.js ${process.version} (zstd needs Node 22.15 or later)`)
  }
  return type
}

function functionOption<T>(name: string, value: unknown): T | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'function') throw new ConfigError(`${name} must be a function (got ${describe(value)})`)
  return value as T
}

function parseInterceptors<K, V>(value: unknown): readonly ProducerInterceptor<K, V>[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new ConfigError('interceptors must be an array')
  for (const item of value) {
    if (typeof item !== 'object' || item === null) throw new ConfigError('each interceptor must be an object')
    const i = item as Record<string, unknown>
    for (const method of ['onSend', 'onAcknowledgement', 'close']) {
      if (i[method] !== undefined && typeof i[method] !== 'function') {
        throw new ConfigError(`interceptor.${method} must be a function`)
      }
    }
  }
  return Object.freeze([...value]) as readonly ProducerInterceptor<K, V>[]
}

/** Validates producer options and fills in defaults. Throws ConfigError on the first bad value. */
export function resolveProducerOptions<K = DefaultKey, V = DefaultValue>(
  input: unknown,
  client: ProducerClientDefaults = { ...PRODUCER_DEFAULTS, logger: NOOP_LOGGER },
): ResolvedProducerOptions<K, V> {
  if (input === undefined || input === null) input = {}
  if (typeof input !== 'object' || Array.isArray(input)) throw new ConfigError('producer options must be an object')
  const o = input as Record<string, unknown>

  const acks = parseAcks(o['acks'])
  const retries = parseRetries(o['retries'])
  const maxInFlight = intOption(
    'maxInFlightRequestsPerConnection',
    o['maxInFlightRequestsPerConnection'],
    PRODUCER_DEFAULTS.maxInFlightRequestsPerConnection,
    { min: 1 },
  )
  const lingerMs = intOption('lingerMs', o['lingerMs'], PRODUCER_DEFAULTS.lingerMs)
  const requestTimeoutMs = intOption('requestTimeoutMs', o['requestTimeoutMs'], client.requestTimeoutMs, { min: 1 })

  // Idempotence (Java 3.2+): an explicit true with a conflicting setting is an error; the
  // default true is quietly switched off by a conflicting setting.
  const explicitIdempotence = o['enableIdempotence']
  let enableIdempotence = booleanOption('enableIdempotence', explicitIdempotence, PRODUCER_DEFAULTS.enableIdempotence)
  const conflicts: string[] = []
  if (acks !== -1) conflicts.push(`acks must be 'all' (got ${acks})`)
  if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
    conflicts.push(`maxInFlightRequestsPerConnection must be at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} (got ${maxInFlight})`)
  }
  if (retries === 0) conflicts.push('retries must be greater than 0')
  if (enableIdempotence && conflicts.length > 0) {
    if (explicitIdempotence === true) throw new ConfigError(`enableIdempotence requires: ${conflicts.join('; ')}`)
    enableIdempotence = false
  }

  let transactionalId: string | null = null
  if (o['transactionalId'] !== undefined && o['transactionalId'] !== null) {
    if (typeof o['transactionalId'] !== 'string' || o['transactionalId'].length === 0) {
      throw new ConfigError(`transactionalId must be a non-empty string (got ${describe(o['transactionalId'])})`)
    }
    transactionalId = o['transactionalId']
    if (!enableIdempotence) {
      throw new ConfigError(
        `transactionalId requires idempotence${conflicts.length > 0 ? `: ${conflicts.join('; ')}` : ' (enableIdempotence is false)'}`,
      )
    }
  }

  // Java: an explicit delivery timeout below linger + request timeout is an error; the default
  // is raised to that sum instead.
  const minDeliveryMs = lingerMs + requestTimeoutMs
  let deliveryTimeoutMs: number
  if (o['deliveryTimeoutMs'] === undefined) {
    deliveryTimeoutMs = Math.max(PRODUCER_DEFAULTS.deliveryTimeoutMs, minDeliveryMs)
  } else {
    deliveryTimeoutMs = intOption('deliveryTimeoutMs', o['deliveryTimeoutMs'], PRODUCER_DEFAULTS.deliveryTimeoutMs, { min: 1 })
    if (deliveryTimeoutMs < minDeliveryMs) {
      throw new ConfigError(
        `deliveryTimeoutMs (${deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs (${lingerMs} + ${requestTimeoutMs})`,
      )
    }
  }

  const retryBackoffMs = intOption('retryBackoffMs', o['retryBackoffMs'], client.retryBackoffMs)
  const retryBackoffMaxMs = Math.max(
    retryBackoffMs,
    intOption('retryBackoffMaxMs', o['retryBackoffMaxMs'], client.retryBackoffMaxMs),
  )
  const logger = o['logger']
  if (logger !== undefined && !isLogger(logger)) throw new ConfigError('logger must have debug, info, warn and error methods')

  const maxRequestSize = intOption('maxRequestSize', o['maxRequestSize'], PRODUCER_DEFAULTS.maxRequestSize, {
    min: 1,
    max: MAX_INT32,
  })
  const bufferMemory = intOption('bufferMemory', o['bufferMemory'], PRODUCER_DEFAULTS.bufferMemory, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  })

  return Object.freeze({
    acks,
    enableIdempotence,
    lingerMs,
    batchSize: intOption('batchSize', o['batchSize'], PRODUCER_DEFAULTS.batchSize, { max: MAX_INT32 }),
    bufferMemory,
    maxBlockMs: intOption('maxBlockMs', o['maxBlockMs'], PRODUCER_DEFAULTS.maxBlockMs),
    compressionType: parseCompression(o['compressionType']),
    maxInFlightRequestsPerConnection: maxInFlight,
    retries,
    deliveryTimeoutMs,
    requestTimeoutMs,
    maxRequestSize,
    retryBackoffMs,
    retryBackoffMaxMs,
    partitioner: functionOption<Partitioner>('partitioner', o['partitioner']),
    partitionerIgnoreKeys: booleanOption('partitionerIgnoreKeys', o['partitionerIgnoreKeys'], false),
    partitionerAdaptivePartitioningEnable: booleanOption(
      'partitionerAdaptivePartitioningEnable',
      o['partitionerAdaptivePartitioningEnable'],
      true,
    ),
    interceptors: parseInterceptors<K, V>(o['interceptors']),
    keySerializer: functionOption<Serializer<K>>('keySerializer', o['keySerializer']),
    valueSerializer: functionOption<Serializer<V>>('valueSerializer', o['valueSerializer']),
    transactionalId,
    transactionTimeoutMs: intOption('transactionTimeoutMs', o['transactionTimeoutMs'], PRODUCER_DEFAULTS.transactionTimeoutMs, {
      min: 1,
    }),
    logger: (logger as Logger | undefined) ?? client.logger,
  })
}
