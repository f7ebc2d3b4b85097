// Consumer options (API.md "Consumer"): validation and the Java client's defaults (Kafka 4.x
// ConsumerConfig). Notable: enableAutoCommit defaults to true and autoOffsetReset to 'latest', as
// in Java (API.md's example sets false / 'earliest' explicitly; its principles make Java's values
// the defaults). Called by the Consumer constructor. Invariant: every bad value throws ConfigError
// synchronously, before any socket is opened; the resolved object is frozen and complete.
import { booleanOption, intOption, stringOption } from '../client-options.js'
import { ConfigError } from '../errors.js'
import { isLogger, type Logger, NOOP_LOGGER, safeLog } from '../network/logger.js'
import { resolveAssignors } from './assignors/index.js'
import type { ConsumerPartitionAssignor } from './assignors/types.js'
import type { Deserializer } from './deserializers.js'
import type { ConsumerInterceptor } from './interceptors.js'
import type { DefaultKey, DefaultValue } from './types.js'

export type AutoOffsetReset = 'earliest' | 'latest' | 'none'
export type IsolationLevel = 'read_uncommitted' | 'read_committed'
export type GroupProtocol = 'classic' | 'consumer'

export interface ConsumerOptions<K = DefaultKey, V = DefaultValue> {
  groupId?: string
  groupInstanceId?: string
  /** Java default true (false when there is no groupId) */
  enableAutoCommit?: boolean
  autoCommitIntervalMs?: number
  /** Java default 'latest' */
  autoOffsetReset?: AutoOffsetReset
  partitionAssignmentStrategy?: readonly (string | ConsumerPartitionAssignor)[]
  /** 'consumer' (KIP-848) parses but is not implemented yet: the Consumer rejects it */
  groupProtocol?: GroupProtocol
  groupRemoteAssignor?: string
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
  maxPollIntervalMs?: number
  maxPollRecords?: number
  fetchMinBytes?: number
  fetchMaxBytes?: number
  fetchMaxWaitMs?: number
  maxPartitionFetchBytes?: number
  isolationLevel?: IsolationLevel
  clientRack?: string
  /** Java default.api.timeout.ms: bound of commitSync, committed, position, offsets lookups */
  defaultApiTimeoutMs?: number
  /** default: the client's */
  requestTimeoutMs?: number
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
  checkCrcs?: boolean
  excludeInternalTopics?: boolean
  allowAutoCreateTopics?: boolean
  interceptors?: readonly ConsumerInterceptor<K, V>[]
  keyDeserializer?: Deserializer<K>
  valueDeserializer?: Deserializer<V>
  logger?: Logger
}

export interface ResolvedConsumerOptions<K = DefaultKey, V = DefaultValue> {
  readonly groupId: string | null
  readonly groupInstanceId: string | null
  readonly enableAutoCommit: boolean
  readonly autoCommitIntervalMs: number
  readonly autoOffsetReset: AutoOffsetReset
  readonly partitionAssignmentStrategy: readonly ConsumerPartitionAssignor[]
  readonly groupProtocol: GroupProtocol
  readonly groupRemoteAssignor: string | null
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly maxPollIntervalMs: number
  readonly maxPollRecords: number
  readonly fetchMinBytes: number
  readonly fetchMaxBytes: number
  readonly fetchMaxWaitMs: number
  readonly maxPartitionFetchBytes: number
  readonly isolationLevel: IsolationLevel
  readonly clientRack: string | null
  readonly defaultApiTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly checkCrcs: boolean
  readonly excludeInternalTopics: boolean
  readonly allowAutoCreateTopics: boolean
  readonly interceptors: readonly ConsumerInterceptor<K, V>[]
  readonly keyDeserializer: Deserializer<K> | null
  readonly valueDeserializer: Deserializer<V> | null
  readonly logger: Logger
}

