// The Kafka facade (API.md "Client"): validates the client options once, then builds the layers
// for each client it hands out. Every producer and consumer gets its own Cluster (connection
// pool, metadata cache, coordinator lookup), as each Java client has its own network client, and
// closes it on close(). Invariant: bad options throw ConfigError here, before any socket opens.
import { type ClientOptions, type ResolvedClientOptions, resolveClientOptions } from './client-options.js'
import { Admin, type AdminOptions } from './admin/index.js'
import { Cluster } from './cluster/cluster.js'
import { Consumer, type ConsumerOptions } from './consumer/index.js'
import {
  ClusterProducerAdapter,
  type DefaultKey,
  type DefaultValue,
  Producer,
  type ProducerClientDefaults,
  type ProducerOptions,
  resolveProducerOptions,
} from './producer/index.js'

export class Kafka {
  readonly options: ResolvedClientOptions

  constructor(options: ClientOptions) {
    this.options = resolveClientOptions(options)
  }

  /** A producer with its own connections; send() connects lazily. */
  producer<K = DefaultKey, V = DefaultValue>(options: ProducerOptions<K, V> = {}): Producer<K, V> {
    const clientDefaults = this.#producerDefaults()
    // validate before building anything that holds timers or sockets
    const resolved = resolveProducerOptions<K, V>(options, clientDefaults)
    const cluster = new Cluster({
      ...this.options,
      // the Java producer lets metadata requests auto-create topics
      allowAutoTopicCreation: true,
      maxInFlightRequests: { produce: resolved.maxInFlightRequestsPerConnection },
    })
    return new Producer<K, V>(new ClusterProducerAdapter(cluster), options, { ownsCluster: true, clientDefaults })
  }

  /** A consumer with its own connections. */
  consumer<K = Buffer | null, V = Buffer | null>(options: ConsumerOptions<K, V> = {}): Consumer<K, V> {
    // Java's allow.auto.create.topics (default true) decides whether the consumer's metadata
    // requests may create a subscribed topic.
    const cluster = new Cluster({ ...this.options, allowAutoTopicCreation: options.allowAutoCreateTopics ?? true })
    return new Consumer<K, V>(cluster, this.options, options)
  }

  /** An admin client with its own connections; its metadata requests never create topics. */
  admin(options: AdminOptions = {}): Admin {
    return new Admin(new Cluster({ ...this.options, allowAutoTopicCreation: false }), this.options, options)
  }

  #producerDefaults(): ProducerClientDefaults {
    return {
      requestTimeoutMs: this.options.requestTimeoutMs,
      retryBackoffMs: this.options.retryBackoffMs,
      retryBackoffMaxMs: this.options.retryBackoffMaxMs,
      logger: this.options.logger,
    }
  }
}
