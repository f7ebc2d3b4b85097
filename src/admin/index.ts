// The admin layer's public surface: the Admin class, its options, AdminBatchError and the argument
// and result types. Imported by the Kafka facade (src/client.ts), src/index.ts and the CLI;
// nothing else under src/admin is public.
export { ADMIN_DEFAULTS, Admin, type AdminOptions } from './admin.js'
export { AdminBatchError, type ItemOutcome } from './batch.js'
export * from './types.js'