export const CONSUMER_DEFAULTS = Object.freeze({
  enableAutoCommit: true,
  autoCommitIntervalMs: 5000,
  autoOffsetReset: 'latest' as AutoOffsetReset,
  partitionAssignmentStrategy: Object.freeze(['range', 'cooperative-sticky']),
  groupProtocol: 'classic' as GroupProtocol,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3000,
  maxPollIntervalMs: 300_000,
  maxPollRecords: 500,
  fetchMinBytes: 1,
  fetchMaxBytes: 52_428_800,
  fetchMaxWaitMs: 500,
  maxPartitionFetchBytes: 1_048_576,
  isolationLevel: 'read_uncommitted' as IsolationLevel,
  defaultApiTimeoutMs: 60_000,
  checkCrcs: true,
  excludeInternalTopics: true,
  allowAutoCreateTopics: true,
})

/** Inherited from the client when the consumer does not set them. */
export interface ConsumerClientDefaults {
  readonly requestTimeoutMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly logger: Logger
}

const KNOWN = new Set<string>([
  'groupId', 'groupInstanceId', 'enableAutoCommit', 'autoCommitIntervalMs', 'autoOffsetReset',
  'partitionAssignmentStrategy', 'groupProtocol', 'groupRemoteAssignor', 'sessionTimeoutMs',
  'heartbeatIntervalMs', 'maxPollIntervalMs', 'maxPollRecords', 'fetchMinBytes', 'fetchMaxBytes',
  'fetchMaxWaitMs', 'maxPartitionFetchBytes', 'isolationLevel', 'clientRack', 'defaultApiTimeoutMs',
  'requestTimeoutMs', 'retryBackoffMs', 'retryBackoffMaxMs', 'checkCrcs', 'excludeInternalTopics',
  'allowAutoCreateTopics', 'interceptors', 'keyDeserializer', 'valueDeserializer', 'logger',
  // client-level names, tolerated so one options object can serve both (fromJavaProperties output)
  'clientId', 'bootstrapServers', 'tls', 'sasl', 'connectionsMaxIdleMs', 'metadataMaxAgeMs',
  'socketConnectionSetupTimeoutMs',
])

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new ConfigError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(value)})`)
}

function optionalString(name: string, value: unknown): string | null {
  if (value === undefined || value === null) return null
  return stringOption(name, value, '')
}

function fn<T>(name: string, value: unknown): T | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'function') throw new ConfigError(`${name} must be a function`)
  return value as T
}

/** Validates consumer options and fills in defaults. Throws ConfigError on the first bad value. */
export function resolveConsumerOptions<K = DefaultKey, V = DefaultValue>(
  input: ConsumerOptions<K, V> | undefined,
  client: ConsumerClientDefaults,
): ResolvedConsumerOptions<K, V> {
  const o = (input ?? {}) as Record<string, unknown>
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ConfigError('consumer options must be an object')
  const groupId = optionalString('groupId', o['groupId'])
  const groupInstanceId = optionalString('groupInstanceId', o['groupInstanceId'])
  if (groupInstanceId !== null && groupId === null) throw new ConfigError('groupInstanceId needs a groupId')
  // Java: without a group id auto-commit is off by default, and asking for it is an error.
  if (groupId === null && o['enableAutoCommit'] === true) throw new ConfigError('enableAutoCommit needs a groupId')
  const enableAutoCommit = booleanOption('enableAutoCommit', o['enableAutoCommit'], groupId !== null && CONSUMER_DEFAULTS.enableAutoCommit)
  const sessionTimeoutMs = intOption('sessionTimeoutMs', o['sessionTimeoutMs'], CONSUMER_DEFAULTS.sessionTimeoutMs, { min: 1 })
  const heartbeatIntervalMs = intOption('heartbeatIntervalMs', o['heartbeatIntervalMs'], CONSUMER_DEFAULTS.heartbeatIntervalMs, { min: 1 })
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ConfigError(`heartbeatIntervalMs (${heartbeatIntervalMs}) must be lower than sessionTimeoutMs (${sessionTimeoutMs})`)
  }
  const fetchMaxBytes = intOption('fetchMaxBytes', o['fetchMaxBytes'], CONSUMER_DEFAULTS.fetchMaxBytes, { min: 0, max: 0x7fffffff })
  const strategy = o['partitionAssignmentStrategy'] ?? CONSUMER_DEFAULTS.partitionAssignmentStrategy
  if (!Array.isArray(strategy)) throw new ConfigError('partitionAssignmentStrategy must be an array of assignor names or objects')
  const logger = o['logger'] ?? client.logger
  if (!isLogger(logger)) throw new ConfigError('logger must have debug, info, warn and error methods')
  // Java logs unknown settings and goes on; so do we (typos show up in the log).
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) safeLog(logger, 'warn', `unknown consumer option "${key}" ignored`)
  }
  const interceptors = o['interceptors'] ?? []
  if (!Array.isArray(interceptors) || interceptors.some((i) => typeof i !== 'object' || i === null)) {
    throw new ConfigError('interceptors must be an array of interceptor objects')
  }
  const retryBackoffMs = intOption('retryBackoffMs', o['retryBackoffMs'], client.retryBackoffMs)
  return Object.freeze({
    groupId,
    groupInstanceId,
    enableAutoCommit,
    autoCommitIntervalMs: intOption('autoCommitIntervalMs', o['autoCommitIntervalMs'], CONSUMER_DEFAULTS.autoCommitIntervalMs),
    autoOffsetReset: oneOf('autoOffsetReset', o['autoOffsetReset'], ['earliest', 'latest', 'none'], CONSUMER_DEFAULTS.autoOffsetReset),
    partitionAssignmentStrategy: Object.freeze(resolveAssignors(strategy as (string | ConsumerPartitionAssignor)[])),
    groupProtocol: oneOf('groupProtocol', o['groupProtocol'], ['classic', 'consumer'], CONSUMER_DEFAULTS.groupProtocol),
    groupRemoteAssignor: optionalString('groupRemoteAssignor', o['groupRemoteAssignor']),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs: intOption('maxPollIntervalMs', o['maxPollIntervalMs'], CONSUMER_DEFAULTS.maxPollIntervalMs, { min: 1 }),
    maxPollRecords: intOption('maxPollRecords', o['maxPollRecords'], CONSUMER_DEFAULTS.maxPollRecords, { min: 1, max: 0x7fffffff }),
    fetchMinBytes: intOption('fetchMinBytes', o['fetchMinBytes'], CONSUMER_DEFAULTS.fetchMinBytes, { min: 0, max: 0x7fffffff }),
    fetchMaxBytes,
    fetchMaxWaitMs: intOption('fetchMaxWaitMs', o['fetchMaxWaitMs'], CONSUMER_DEFAULTS.fetchMaxWaitMs),
    maxPartitionFetchBytes: intOption('maxPartitionFetchBytes', o['maxPartitionFetchBytes'], CONSUMER_DEFAULTS.maxPartitionFetchBytes, {
      min: 0,
      max: 0x7fffffff,
    }),
    isolationLevel: oneOf('isolationLevel', o['isolationLevel'], ['read_uncommitted', 'read_committed'], CONSUMER_DEFAULTS.isolationLevel),
    clientRack: optionalString('clientRack', o['clientRack']),
    defaultApiTimeoutMs: intOption('defaultApiTimeoutMs', o['defaultApiTimeoutMs'], CONSUMER_DEFAULTS.defaultApiTimeoutMs, { min: 1 }),
    requestTimeoutMs: intOption('requestTimeoutMs', o['requestTimeoutMs'], client.requestTimeoutMs, { min: 1 }),
    retryBackoffMs,
    retryBackoffMaxMs: Math.max(retryBackoffMs, intOption('retryBackoffMaxMs', o['retryBackoffMaxMs'], client.retryBackoffMaxMs)),
    checkCrcs: booleanOption('checkCrcs', o['checkCrcs'], CONSUMER_DEFAULTS.checkCrcs),
    excludeInternalTopics: booleanOption('excludeInternalTopics', o['excludeInternalTopics'], CONSUMER_DEFAULTS.excludeInternalTopics),
    allowAutoCreateTopics: booleanOption('allowAutoCreateTopics', o['allowAutoCreateTopics'], CONSUMER_DEFAULTS.allowAutoCreateTopics),
    interceptors: Object.freeze(interceptors.slice() as ConsumerInterceptor<K, V>[]),
    keyDeserializer: fn<Deserializer<K>>('keyDeserializer', o['keyDeserializer']),
    valueDeserializer: fn<Deserializer<V>>('valueDeserializer', o['valueDeserializer']),
    logger: logger ?? NOOP_LOGGER,
  })
}
