// Shared client options: validation and defaults for the options every kafkats client takes
// (API.md "Client"), and fromJavaProperties() for Java .properties files. Called by the Kafka
// facade and by producer/consumer/admin option parsing. Invariant: every bad value throws a
// ConfigError naming the option and the value, synchronously, before any socket is opened.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import type { ClusterSettings } from './cluster/cluster.js'
import { ConfigError } from './errors.js'
import { type BrokerAddress, parseBrokerAddress } from './network/address.js'
import { isLogger, type Logger, NOOP_LOGGER } from './network/logger.js'
import type { SaslOptions } from './network/sasl/authenticate.js'

/** What users pass (API.md). */
export interface ClientOptions {
  clientId?: string
  bootstrapServers: string | readonly string[]
  tls?: boolean | TlsConnectionOptions
  sasl?: SaslOptions
  requestTimeoutMs?: number
  connectionsMaxIdleMs?: number
  metadataMaxAgeMs?: number
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
  /** Java socket.connection.setup.timeout.ms: how long one TCP/TLS connect may take. */
  socketConnectionSetupTimeoutMs?: number
  logger?: Logger
}

/** Validated options with every default filled in: what a Cluster needs, security and the logger. */
export interface ResolvedClientOptions extends ClusterSettings {
  /** null = plaintext */
  readonly tls: TlsConnectionOptions | null
  readonly sasl: SaslOptions | null
  readonly logger: Logger
}

export const CLIENT_DEFAULTS = Object.freeze({
  clientId: 'kafkats',
  requestTimeoutMs: 30_000,
  connectionsMaxIdleMs: 540_000,
  metadataMaxAgeMs: 300_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  socketConnectionSetupTimeoutMs: 10_000,
})

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const
/** Largest delay Node timers accept (2^31-1 ms); larger values would fire immediately. */
const MAX_TIMER_MS = 2_147_483_647

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A non-negative integer option in [min, max]; `undefined` gives the default.
 * Exported so producer/consumer option parsing can share the wording of the errors.
 */
export function intOption(
  name: string,
  value: unknown,
  defaultValue: number,
  { min = 0, max = MAX_TIMER_MS }: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return defaultValue
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got ${describe(value)})`)
  }
  return value
}

export function stringOption(name: string, value: unknown, defaultValue: string, { allowEmpty = false } = {}): string {
  if (value === undefined) return defaultValue
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new ConfigError(`${name} must be a${allowEmpty ? '' : ' non-empty'} string (got ${describe(value)})`)
  }
  return value
}

export function booleanOption(name: string, value: unknown, defaultValue: boolean): boolean {
  if (value === undefined) return defaultValue
  if (typeof value !== 'boolean') throw new ConfigError(`${name} must be true or false (got ${describe(value)})`)
  return value
}

/** bootstrapServers as ['h1:9092', ...] or 'h1:9092,h2:9092'; at least one, duplicates removed. */
export function parseBootstrapServers(value: unknown): BrokerAddress[] {
  let items: unknown[]
  if (typeof value === 'string') items = value.split(',')
  else if (Array.isArray(value)) items = value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
  else throw new ConfigError(`bootstrapServers must be an array of "host:port" or a comma-separated string (got ${describe(value)})`)
  const seen = new Set<string>()
  const out: BrokerAddress[] = []
  for (const item of items) {
    if (typeof item !== 'string') throw new ConfigError(`bootstrapServers entries must be strings (got ${describe(item)})`)
    if (item.trim().length === 0) continue
    const address = parseBrokerAddress(item, 'bootstrapServers entry')
    const key = `${address.host}\u0000${address.port}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(address)
  }
  if (out.length === 0) throw new ConfigError('bootstrapServers must list at least one "host:port"')
  return out
}

function parseTls(value: unknown): TlsConnectionOptions | null {
  if (value === undefined || value === false) return null
  if (value === true) return {}
  if (isRecord(value)) return value as TlsConnectionOptions
  throw new ConfigError(`tls must be true, false or a tls.ConnectionOptions object (got ${describe(value)})`)
}

