// Public surface of the producer layer: the Producer class, its options, record types, errors,
// serializers, interceptors and partitioner types. src/index.ts and client.ts import from here.
export { ClusterProducerAdapter } from './cluster-adapter.js'
export type { CoordinatorType, ProducerCluster, ProducerRequestOptions, ProducerTopicMetadata } from './cluster-port.js'
export {
  type BatchMessage,
  batchChannel,
  type InterceptorErrorMessage,
  interceptorErrorChannel,
  type ProducerIdMessage,
  producerIdChannel,
  type RequestMessage,
  requestChannel,
  type RetryMessage,
  retryChannel,
  type TransactionMessage,
  transactionChannel,
} from './diagnostics.js'
export { BufferExhaustedError, DeliveryTimeoutError, InvalidRecordError, SerializationError, TransactionStateError } from './errors.js'
export type { ProducerInterceptor } from './interceptors.js'
export {
  type Acks,
  COMPRESSION_TYPES,
  type CompressionType,
  compressionSupported,
  PRODUCER_DEFAULTS,
  type ProducerClientDefaults,
  type ProducerOptions,
  type ResolvedProducerOptions,
  resolveProducerOptions,
} from './options.js'
export type { Partitioner, PartitionerArgs } from './partitioner.js'
export { type CloseOptions, Producer, type ProducerDeps } from './producer.js'
export { jsonSerializer, type Serializer, stringSerializer } from './serializers.js'
export type { TransactionState } from './transactions.js'
export type {
  ConsumerGroupMetadata,
  DefaultKey,
  DefaultValue,
  HeaderValue,
  ProducerRecord,
  RecordHeader,
  RecordHeaders,
  RecordMetadata,
  SendCallback,
  TopicPartition,
  TopicPartitionOffset,
} from './types.js'
