// Public surface of the consumer layer: the Consumer class, its options, records, errors,
// deserializers, interceptors and assignors. src/index.ts and client.ts import from here only.
export type { BuiltInAssignorName } from './assignors/index.js'
export {
  BUILT_IN_ASSIGNORS,
  CooperativeStickyAssignor,
  RangeAssignor,
  RoundRobinAssignor,
  StickyAssignor,
} from './assignors/index.js'
export type {
  AssignmentMetadata,
  ClusterView,
  ConsumerPartitionAssignor,
  MemberAssignment,
  MemberSubscription,
  RebalanceProtocol,
  ReceivedAssignment,
} from './assignors/types.js'
export { type CommitInput, nextOffsets } from './commit-input.js'
export type { CommitCallback } from './commit-manager.js'
export { Consumer, type ConsumerDeps, type TimeoutOptions } from './consumer.js'
export { ConsumerRecords } from './consumer-records.js'
export { bufferDeserializer, type Deserializer, jsonDeserializer, stringDeserializer } from './deserializers.js'
export {
  CorruptRecordError,
  IllegalStateError,
  NoOffsetForPartitionError,
  OffsetOutOfRangeError,
  RecordDeserializationError,
  WakeupError,
} from './errors.js'
export type { GroupPort, GroupSendOptions } from './group/group-port.js'
export {
  type ConsumerInterceptor,
  type ConsumerInterceptorErrorMessage,
  consumerInterceptorErrorChannel,
} from './interceptors.js'
export {
  type AutoOffsetReset,
  CONSUMER_DEFAULTS,
  type ConsumerClientDefaults,
  type ConsumerOptions,
  type GroupProtocol,
  type IsolationLevel,
  type ResolvedConsumerOptions,
  resolveConsumerOptions,
} from './options.js'
export { TopicPartitionMap } from './topic-partition-map.js'
export {
  ConsumerRecord,
  type ConsumerGroupMetadata,
  type ConsumerRebalanceListener,
  type DefaultKey,
  type DefaultValue,
  type OffsetAndMetadata,
  type OffsetAndTimestamp,
  type RecordHeader,
  type TimestampTypeName,
  type TopicPartition,
  type TopicPartitionOffset,
} from './types.js'