/** Validates a sasl option; mechanism names are accepted in any case and normalised to lower case. */
export function parseSasl(value: unknown): SaslOptions | null {
  if (value === undefined || value === null) return null
  if (!isRecord(value)) throw new ConfigError(`sasl must be an object (got ${describe(value)})`)
  const raw = value['mechanism']
  const mechanism = typeof raw === 'string' ? raw.toLowerCase() : raw
  if (mechanism === 'oauthbearer') {
    if (typeof value['token'] !== 'function') {
      throw new ConfigError('sasl mechanism oauthbearer needs token: () => Promise<{ value, extensions? }>')
    }
    return { mechanism, token: value['token'] as () => Promise<{ value: string }> }
  }
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    const username = value['username']
    const password = value['password']
    if (typeof username !== 'string' || username.length === 0) {
      throw new ConfigError(`sasl ${mechanism} needs a non-empty username string`)
    }
    if (typeof password !== 'string' || password.length === 0) {
      throw new ConfigError(`sasl ${mechanism} needs a non-empty password string`)
    }
    const authz = value['authorizationIdentity']
    if (authz !== undefined && typeof authz !== 'string') {
      throw new ConfigError('sasl authorizationIdentity must be a string')
    }
    return authz === undefined ? { mechanism, username, password } : { mechanism, username, password, authorizationIdentity: authz }
  }
  throw new ConfigError(`sasl mechanism must be one of ${SASL_MECHANISMS.join(', ')} (got ${describe(raw)})`)
}

/** Validates user options and fills in defaults. Throws ConfigError on the first bad value. */
export function resolveClientOptions(input: unknown): ResolvedClientOptions {
  if (!isRecord(input)) throw new ConfigError(`client options must be an object (got ${describe(input)})`)
  if (input['bootstrapServers'] === undefined) throw new ConfigError('bootstrapServers is required')
  const logger = input['logger']
  if (logger !== undefined && !isLogger(logger)) {
    throw new ConfigError('logger must have debug, info, warn and error methods')
  }
  const retryBackoffMs = intOption('retryBackoffMs', input['retryBackoffMs'], CLIENT_DEFAULTS.retryBackoffMs)
  const retryBackoffMaxMs = intOption('retryBackoffMaxMs', input['retryBackoffMaxMs'], CLIENT_DEFAULTS.retryBackoffMaxMs)
  return {
    clientId: stringOption('clientId', input['clientId'], CLIENT_DEFAULTS.clientId),
    bootstrapServers: parseBootstrapServers(input['bootstrapServers']),
    tls: parseTls(input['tls']),
    sasl: parseSasl(input['sasl']),
    requestTimeoutMs: intOption('requestTimeoutMs', input['requestTimeoutMs'], CLIENT_DEFAULTS.requestTimeoutMs, { min: 1 }),
    connectionsMaxIdleMs: intOption('connectionsMaxIdleMs', input['connectionsMaxIdleMs'], CLIENT_DEFAULTS.connectionsMaxIdleMs),
    metadataMaxAgeMs: intOption('metadataMaxAgeMs', input['metadataMaxAgeMs'], CLIENT_DEFAULTS.metadataMaxAgeMs),
    retryBackoffMs,
    // Java: a max below the base backoff is raised to the base.
    retryBackoffMaxMs: Math.max(retryBackoffMaxMs, retryBackoffMs),
    socketConnectionSetupTimeoutMs: intOption(
      'socketConnectionSetupTimeoutMs',
      input['socketConnectionSetupTimeoutMs'],
      CLIENT_DEFAULTS.socketConnectionSetupTimeoutMs,
      { min: 1 },
    ),
    logger: logger ?? NOOP_LOGGER,
  }
}

// ---------------------------------------------------------------------------------------------
// Java .properties files

/**
 * Parses the text of a Java .properties file (java.util.Properties.load rules: '#'/'!' comments,
 * '=' ':' or whitespace separators, backslash line continuations, \t \n \r \f \uXXXX escapes).
 */
export function parseJavaProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '')
    if (line.length === 0 || line[0] === '#' || line[0] === '!') continue
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '')
    }
    if (/(^|[^\\])(\\\\)*\\$/.test(line)) line = line.slice(0, -1)
    let keyEnd = 0
    while (keyEnd < line.length) {
      const c = line[keyEnd]!
      if (c === '\\') keyEnd += 2
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break
      else keyEnd++
    }
    keyEnd = Math.min(keyEnd, line.length)
    let valueStart = keyEnd
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart]!)) valueStart++
    if (line[valueStart] === '=' || line[valueStart] === ':') valueStart++
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart]!)) valueStart++
    out[unescapeProperty(line.slice(0, keyEnd))] = unescapeProperty(line.slice(valueStart))
  }
  return out
}

