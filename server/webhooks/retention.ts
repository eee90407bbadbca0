// Webhook limits the README quotes: how long deliveries are kept, how large a body may be. Free of imports.

/** The newest this many deliveries per app are kept… */
export const DELIVERY_RETENTION_COUNT = 500;
/** …and none older than this many days. */
export const DELIVERY_RETENTION_DAYS = 30;
/** The most bytes a webhook body may have (larger → 413, not read further). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
