// Validation of the arguments users pass to Admin methods: each check throws ConfigError naming
// the method and the bad value, before any request is sent. Called by the admin concern modules.
// Invariant: a value that passes is safe to hand to the codec (right type, integer range).
import { ConfigError } from '../errors.js'
import type { TopicPartition } from './types.js'

const INT32_MAX = 2_147_483_647

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function arrayArg(method: string, what: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new ConfigError(`${method}: ${what} must be an array (got ${describe(value)})`)
  return value
}

export function stringArg(method: string, what: string, value: unknown, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new ConfigError(`${method}: ${what} must be a${allowEmpty ? '' : ' non-empty'} string (got ${describe(value)})`)
  }
  return value
}

export function intArg(method: string, what: string, value: unknown, min: number, max = INT32_MAX): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${method}: ${what} must be an integer between ${min} and ${max} (got ${describe(value)})`)
  }
  return value
}

export function bigintArg(method: string, what: string, value: unknown, min: bigint): bigint {
  if (typeof value !== 'bigint' || value < min) {
    throw new ConfigError(`${method}: ${what} must be a bigint >= ${min} (got ${describe(value)})`)
  }
  return value
}

export function stringListArg(method: string, what: string, value: unknown): string[] {
  return arrayArg(method, what, value).map((v, i) => stringArg(method, `${what}[${i}]`, v))
}

export function topicPartitionArg(method: string, what: string, value: unknown): TopicPartition {
  if (!isRecord(value)) throw new ConfigError(`${method}: ${what} must be { topic, partition } (got ${describe(value)})`)
  return {
    topic: stringArg(method, `${what}.topic`, value['topic']),
    partition: intArg(method, `${what}.partition`, value['partition'], 0),
  }
}

/** Non-negative timeoutMs option, or the default. */
export function timeoutArg(method: string, value: unknown, defaultMs: number): number {
  return value === undefined ? defaultMs : intArg(method, 'timeoutMs', value, 0)
}