function unescapeProperty(text: string): string {
  if (!text.includes('\\')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c !== '\\') {
      out += c
      continue
    }
    const n = text[++i]
    if (n === undefined) break
    if (n === 't') out += '\t'
    else if (n === 'n') out += '\n'
    else if (n === 'r') out += '\r'
    else if (n === 'f') out += '\f'
    else if (n === 'u') {
      const hex = text.slice(i + 1, i + 5)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError(`malformed \\u escape "\\u${hex}" in properties`)
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 4
    } else out += n
  }
  return out
}

type PropertyKind = 'int' | 'bool' | 'string' | 'list'

/** Java config names we convert with a type. Others pass through camelCased as strings. */
const PROPERTY_KINDS: Record<string, PropertyKind> = {
  // common
  'bootstrap.servers': 'list',
  'client.id': 'string',
  'client.rack': 'string',
  'request.timeout.ms': 'int',
  'connections.max.idle.ms': 'int',
  'metadata.max.age.ms': 'int',
  'retry.backoff.ms': 'int',
  'retry.backoff.max.ms': 'int',
  'reconnect.backoff.ms': 'int',
  'reconnect.backoff.max.ms': 'int',
  'socket.connection.setup.timeout.ms': 'int',
  'socket.connection.setup.timeout.max.ms': 'int',
  'default.api.timeout.ms': 'int',
  // producer
  'enable.idempotence': 'bool',
  'linger.ms': 'int',
  'batch.size': 'int',
  'buffer.memory': 'int',
  'max.block.ms': 'int',
  'compression.type': 'string',
  'max.in.flight.requests.per.connection': 'int',
  retries: 'int',
  'delivery.timeout.ms': 'int',
  'max.request.size': 'int',
  'transactional.id': 'string',
  'transaction.timeout.ms': 'int',
  'partitioner.ignore.keys': 'bool',
  'partitioner.adaptive.partitioning.enable': 'bool',
  'partitioner.availability.timeout.ms': 'int',
  // consumer
  'group.id': 'string',
  'group.instance.id': 'string',
  'group.protocol': 'string',
  'group.remote.assignor': 'string',
  'enable.auto.commit': 'bool',
  'auto.commit.interval.ms': 'int',
  'auto.offset.reset': 'string',
  'session.timeout.ms': 'int',
  'heartbeat.interval.ms': 'int',
  'max.poll.interval.ms': 'int',
  'max.poll.records': 'int',
  'fetch.min.bytes': 'int',
  'fetch.max.bytes': 'int',
  'fetch.max.wait.ms': 'int',
  'max.partition.fetch.bytes': 'int',
  'isolation.level': 'string',
  'allow.auto.create.topics': 'bool',
  'check.crcs': 'bool',
  'exclude.internal.topics': 'bool',
}

/** Java class names of the built-in assignors → our names. */
const ASSIGNORS: Record<string, string> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
}

/** Java-only settings with no kafkats meaning (classes): dropped. */
const IGNORED = new Set([
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'interceptor.classes',
  'partitioner.class',
  'metric.reporters',
  'sasl.login.callback.handler.class',
  'sasl.client.callback.handler.class',
])

/** Consumed by the security translation below rather than copied. */
const SECURITY_KEYS = new Set([
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.certificates',
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
])

