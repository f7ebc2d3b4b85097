// Logging for the cluster layer and above: re-exports the Logger shape (defined in the network
// layer, the lowest one that logs) and adds childLogger, which stamps fixed fields (clientId,
// groupId, ...) on every entry. Invariant: a child never throws into the caller.
import { type Logger, type LogLevel, NOOP_LOGGER, safeLog } from '../network/logger.js'

export { isLogger, type Logger, type LogLevel, NOOP_LOGGER, safeLog } from '../network/logger.js'

export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  if (parent === NOOP_LOGGER) return parent
  const log = (level: LogLevel) => (message: string, extra?: Record<string, unknown>) =>
    safeLog(parent, level, message, extra === undefined ? fields : { ...fields, ...extra })
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}
