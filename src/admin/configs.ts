// Config administration: describeConfigs and incrementalAlterConfigs. Broker and broker-logger
// resources naming a broker id go to that broker (only it knows its own configs); every other
// resource goes to any broker, as Java's AdminClient routes them. Called by admin.ts.
// Invariants: per-resource errors fail that resource with its ProtocolError (not retried);
// lost connections retry the resources that were on them.
import type { BrokerNode } from '../cluster/metadata-cache.js'
import { ConfigError, ConnectionError, ProtocolError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { DescribeConfigsApi, type DescribeConfigsResponseDescribeConfigsResourceResult } from '../protocol/generated/describe-configs.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { IncrementalAlterConfigsApi } from '../protocol/generated/incremental-alter-configs.js'
import { arrayArg, isRecord, stringArg, stringListArg, timeoutArg } from './args.js'
import { done, fail, fanOut, pushTo, runBatch, settle, type Verdicts } from './batch.js'
import { type AdminContext, fetchMetadata, sendToAny, sendToNode } from './cluster-info.js'
import {
  ALTER_CONFIG_OP_IDS,
  type AlterConfigOpType,
  type AlterConfigsOptions,
  CONFIG_RESOURCE_TYPE_IDS,
  CONFIG_SOURCES,
  CONFIG_TYPES,
  type ConfigChange,
  type ConfigDescription,
  type ConfigEntry,
  type ConfigResource,
  type ConfigResourceType,
  type ConfigSource,
  type ConfigType,
  type DescribeConfigsOptions,
  type DescribeConfigsResource,
} from './types.js'

const ANY = -1

export function resourceLabel(r: ConfigResource): string {
  return `${r.type}:${r.name}`
}

function resourceArg(method: string, what: string, value: unknown): ConfigResource {
  if (!isRecord(value)) throw new ConfigError(`${method}: ${what} must be { type, name }`)
  const type = value['type']
  if (typeof type !== 'string' || !(type in CONFIG_RESOURCE_TYPE_IDS)) {
    throw new ConfigError(`${method}: ${what}.type must be one of ${Object.keys(CONFIG_RESOURCE_TYPE_IDS).join(', ')} (got ${JSON.stringify(type)})`)
  }
  const name = stringArg(method, `${what}.name`, value['name'], { allowEmpty: type === 'broker' || type === 'broker-logger' })
  return { type: type as ConfigResourceType, name }
}

/** The broker that must answer for a resource, or ANY. */
function targetOf(r: ConfigResource): number {
  if ((r.type === 'broker' || r.type === 'broker-logger') && /^\d+$/.test(r.name)) return Number(r.name)
  return ANY
}

function sourceName(id: number): ConfigSource {
  return CONFIG_SOURCES[id] ?? 'UNKNOWN'
}

function typeName(id: number | undefined): ConfigType {
  return CONFIG_TYPES[id ?? 0] ?? 'UNKNOWN'
}

function toEntry(c: DescribeConfigsResponseDescribeConfigsResourceResult): ConfigEntry {
  const source = sourceName(c.configSource)
  return {
    name: c.name,
    value: c.value,
    source,
    isDefault: source === 'DEFAULT_CONFIG',
    isReadOnly: c.readOnly,
    isSensitive: c.isSensitive,
    type: typeName(c.configType),
    documentation: c.documentation ?? null,
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: sourceName(s.source) })),
  }
}

/** Groups resources by the broker that must answer them; fetches broker addresses when needed. */
async function route<R extends ConfigResource>(ctx: AdminContext, pending: readonly R[]): Promise<{ targets: Map<number, R[]>; brokers: ReadonlyMap<number, BrokerNode> }> {
  const targets = new Map<number, R[]>()
  for (const r of pending) pushTo(targets, targetOf(r), r)
  const needsBrokers = [...targets.keys()].some((t) => t !== ANY)
  const brokers = needsBrokers ? (await fetchMetadata(ctx, [])).brokers : new Map<number, BrokerNode>()
  return { targets, brokers }
}

function sendTo<Req, Res>(
  ctx: AdminContext,
  brokers: ReadonlyMap<number, BrokerNode>,
  target: number,
  api: ApiDescriptor<Req, Res>,
  body: Req,
): Promise<Res> {
  if (target === ANY) return sendToAny(ctx, api, body)
  const node = brokers.get(target)
  if (node === undefined) return Promise.reject(new ConnectionError(`broker ${target} is not in the cluster metadata`))
  return sendToNode(ctx, node, api, body)
}

interface ResourceResult {
  readonly resourceType: number
  readonly resourceName: string
  readonly errorCode: number
  readonly errorMessage: string | null
}

/**
 * The round shared by both APIs: each resource goes to the broker that must answer it (route),
 * one request per broker (`request`), and each answered resource becomes `value(asked, result)`
 * or its ProtocolError. Settles like runBatch + settle (AdminBatchError if any resource failed).
 */
