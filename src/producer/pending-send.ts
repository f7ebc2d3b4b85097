// A send that waits for topic metadata and/or buffer memory (PendingSend), where it goes once its
// memory is granted (AppendSink) and the reused record input of the append path (ScratchRecord).
// Created by producer.ts for sends that cannot append at once; queued by metadata-wait.ts and
// buffer-pool.ts. Invariant: partition and sticky are set before granted() may run.
import type { MemoryWaiter } from './buffer-pool.js'
import type { SendCompletion } from './completion.js'
import { BufferExhaustedError } from './errors.js'
import type { RecordHeader } from './types.js'

/** A send waiting for metadata and/or memory; becomes a record in a batch when both are there. */
export class PendingSend implements MemoryWaiter {
  partition = -1
  sticky = false
  memoryDeadlineMs: number
  constructor(
    readonly owner: AppendSink,
    readonly topic: string,
    readonly explicitPartition: number | undefined,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: readonly RecordHeader[],
    readonly timestampMs: number,
    readonly memoryBytes: number,
    readonly completion: SendCompletion,
    readonly startMs: number,
    maxBlockMs: number,
  ) {
    this.memoryDeadlineMs = startMs + maxBlockMs
  }

  granted(): void {
    this.owner.append(this)
  }

  expired(): void {
    this.completion.fail(
      new BufferExhaustedError(`failed to allocate ${this.memoryBytes} bytes of bufferMemory within maxBlockMs`),
    )
  }
}

/** The reused RecordInput of #appendRecord. */
export interface ScratchRecord {
  key: Buffer | null
  value: Buffer | null
  headers: readonly RecordHeader[]
  timestampMs: number
}

/** Where a PendingSend goes once its memory is granted (one object per producer). */
export interface AppendSink {
  append(p: PendingSend): void
}
