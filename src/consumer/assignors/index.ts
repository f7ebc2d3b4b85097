// Built-in assignors by wire name, and resolution of the partitionAssignmentStrategy option
// (names or assignor objects) into assignor instances, one set per consumer (the sticky ones keep
// per-member state). Called by options.ts and the group member.
import { ConfigError } from '../../errors.js'
import { CooperativeStickyAssignor } from './cooperative-sticky.js'
import { RangeAssignor } from './range.js'
import { RoundRobinAssignor } from './round-robin.js'
import { StickyAssignor } from './sticky.js'
import type { ConsumerPartitionAssignor, RebalanceProtocol } from './types.js'

export { CooperativeStickyAssignor } from './cooperative-sticky.js'
export { RangeAssignor } from './range.js'
export { RoundRobinAssignor } from './round-robin.js'
export { decodeStickyUserData, encodeStickyUserData, StickyAssignor, stickyAssign } from './sticky.js'
export type * from './types.js'

export type BuiltInAssignorName = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky'
export const BUILT_IN_ASSIGNORS: readonly BuiltInAssignorName[] = ['range', 'roundrobin', 'sticky', 'cooperative-sticky']

export function createAssignor(name: BuiltInAssignorName): ConsumerPartitionAssignor {
  switch (name) {
    case 'range':
      return new RangeAssignor()
    case 'roundrobin':
      return new RoundRobinAssignor()
    case 'sticky':
      return new StickyAssignor()
    case 'cooperative-sticky':
      return new CooperativeStickyAssignor()
  }
}

/** Checks a strategy list (names or objects) and returns fresh assignor instances. */
export function resolveAssignors(strategy: readonly (string | ConsumerPartitionAssignor)[]): ConsumerPartitionAssignor[] {
  if (strategy.length === 0) throw new ConfigError('partitionAssignmentStrategy must list at least one assignor')
  const out: ConsumerPartitionAssignor[] = []
  const names = new Set<string>()
  for (const s of strategy) {
    let a: ConsumerPartitionAssignor
    if (typeof s === 'string') {
      if (!(BUILT_IN_ASSIGNORS as readonly string[]).includes(s)) {
        throw new ConfigError(`partitionAssignmentStrategy: unknown assignor "${s}" (built in: ${BUILT_IN_ASSIGNORS.join(', ')}; or pass an object)`)
      }
      a = createAssignor(s as BuiltInAssignorName)
    } else if (typeof s === 'object' && s !== null && typeof s.name === 'string' && s.name.length > 0 && typeof s.assign === 'function') {
      a = s
    } else {
      throw new ConfigError('partitionAssignmentStrategy entries must be assignor names or objects with a name and assign()')
    }
    if (names.has(a.name)) throw new ConfigError(`partitionAssignmentStrategy lists "${a.name}" twice`)
    names.add(a.name)
    out.push(a)
  }
  return out
}

/** The rebalance protocol every assignor supports, preferring cooperative (Java's rule). */
export function commonProtocol(assignors: readonly ConsumerPartitionAssignor[]): RebalanceProtocol {
  const supports = (a: ConsumerPartitionAssignor, p: RebalanceProtocol) => (a.supportedProtocols ?? ['eager']).includes(p)
  if (assignors.every((a) => supports(a, 'cooperative'))) return 'cooperative'
  if (assignors.every((a) => supports(a, 'eager'))) return 'eager'
  throw new ConfigError('partitionAssignmentStrategy: the assignors share no rebalance protocol')
}
