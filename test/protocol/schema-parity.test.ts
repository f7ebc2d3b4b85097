// Schema parity: every message we define in protocol/*.schema must match Apache Kafka's own
// message definitions (the JSON specs in ../shared/kafka-protocol/messages, or KAFKA_SPECS_DIR)
// inside our version window: field names and order, types, version ranges, nullable ranges,
// tags, defaults, field-level flexible overrides, and the message's flexible range.
// This is the independent check on the schemas; the codec is generated from them.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  type FieldSpec,
  formatRange,
  intersect,
  isEmpty,
  NO_VERSIONS,
  parseRange,
  type TypeRef,
  type VersionRange,
} from '../../protocol/codegen/model.js'
import { loadSchemas } from '../../protocol/codegen/parse.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const specsDir = process.env.KAFKA_SPECS_DIR ?? resolve(root, '../shared/kafka-protocol/messages')

interface SpecField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number | string
  default?: string | number | boolean
  flexibleVersions?: string
  fields?: SpecField[]
}
interface SpecMessage {
  name: string
  type: string
  apiKey?: number
  validVersions: string
  flexibleVersions: string
  fields: SpecField[]
  commonStructs?: { name: string; fields: SpecField[] }[]
}

function readSpec(name: string): SpecMessage {
  const text = readFileSync(join(specsDir, `${name}.json`), 'utf8')
  // The official files carry whole-line // comments (licence, version history).
  const json = text
    .split('\n')
    .filter((l) => !/^\s*\/\//.test(l))
    .join('\n')
  return JSON.parse(json) as SpecMessage
}

function ourTypeName(t: TypeRef): string {
  if (t.kind === 'primitive') return t.name
  if (t.kind === 'array') return `[]${ourTypeName(t.elem)}`
  return t.name
}

function range(text: string | undefined): VersionRange {
  return text === undefined ? NO_VERSIONS : parseRange(text)
}

function sameRange(a: VersionRange, b: VersionRange): boolean {
  return (isEmpty(a) && isEmpty(b)) || (a.min === b.min && a.max === b.max)
}

function normDefault(v: string | number | boolean | undefined): string | undefined {
  if (v === undefined) return undefined
  const s = String(v).trim()
  const q = /^"(.*)"$/.exec(s)
  return q ? q[1] : s
}

/** Compares field lists present within `scope`; pushes human-readable problems. */
function compareFields(
  ours: readonly FieldSpec[],
  theirs: readonly SpecField[],
  scope: VersionRange,
  common: Map<string, SpecField[]>,
  path: string,
  problems: string[],
): void {
  const present = <T>(list: readonly T[], versionsOf: (f: T) => VersionRange) =>
    list.filter((f) => !isEmpty(intersect(versionsOf(f), scope)))
  const o = present(ours, (f) => f.versions)
  const t = present(theirs, (f) => range(f.versions))
  const on = o.map((f) => f.name).join(',')
  const tn = t.map((f) => f.name).join(',')
  if (on !== tn) {
    problems.push(`${path}: fields [${on}] but spec has [${tn}] in versions ${formatRange(scope)}`)
    return
  }
  o.forEach((of, i) => {
    const tf = t[i]!
    const p = `${path}.${of.name}`
    const eff = intersect(of.versions, scope)
    const teff = intersect(range(tf.versions), scope)
    if (!sameRange(eff, teff)) problems.push(`${p}: versions ${formatRange(eff)} vs spec ${formatRange(teff)}`)
    if (ourTypeName(of.type) !== tf.type) problems.push(`${p}: type ${ourTypeName(of.type)} vs spec ${tf.type}`)
    const on2 = intersect(of.nullable, teff)
    const tn2 = intersect(range(tf.nullableVersions), teff)
    if (!sameRange(on2, tn2)) problems.push(`${p}: nullable ${formatRange(on2)} vs spec ${formatRange(tn2)}`)
    const ttag = tf.tag === undefined ? undefined : Number(tf.tag)
    if (of.tag !== ttag) problems.push(`${p}: tag ${of.tag} vs spec ${ttag}`)
    if (ttag !== undefined) {
      const tagged = intersect(range(tf.taggedVersions), teff)
      if (!sameRange(tagged, teff)) problems.push(`${p}: spec tags it in ${formatRange(tagged)} only`)
    }
    if (normDefault(of.default) !== normDefault(tf.default)) {
      problems.push(`${p}: default ${of.default ?? '(none)'} vs spec ${tf.default ?? '(none)'}`)
    }
    const oflex = of.flexible === undefined ? undefined : formatRange(of.flexible)
    const tflex = tf.flexibleVersions === undefined ? undefined : formatRange(parseRange(tf.flexibleVersions))
    if (oflex !== tflex) problems.push(`${p}: field flexible ${oflex} vs spec ${tflex}`)
    // Recurse into struct fields (inline or common).
    let elem: TypeRef = of.type
    while (elem.kind === 'array') elem = elem.elem
    if (elem.kind === 'struct') {
      const sub = tf.fields ?? common.get(elem.name)
      if (!sub) problems.push(`${p}: spec has no fields for struct ${elem.name}`)
      else compareFields(elem.fields, sub, teff, common, p, problems)
    }
  })
}

const REQUIRED_APIS = [
  'ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets', 'OffsetForLeaderEpoch', 'FindCoordinator',
  'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch', 'OffsetDelete',
  'DescribeGroups', 'ListGroups', 'DeleteGroups', 'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe',
  'CreateTopics', 'DeleteTopics', 'CreatePartitions', 'DescribeConfigs', 'AlterConfigs',
  'IncrementalAlterConfigs', 'DeleteRecords', 'DescribeCluster', 'InitProducerId', 'AddPartitionsToTxn',
  'AddOffsetsToTxn', 'EndTxn', 'TxnOffsetCommit', 'DescribeProducers', 'DescribeTransactions',
  'ListTransactions', 'SaslHandshake', 'SaslAuthenticate', 'DescribeAcls', 'CreateAcls', 'DeleteAcls',
  'DescribeLogDirs', 'ElectLeaders', 'DescribeClientQuotas', 'AlterClientQuotas',
  'DescribeUserScramCredentials', 'AlterUserScramCredentials',
]
const REQUIRED_OTHERS = ['RequestHeader', 'ResponseHeader', 'ConsumerProtocolSubscription', 'ConsumerProtocolAssignment']

const haveSpecs = existsSync(specsDir)
if (!haveSpecs && process.env.CI === 'true') {
  test('schema parity', () => {
    assert.fail(`Kafka message specs not found at ${specsDir} (set KAFKA_SPECS_DIR); CI must have them`)
  })
}

const schemas = loadSchemas(join(root, 'protocol'))

for (const file of schemas) {
  test(`schema parity: ${file.path.split('/').pop()}`, { skip: haveSpecs ? false : `no specs at ${specsDir}` }, () => {
    const problems: string[] = []
    for (const msg of file.messages) {
      const spec = readSpec(msg.name)
      if (file.apiKey !== undefined) {
        assert.equal(spec.apiKey, file.apiKey, `${msg.name}: api key`)
      }
      const valid = parseRange(spec.validVersions)
      if (file.versions.max !== valid.max) {
        problems.push(`${msg.name}: our newest version ${file.versions.max}, spec's ${valid.max}`)
      }
      if (file.versions.min < valid.min) problems.push(`${msg.name}: window starts below spec's ${valid.min}`)
      const flex = parseRange(spec.flexibleVersions)
      if (!sameRange(file.flexible, flex)) {
        problems.push(`${msg.name}: flexible ${formatRange(file.flexible)} vs spec ${formatRange(flex)}`)
      }
      const common = new Map((spec.commonStructs ?? []).map((c) => [c.name, c.fields] as const))
      compareFields(msg.fields, spec.fields, file.versions, common, msg.name, problems)
      for (const [name, struct] of msg.structs) {
        if (!common.has(name)) problems.push(`${msg.name}: struct ${name} is not a common struct in the spec`)
        else if (struct.fields.length === 0) problems.push(`${msg.name}: struct ${name} is empty`)
      }
    }
    assert.deepEqual(problems, [])
  })
}

test('schema coverage: every API the foundation issue names is defined', () => {
  const names = new Set(schemas.map((s) => s.name))
  const missing = [...REQUIRED_APIS, ...REQUIRED_OTHERS].filter((n) => !names.has(n))
  assert.deepEqual(missing, [])
})

test('schema parity detects a wrong field (self-check of the comparison)', () => {
  const problems: string[] = []
  const spec: SpecField[] = [{ name: 'A', type: 'int32', versions: '0+' }, { name: 'B', type: 'string', versions: '2+', nullableVersions: '3+' }]
  const mk = (name: string, type: TypeRef, versions: VersionRange, nullable = NO_VERSIONS): FieldSpec => ({
    name, type, versions, nullable, tag: undefined, default: undefined, flexible: undefined, line: 0,
  })
  const good = [mk('A', { kind: 'primitive', name: 'int32' }, parseRange('0+')), mk('B', { kind: 'primitive', name: 'string' }, parseRange('2+'), parseRange('3+'))]
  compareFields(good, spec, parseRange('0-5'), new Map(), 'M', problems)
  assert.deepEqual(problems, [])
  const bad = [mk('A', { kind: 'primitive', name: 'int32' }, parseRange('0+')), mk('B', { kind: 'primitive', name: 'string' }, parseRange('2+'), parseRange('2+'))]
  compareFields(bad, spec, parseRange('0-5'), new Map(), 'M', problems)
  assert.equal(problems.length, 1)
  assert.match(problems[0]!, /M\.B: nullable 2-5 vs spec 3-5/)
})
