// Public argument and result shapes of the Admin client (API.md "Admin"). Pure types and the
// small name ↔ wire-id tables they need; imported by every admin module and re-exported from
// src/admin/index.ts. Invariants: offsets are bigint, timestamps number (ms), broker ids number;
// names follow Java's AdminClient where one exists.
import type { BrokerNode } from '../cluster/metadata-cache.js'

export type { BrokerNode }

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** Options every admin call takes. */
export interface AdminCallOptions {
  /** Overall budget of the call, retries included (default: the admin's defaultApiTimeoutMs). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}

// ---- topics -------------------------------------------------------------------------------------

export interface NewTopic {
  readonly name: string
  /** -1 or absent: the broker's num.partitions (needs replicaAssignments absent) */
  readonly numPartitions?: number
  /** -1 or absent: the broker's default.replication.factor */
  readonly replicationFactor?: number
  /** Manual placement: replicaAssignments[p] = broker ids of partition p (then leave counts at -1). */
  readonly replicaAssignments?: readonly (readonly number[])[]
  readonly configs?: Readonly<Record<string, string>>
}

export interface CreateTopicsOptions extends AdminCallOptions {
  /** Check the request without creating anything (CreateTopics ValidateOnly). */
  readonly validateOnly?: boolean
}

export interface CreatedTopic {
  readonly name: string
  /** null when the broker does not report ids (CreateTopics < v7) or validateOnly */
  readonly topicId: string | null
  /** as the broker created (or would create) it; the requested value on brokers older than v5 */
  readonly numPartitions: number
  readonly replicationFactor: number
  /** effective configs (v5+); null when the broker did not report them */
  readonly configs: Readonly<Record<string, string | null>> | null
}

export interface ListTopicsOptions extends AdminCallOptions {
  /** include internal topics (__consumer_offsets, ...); default false */
  readonly includeInternal?: boolean
}

export interface PartitionDescription {
  readonly partition: number
  /** -1 when the partition has no leader */
  readonly leader: number
  /** -1 when the broker does not report epochs */
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly offlineReplicas: readonly number[]
}

export interface TopicDescription {
  readonly name: string
  /** null when unknown (Metadata < v10) */
  readonly topicId: string | null
  readonly isInternal: boolean
  /** sorted by partition */
  readonly partitions: readonly PartitionDescription[]
}

/** New total partition count, or the count with replica placement for the added partitions. */
export type NewPartitions = number | { readonly totalCount: number; readonly assignments?: readonly (readonly number[])[] }

export interface CreatePartitionsOptions extends AdminCallOptions {
  readonly validateOnly?: boolean
}

// ---- configs ------------------------------------------------------------------------------------

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger' | 'client-metrics' | 'group'

export const CONFIG_RESOURCE_TYPE_IDS: Readonly<Record<ConfigResourceType, number>> = {
  topic: 2,
  broker: 4,
  'broker-logger': 8,
  'client-metrics': 16,
  group: 32,
}

export interface ConfigResource {
  readonly type: ConfigResourceType
  /** topic name, broker id as a string ('' = cluster-wide broker defaults), group id, ... */
  readonly name: string
}

export interface DescribeConfigsResource extends ConfigResource {
  /** only these config names (default: all) */
  readonly configNames?: readonly string[]
}

export interface DescribeConfigsOptions extends AdminCallOptions {
  readonly includeSynonyms?: boolean
  readonly includeDocumentation?: boolean
}

/** Java's ConfigEntry.ConfigSource names, indexed by the wire id. */
export const CONFIG_SOURCES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
] as const
export type ConfigSource = (typeof CONFIG_SOURCES)[number]

/** Java's ConfigEntry.ConfigType names, indexed by the wire id (DescribeConfigs v3+). */
export const CONFIG_TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const
export type ConfigType = (typeof CONFIG_TYPES)[number]

export interface ConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: ConfigSource
}

export interface ConfigEntry {
  readonly name: string
  /** null for sensitive configs and unset values */
  readonly value: string | null
  readonly source: ConfigSource
  readonly isDefault: boolean
  readonly isReadOnly: boolean
  readonly isSensitive: boolean
  readonly type: ConfigType
  readonly documentation: string | null
  readonly synonyms: readonly ConfigSynonym[]
}

export interface ConfigDescription extends ConfigResource {
  readonly configs: readonly ConfigEntry[]
}

export type AlterConfigOpType = 'set' | 'delete' | 'append' | 'subtract'