function camelCase(javaName: string): string {
  return javaName.replace(/[.-]([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

function convert(key: string, kind: PropertyKind, value: string): unknown {
  const v = value.trim()
  if (kind === 'string') return v
  if (kind === 'list') return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (kind === 'bool') {
    if (v.toLowerCase() === 'true') return true
    if (v.toLowerCase() === 'false') return false
    throw new ConfigError(`property ${key} must be true or false (got "${value}")`)
  }
  if (!/^-?\d+$/.test(v)) throw new ConfigError(`property ${key} must be an integer (got "${value}")`)
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw new ConfigError(`property ${key} is out of range (got "${value}")`)
  return n
}

/** Reads `key="value"` pairs from a sasl.jaas.config line. */
function parseJaas(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const pattern = /([A-Za-z_][\w.]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/g
  for (const m of text.matchAll(pattern)) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
  }
  return out
}

function readPem(props: Record<string, string>, inline: string, location: string): string | undefined {
  const text = props[inline]
  if (text !== undefined && text.trim().length > 0) return text
  const path = props[location]
  if (path === undefined || path.trim().length === 0) return undefined
  const type = (props[location.replace('location', 'type')] ?? 'JKS').toUpperCase()
  if (type !== 'PEM') throw new ConfigError(`${location}: only PEM stores are supported (set ${location.replace('location', 'type')}=PEM)`)
  try {
    return readFileSync(path.trim(), 'utf8')
  } catch (err) {
    throw new ConfigError(`${location}: cannot read "${path}" (${(err as Error).message})`)
  }
}

function translateSecurity(props: Record<string, string>, out: Record<string, unknown>): void {
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').trim().toUpperCase()
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new ConfigError(`security.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got "${props['security.protocol']}")`)
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const tls: Record<string, unknown> = {}
    const ca = readPem(props, 'ssl.truststore.certificates', 'ssl.truststore.location')
    if (ca !== undefined) tls['ca'] = ca
    const chain = props['ssl.keystore.certificate.chain']
    const key = props['ssl.keystore.key']
    if (chain !== undefined) tls['cert'] = chain
    if (key !== undefined) tls['key'] = key
    if (props['ssl.key.password'] !== undefined) tls['passphrase'] = props['ssl.key.password']
    if (props['ssl.keystore.location'] !== undefined) {
      const pem = readPem(props, 'ssl.keystore.certificate.chain', 'ssl.keystore.location')
      if (pem !== undefined) {
        tls['cert'] = pem
        tls['key'] = pem
      }
    }
    // An empty ssl.endpoint.identification.algorithm turns hostname verification off (Java).
    const identification = props['ssl.endpoint.identification.algorithm']
    if (identification !== undefined && identification.trim() === '') tls['checkServerIdentity'] = () => undefined
    out['tls'] = Object.keys(tls).length === 0 ? true : tls
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').trim().toLowerCase()
    if (mechanism === 'oauthbearer') {
      throw new ConfigError('sasl.mechanism=OAUTHBEARER needs a token callback: set sasl: { mechanism: "oauthbearer", token } in code')
    }
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      throw new ConfigError(`sasl.mechanism must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (got "${props['sasl.mechanism'] ?? 'GSSAPI (default)'}")`)
    }
    const jaas = parseJaas(props['sasl.jaas.config'] ?? '')
    if (jaas['username'] === undefined || jaas['password'] === undefined) {
      throw new ConfigError('sasl.jaas.config must set username="..." and password="..."')
    }
    out['sasl'] = parseSasl({ mechanism, username: jaas['username'], password: jaas['password'] })
  }
}

/**
 * Turns a Java client .properties file (text, or already-split key/values) into kafkats options:
 * names camelCased, numbers and booleans typed, security.protocol/sasl.jaas.config/PEM ssl.*
 * turned into `tls` and `sasl`, Java class settings dropped. Unknown keys are kept, camelCased,
 * as strings. Bad values throw ConfigError naming the property.
 */
export function fromJavaProperties(input: string | Readonly<Record<string, string>>): Record<string, unknown> {
  let props: Record<string, string>
  if (typeof input === 'string') props = parseJavaProperties(input)
  else if (isRecord(input)) {
    props = {}
    for (const [key, value] of Object.entries(input)) {
      if (typeof value !== 'string') throw new ConfigError(`property ${key} must be a string (got ${describe(value)})`)
      props[key] = value
    }
  } else throw new ConfigError('fromJavaProperties takes the text of a .properties file or a Record<string, string>')

  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(props)) {
    if (IGNORED.has(key) || SECURITY_KEYS.has(key)) continue
    if (key === 'acks') {
      const v = value.trim().toLowerCase()
      if (v === 'all') out['acks'] = 'all'
      else if (v === '-1' || v === '0' || v === '1') out['acks'] = Number(v)
      else throw new ConfigError(`property acks must be all, -1, 0 or 1 (got "${value}")`)
      continue
    }
    if (key === 'partition.assignment.strategy') {
      out['partitionAssignmentStrategy'] = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .map((s) => ASSIGNORS[s] ?? s)
      continue
    }
    const kind = PROPERTY_KINDS[key]
    out[camelCase(key)] = kind === undefined ? value : convert(key, kind, value)
  }
  translateSecurity(props, out)
  return out
}
