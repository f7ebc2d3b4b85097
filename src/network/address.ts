// Broker addresses: parsing 'host:port' (IPv6 in brackets) and formatting them back.
// Called by client-options (bootstrapServers) and the cluster layer (pool keys).
// Invariant: a BrokerAddress always has a non-empty host and an integer port in 1..65535.
import { ConfigError } from '../errors.js'

export interface BrokerAddress {
  readonly host: string
  readonly port: number
}

/** Parses 'host:port' or '[v6addr]:port'. Throws ConfigError naming `what` when malformed. */
export function parseBrokerAddress(text: string, what = 'broker address'): BrokerAddress {
  const trimmed = text.trim()
  let host: string
  let portText: string
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']')
    if (close < 0 || trimmed[close + 1] !== ':') {
      throw new ConfigError(`${what} "${text}" must look like [ipv6]:port`)
    }
    host = trimmed.slice(1, close)
    portText = trimmed.slice(close + 2)
  } else {
    const colon = trimmed.lastIndexOf(':')
    if (colon < 0) throw new ConfigError(`${what} "${text}" has no port (expected host:port)`)
    host = trimmed.slice(0, colon)
    portText = trimmed.slice(colon + 1)
    if (host.includes(':')) throw new ConfigError(`${what} "${text}": write IPv6 hosts in brackets, e.g. [::1]:9092`)
  }
  if (host.length === 0) throw new ConfigError(`${what} "${text}" has an empty host`)
  if (!/^\d{1,5}$/.test(portText)) throw new ConfigError(`${what} "${text}" has an invalid port "${portText}"`)
  const port = Number(portText)
  if (port < 1 || port > 65535) throw new ConfigError(`${what} "${text}" has port ${port} outside 1-65535`)
  return { host, port }
}

/** 'host:port', with IPv6 hosts bracketed: the inverse of parseBrokerAddress. */
export function formatBrokerAddress(address: BrokerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}
