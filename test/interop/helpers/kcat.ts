// Runs Debian's kcat (librdkafka) for the interop tests: resolves the binary (KAFKATS_KCAT
// overrides /usr/bin/kcat, then kcat on PATH), adds librdkafka debug output when
// KAFKATS_INTEROP_DEBUG=1, and parses kcat's -J JSON message lines. Every run has a timeout;
// runKcat() rejects with the command line and stderr when kcat fails.
import { existsSync } from 'node:fs'
import type { ConsumedMessage } from './verify.js'
import { describeRun, type RunResult, runProcess } from './process.js'

export function kcatPath(): string {
  const override = process.env['KAFKATS_KCAT']
  if (override) return override
  return existsSync('/usr/bin/kcat') ? '/usr/bin/kcat' : 'kcat'
}

function debugArgs(): string[] {
  return process.env['KAFKATS_INTEROP_DEBUG'] === '1' ? ['-d', 'protocol,broker,cgrp,topic,msg'] : []
}

/** Run kcat to completion; rejects (with its stderr) unless it exits 0. */
export async function runKcat(args: readonly string[], options: { input?: string; timeoutMs: number }): Promise<RunResult> {
  const result = await runProcess(kcatPath(), {
    args: [...debugArgs(), ...args],
    timeoutMs: options.timeoutMs,
    ...(options.input === undefined ? {} : { input: options.input }),
  })
  if (result.code !== 0) throw new Error(`kcat failed\n${describeRun(result)}`)
  return result
}

function field(obj: Record<string, unknown>, name: string): unknown {
  return obj[name]
}

/** Parse kcat -J consumer output: one JSON object per line. */
export function parseKcatMessages(stdout: string): ConsumedMessage[] {
  const out: ConsumedMessage[] = []
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue
    const obj: unknown = JSON.parse(line)
    if (typeof obj !== 'object' || obj === null) throw new Error(`kcat line is not an object: ${line}`)
    const rec = obj as Record<string, unknown>
    const partition = field(rec, 'partition')
    const offset = field(rec, 'offset')
    const key = field(rec, 'key')
    const payload = field(rec, 'payload')
    if (typeof partition !== 'number' || typeof offset !== 'number') throw new Error(`kcat line without position: ${line}`)
    out.push({
      partition,
      offset: BigInt(offset),
      key: typeof key === 'string' ? key : null,
      value: typeof payload === 'string' ? payload : null,
    })
  }
  return out
}
