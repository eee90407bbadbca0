import { defineAuditSuite } from "./audit-suite";

defineAuditSuite(async () => undefined);
