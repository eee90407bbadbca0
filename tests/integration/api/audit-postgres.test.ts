import { defineAuditSuite } from "./audit-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineAuditSuite);
