// The committed src/protocol/generated/ must be exactly what `npm run generate` produces from
// protocol/*.schema (the same check as `npm run generate:check`, in memory), and generating
// twice must give identical text (determinism).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { generateAll } from '../../protocol/codegen/main.js'

const outDir = join(import.meta.dirname, '..', '..', 'src', 'protocol', 'generated')

describe('generated code', () => {
  it('matches the schemas and is deterministic', async () => {
    const first = await generateAll()
    assert.deepEqual(first.failures, [], 'every schema generates')
    const second = await generateAll()
    assert.deepEqual([...second.files], [...first.files], 'two runs give the same output')
    const committed = readdirSync(outDir).filter((n) => n.endsWith('.ts')).sort()
    assert.deepEqual(committed, [...first.files.keys()].sort(), 'same file set (run `npm run generate`)')
    for (const [name, text] of first.files) {
      assert.equal(readFileSync(join(outDir, name), 'utf8'), text, `${name} is stale: run \`npm run generate\``)
    }
  })
})
