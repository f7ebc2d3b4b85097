// The reference broker as the interop tests see it: startCluster() from test/fixtures/broker on
// 127.0.0.1 with ephemeral ports, reduced to what foreign clients need (a bootstrap string, the
// broker list, node id/host/port) and close() (idempotent). Uses the default profile (Kafka 4.x).
import { startCluster } from '../../fixtures/broker/index.js'

export interface InteropNode {
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

export interface InteropCluster {
  /** "127.0.0.1:p1,127.0.0.1:p2,..." */
  readonly bootstrap: string
  /** the same, as a list */
  readonly brokers: readonly string[]
  readonly nodes: readonly InteropNode[]
  close(): Promise<void>
}

export interface InteropTopic {
  readonly name: string
  readonly numPartitions: number
  readonly replicationFactor: number
}

/** Start `nodes` brokers; `topics` are created before the listeners open (no client involved). */
export async function startInteropCluster(nodes: number, topics: readonly InteropTopic[] = []): Promise<InteropCluster> {
  const cluster = await startCluster({ nodes, topics })
  return {
    bootstrap: cluster.bootstrap,
    brokers: cluster.brokers,
    nodes: cluster.nodes.map((n) => ({ nodeId: n.nodeId, host: n.host, port: n.port })),
    close: () => cluster.close(),
  }
}
