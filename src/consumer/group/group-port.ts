// GroupPort: how the group member and the offset calls reach the group coordinator, as a narrow
// interface so unit tests can script the coordinator (with a fake clock) and the consumer can plug
// in the cluster layer (clusterGroupPort). Implementations find the coordinator when unknown and
// forget it on connection loss; callers report NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE answers
// through invalidateCoordinator(). Never throws synchronously.
import type { Cluster } from '../../cluster/cluster.js'
import type { ApiDescriptor } from '../../protocol/api.js'

export interface GroupSendOptions {
  readonly timeoutMs?: number
}

export interface GroupPort {
  /** One request to the coordinator; `build` gets the negotiated version. */
  send<Req, Res>(api: ApiDescriptor<Req, Res>, build: (version: number) => Req, options?: GroupSendOptions): Promise<Res>
  /** The coordinator answered NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE: look it up again next time. */
  invalidateCoordinator(): void
}

/** The GroupPort of a real cluster: 'group' connections to the coordinator of `groupId`. */
export function clusterGroupPort(cluster: Cluster, groupId: string, lookupTimeoutMs: number): GroupPort {
  return {
    async send<Req, Res>(api: ApiDescriptor<Req, Res>, build: (version: number) => Req, options: GroupSendOptions = {}): Promise<Res> {
      const conn = await cluster.coordinatorConnection('group', groupId, { timeoutMs: lookupTimeoutMs })
      try {
        const version = conn.versionFor(api)
        return await conn.send(api, build(version), options.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs })
      } catch (err) {
        cluster.coordinators.handleError('group', groupId, err)
        throw err
      }
    },
    invalidateCoordinator(): void {
      cluster.coordinators.invalidate('group', groupId)
    },
  }
}
