// The logger shape every layer accepts (client option `logger`), plus a no-op default.
// Owned by the network layer because it is the lowest layer that logs; cluster and above
// re-export it. Invariant: logging never throws into the caller (safeLog swallows).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

function noop(): void {}

export const NOOP_LOGGER: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop })

/** Calls the logger and swallows anything it throws: a broken logger must not break I/O. */
export function safeLog(logger: Logger, level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  try {
    logger[level](message, fields)
  } catch {
    // deliberately ignored: see the module comment
  }
}

/** True when `value` has the four logging methods. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v['debug'] === 'function' &&
    typeof v['info'] === 'function' &&
    typeof v['warn'] === 'function' &&
    typeof v['error'] === 'function'
  )
}