export const ALTER_CONFIG_OP_IDS: Readonly<Record<AlterConfigOpType, number>> = { set: 0, delete: 1, append: 2, subtract: 3 }

export interface AlterConfigOp {
  readonly name: string
  /** ignored for 'delete' */
  readonly value?: string | null
  /** default 'set' */
  readonly op?: AlterConfigOpType
}

export interface ConfigChange extends ConfigResource {
  readonly configs: readonly AlterConfigOp[]
}

export interface AlterConfigsOptions extends AdminCallOptions {
  readonly validateOnly?: boolean
}

// ---- groups -------------------------------------------------------------------------------------

export interface ListGroupsOptions extends AdminCallOptions {
  /** only groups in these states (case-insensitive: 'Stable', 'Empty', ...) */
  readonly states?: readonly string[]
  /** only groups of these types ('classic', 'consumer') */
  readonly types?: readonly string[]
}

export interface GroupListing {
  readonly groupId: string
  /** 'consumer' for consumer groups, '' for groups that only commit offsets */
  readonly protocolType: string
  /** null when the broker does not report it (ListGroups < v4) */
  readonly state: string | null
  /** null when the broker does not report it (ListGroups < v5) */
  readonly type: string | null
  /** the broker that answered for the group (its coordinator) */
  readonly coordinatorId: number
}

export interface MemberSubscription {
  readonly topics: readonly string[]
  readonly ownedPartitions: readonly TopicPartition[]
  readonly rackId: string | null
  readonly userData: Buffer | null
}

export interface MemberDescription {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** decoded consumer-protocol assignment; [] when the group is not Stable or not a consumer group */
  readonly assignment: readonly TopicPartition[]
  /** decoded consumer-protocol subscription; null when absent or undecodable */
  readonly subscription: MemberSubscription | null
  /** the raw bytes, for groups of other protocol types */
  readonly rawMetadata: Buffer
  readonly rawAssignment: Buffer
}

export interface GroupDescription {
  readonly groupId: string
  /** 'Stable', 'Empty', 'PreparingRebalance', 'CompletingRebalance' (unknown groups fail instead) */
  readonly state: string
  readonly protocolType: string
  /** the chosen assignor ('range', ...) for Stable consumer groups, else '' */
  readonly protocol: string
  readonly members: readonly MemberDescription[]
  readonly coordinator: BrokerNode
}

// ---- offsets ------------------------------------------------------------------------------------

export interface GroupOffset extends TopicPartition {
  /** the next offset the group reads */
  readonly offset: bigint
  readonly leaderEpoch: number | null
  readonly metadata: string
}

export interface ListGroupOffsetsOptions extends AdminCallOptions {
  /** only these partitions (default: every committed partition) */
  readonly partitions?: readonly TopicPartition[]
  /** KIP-447: fail partitions with pending transactional commits (retried until stable) */
  readonly requireStable?: boolean
}

export interface GroupOffsetChange extends TopicPartition {
  readonly offset: bigint
  readonly metadata?: string | null
  readonly leaderEpoch?: number
}

/** Which offset ListOffsets looks up. */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { readonly timestamp: number }

export interface OffsetQuery extends TopicPartition {
  /** default 'latest' */
  readonly spec?: OffsetSpec
}

export interface ListOffsetsOptions extends AdminCallOptions {
  readonly isolationLevel?: 'read_uncommitted' | 'read_committed'
}

export interface ListedOffset extends TopicPartition {
  /** -1n when no record matches a timestamp query */
  readonly offset: bigint
  /** -1 when unknown */
  readonly timestamp: number
  readonly leaderEpoch: number | null
}

export interface RecordsToDelete extends TopicPartition {
  /** delete every record before this offset; -1n = up to the high watermark */
  readonly offset: bigint
}

export interface DeletedRecords extends TopicPartition {
  /** the partition's new log start offset */
  readonly lowWatermark: bigint
}

export interface PartitionLag extends TopicPartition {
  /** null when the group has no commit for the partition */
  readonly committedOffset: bigint | null
  /** the partition's log end offset; null when it could not be read (e.g. topic deleted) */
  readonly endOffset: bigint | null
  /** endOffset - committedOffset; null when either is unknown */
  readonly lag: bigint | null
  /** the member the partition is assigned to, if any */
  readonly memberId: string | null
  readonly clientId: string | null
  readonly host: string | null
}

export interface ClusterDescription {
  readonly clusterId: string | null
  /** -1 when unknown */
  readonly controllerId: number
  /** sorted by node id */
  readonly brokers: readonly BrokerNode[]
}