async function perResource<K extends ConfigResource, R extends ResourceResult, V>(
  ctx: AdminContext,
  operation: string,
  wanted: readonly K[],
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal },
  request: (send: <Req, Res>(api: ApiDescriptor<Req, Res>, body: Req) => Promise<Res>, list: readonly K[]) => Promise<readonly R[]>,
  value: (asked: K, result: R) => V,
): Promise<V[]> {
  const timeoutMs = timeoutArg(operation, options.timeoutMs, ctx.defaultApiTimeoutMs)
  const outcomes = await runBatch(ctx.cluster, {
    operation,
    keys: wanted,
    label: resourceLabel,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    round: async (pending) => {
      const { targets, brokers } = await route(ctx, pending)
      return fanOut(targets, resourceLabel, async (target, list) => {
        const results = await request((api, body) => sendTo(ctx, brokers, target, api, body), list)
        const verdicts: Verdicts<V> = new Map()
        for (const res of results) {
          const asked = list.find((r) => CONFIG_RESOURCE_TYPE_IDS[r.type] === res.resourceType && r.name === res.resourceName)
          if (asked === undefined) continue
          const label = resourceLabel(asked)
          if (res.errorCode !== ErrorCode.NONE) {
            verdicts.set(label, fail(new ProtocolError(res.errorCode, res.errorMessage ?? `${asked.type} '${asked.name}'`)))
          } else {
            verdicts.set(label, done(value(asked, res)))
          }
        }
        return verdicts
      })
    },
  })
  return settle(operation, outcomes)
}

/** Configs of each resource, in input order; unknown resources fail (AdminBatchError). */
export async function describeConfigs(
  ctx: AdminContext,
  resources: readonly DescribeConfigsResource[],
  options: DescribeConfigsOptions = {},
): Promise<ConfigDescription[]> {
  ctx.checkOpen()
  const m = 'describeConfigs'
  const wanted = arrayArg(m, 'resources', resources).map((value, i) => {
    const r = resourceArg(m, `resources[${i}]`, value)
    const names = isRecord(value) && value['configNames'] !== undefined ? stringListArg(m, `resources[${i}].configNames`, value['configNames']) : null
    return { ...r, configNames: names }
  })
  if (wanted.length === 0) return []
  return perResource(
    ctx,
    m,
    wanted,
    options,
    async (send, list) =>
      (
        await send(DescribeConfigsApi, {
          resources: list.map((r) => ({ resourceType: CONFIG_RESOURCE_TYPE_IDS[r.type], resourceName: r.name, configurationKeys: r.configNames })),
          includeSynonyms: options.includeSynonyms === true,
          includeDocumentation: options.includeDocumentation === true,
        })
      ).results,
    (asked, res) => ({ type: asked.type, name: asked.name, configs: res.configs.map(toEntry) }),
  )
}

interface NormalizedChange extends ConfigResource {
  readonly ops: { name: string; configOperation: number; value: string | null }[]
}

function changeArg(value: unknown, i: number): NormalizedChange {
  const m = 'incrementalAlterConfigs'
  const r = resourceArg(m, `changes[${i}]`, value)
  const configs = arrayArg(m, `changes[${i}].configs`, isRecord(value) ? value['configs'] : undefined)
  const ops = configs.map((c, j) => {
    const what = `changes[${i}].configs[${j}]`
    if (!isRecord(c)) throw new ConfigError(`${m}: ${what} must be { name, value?, op? }`)
    const name = stringArg(m, `${what}.name`, c['name'])
    const op = (c['op'] ?? 'set') as AlterConfigOpType
    if (!(op in ALTER_CONFIG_OP_IDS)) throw new ConfigError(`${m}: ${what}.op must be set, delete, append or subtract (got ${JSON.stringify(op)})`)
    const raw = c['value']
    if (op !== 'delete' && typeof raw !== 'string') throw new ConfigError(`${m}: ${what}.value must be a string for '${op}'`)
    return { name, configOperation: ALTER_CONFIG_OP_IDS[op], value: op === 'delete' ? null : (raw as string) }
  })
  return { type: r.type, name: r.name, ops }
}

/** Applies each resource's changes; per-resource errors (INVALID_CONFIG, unknown topic) fail that resource. */
export async function incrementalAlterConfigs(
  ctx: AdminContext,
  changes: readonly ConfigChange[],
  options: AlterConfigsOptions = {},
): Promise<void> {
  ctx.checkOpen()
  const m = 'incrementalAlterConfigs'
  const wanted = arrayArg(m, 'changes', changes).map(changeArg)
  if (wanted.length === 0) return
  await perResource(
    ctx,
    m,
    wanted,
    options,
    async (send, list) =>
      (
        await send(IncrementalAlterConfigsApi, {
          resources: list.map((r) => ({ resourceType: CONFIG_RESOURCE_TYPE_IDS[r.type], resourceName: r.name, configs: r.ops })),
          validateOnly: options.validateOnly === true,
        })
      ).responses,
    () => undefined,
  )
}
