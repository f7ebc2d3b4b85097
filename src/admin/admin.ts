// The Admin client (API.md "Admin"): topic, config, group and offset administration over one
// Cluster, which it owns and closes. Built by the Kafka facade (kafka.admin()) and the CLI; each
// method delegates to the concern module that routes it (controller, any broker, coordinator,
// partition leaders). Invariants: multi-item calls resolve when every item succeeded and otherwise
// reject with AdminBatchError holding every item's outcome; calls after close() reject with
// ClosedError; bad arguments reject with ConfigError before any request.
import { intOption, type ResolvedClientOptions } from '../client-options.js'
import type { Cluster } from '../cluster/cluster.js'
import { ClosedError, ConfigError } from '../errors.js'
import { timeoutArg } from './args.js'
import type { AdminContext } from './cluster-info.js'
import { describeCluster } from './cluster-info.js'
import { describeConfigs, incrementalAlterConfigs } from './configs.js'
import { deleteGroups, describeGroups, listGroups } from './groups.js'
import { alterConsumerGroupOffsets, consumerGroupLag, deleteRecords, listConsumerGroupOffsets, listOffsets } from './offsets.js'
import { createPartitions, createTopics, deleteTopics, describeTopics, listTopics } from './topics.js'
import type {
  AdminCallOptions,
  AlterConfigsOptions,
  ClusterDescription,
  ConfigChange,
  ConfigDescription,
  CreatedTopic,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeletedRecords,
  DescribeConfigsOptions,
  DescribeConfigsResource,
  GroupDescription,
  GroupListing,
  GroupOffset,
  GroupOffsetChange,
  ListedOffset,
  ListGroupOffsetsOptions,
  ListGroupsOptions,
  ListOffsetsOptions,
  ListTopicsOptions,
  NewPartitions,
  NewTopic,
  OffsetQuery,
  PartitionLag,
  RecordsToDelete,
  TopicDescription,
} from './types.js'

export interface AdminOptions {
  /** Overall budget of one admin call, retries included (Java default.api.timeout.ms). */
  readonly defaultApiTimeoutMs?: number
}

export const ADMIN_DEFAULTS = Object.freeze({ defaultApiTimeoutMs: 60_000 })

export class Admin {
  readonly #cluster: Cluster
  readonly #ctx: AdminContext
  #closing: Promise<void> | null = null

  /**
   * `cluster` is owned by the Admin (close() closes it). Build it with
   * `allowAutoTopicCreation: false` (the admin's own Metadata requests never auto-create anyway).
   */
  constructor(cluster: Cluster, clientOptions: ResolvedClientOptions, options: AdminOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ConfigError('admin options must be an object')
    const defaultApiTimeoutMs = intOption('defaultApiTimeoutMs', options.defaultApiTimeoutMs, ADMIN_DEFAULTS.defaultApiTimeoutMs)
    this.#cluster = cluster
    this.#ctx = {
      cluster,
      defaultApiTimeoutMs,
      requestTimeoutMs: clientOptions.requestTimeoutMs,
      checkOpen: () => {
        if (this.#closing !== null || cluster.closed) throw new ClosedError('admin client closed')
      },
    }
  }

  /** Creates topics; per topic TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, ... (AdminBatchError). */
  createTopics(topics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<CreatedTopic[]> {
    return createTopics(this.#ctx, topics, options)
  }

  /** Deletes topics by name; unknown names fail with UNKNOWN_TOPIC_OR_PARTITION. */
  deleteTopics(names: readonly string[], options?: AdminCallOptions): Promise<void> {
    return deleteTopics(this.#ctx, names, options)
  }

  /** Topic names, sorted; internal topics only with { includeInternal: true }. */
  listTopics(options?: ListTopicsOptions): Promise<string[]> {
    return listTopics(this.#ctx, options)
  }

  /** Partitions, leaders, replicas and ISR of the named topics (all non-internal topics when omitted). */
  describeTopics(names?: readonly string[], options?: AdminCallOptions): Promise<TopicDescription[]> {
    return describeTopics(this.#ctx, names, options)
  }

  /** Grows topics to a new total partition count: `{ orders: 6 }`. */
  createPartitions(newPartitions: Readonly<Record<string, NewPartitions>>, options?: CreatePartitionsOptions): Promise<void> {
    return createPartitions(this.#ctx, newPartitions, options)
  }

  describeConfigs(resources: readonly DescribeConfigsResource[], options?: DescribeConfigsOptions): Promise<ConfigDescription[]> {
    return describeConfigs(this.#ctx, resources, options)
  }

  /** `[{ type: 'topic', name: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }]` (op default 'set'). */
  incrementalAlterConfigs(changes: readonly ConfigChange[], options?: AlterConfigsOptions): Promise<void> {
    return incrementalAlterConfigs(this.#ctx, changes, options)
  }

  listGroups(options?: ListGroupsOptions): Promise<GroupListing[]> {
    return listGroups(this.#ctx, options)
  }

  describeGroups(groupIds: readonly string[], options?: AdminCallOptions): Promise<GroupDescription[]> {
    return describeGroups(this.#ctx, groupIds, options)
  }

  deleteGroups(groupIds: readonly string[], options?: AdminCallOptions): Promise<void> {
    return deleteGroups(this.#ctx, groupIds, options)
  }

  /** The group's committed offsets (partitions without a commit are left out), sorted. */
  listConsumerGroupOffsets(groupId: string, options?: ListGroupOffsetsOptions): Promise<GroupOffset[]> {
    return listConsumerGroupOffsets(this.#ctx, groupId, options)
  }

  /** Sets committed offsets of a group with no active members. */
  alterConsumerGroupOffsets(groupId: string, offsets: readonly GroupOffsetChange[], options?: AdminCallOptions): Promise<void> {
    return alterConsumerGroupOffsets(this.#ctx, groupId, offsets, options)
  }

  /** `[{ topic, partition, spec: 'earliest' | 'latest' | 'max-timestamp' | { timestamp } }]` */
  listOffsets(queries: readonly OffsetQuery[], options?: ListOffsetsOptions): Promise<ListedOffset[]> {
    return listOffsets(this.#ctx, queries, options)
  }

  /** Deletes the records before each offset (-1n: before the high watermark). */
  deleteRecords(beforeOffsets: readonly RecordsToDelete[], options?: AdminCallOptions): Promise<DeletedRecords[]> {
    return deleteRecords(this.#ctx, beforeOffsets, options)
  }

  async describeCluster(options: AdminCallOptions = {}): Promise<ClusterDescription> {
    this.#ctx.checkOpen()
    const timeoutMs = timeoutArg('describeCluster', options.timeoutMs, this.#ctx.defaultApiTimeoutMs)
    return describeCluster(this.#ctx, timeoutMs, options.signal)
  }

  /** Per partition: committed offset, log end offset and lag (plus the assigned member). */
  consumerGroupLag(groupId: string, options?: ListOffsetsOptions): Promise<PartitionLag[]> {
    return consumerGroupLag(this.#ctx, groupId, options)
  }

  /** Closes every connection; pending calls reject with ClosedError. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#cluster.close()
    return this.#closing
  }
}
