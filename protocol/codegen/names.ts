// Naming rules of the generated code: camelCase field names, kebab-case file names, interface
// and function names. Used by the generator (emit.ts, codec.ts) and by test helpers that need
// to find generated names from the parsed model. Pure string functions.

/** Schema field name → TypeScript property name (`TransactionalId` → `transactionalId`). */
export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/** `ApiVersions` → `api-versions`, `ConsumerProtocolSubscription` → `consumer-protocol-subscription`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

/** Interface name of a struct inside a message; the message itself is `structName === messageName`. */
export function ifaceName(messageName: string, structName: string): string {
  return structName === messageName ? messageName : messageName + structName
}

/** `ProduceApi` */
export function apiConstName(apiName: string): string {
  return `${apiName}Api`
}
