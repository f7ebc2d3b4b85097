// What the results files record about the machine and the run: Node version, CPU count and model,
// memory, load average (a benchmark on a shared machine is only as good as its load). Used by
// producer.ts. Pure reads of node:os/process.
import { cpus, loadavg, totalmem } from 'node:os'

export interface MachineInfo {
  readonly node: string
  readonly v8: string
  readonly platform: string
  readonly arch: string
  readonly cpuCount: number
  readonly cpuModel: string
  readonly totalMemGiB: number
  readonly loadAvg1m: number
}

export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAvg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}

export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100
}
