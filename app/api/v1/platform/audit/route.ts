import { parseQuery, route } from "@/server/http";
import { listPlatformAuditEvents } from "@/server/audit/list-audit-events";
import { platformAuditQuery } from "@/server/audit/schemas";

// The team filters plus ?team=<slug> (or "platform" for platform-wide events only).
export const GET = route("platform:admin", ({ req, actor }) => listPlatformAuditEvents({ actor, query: parseQuery(req, platformAuditQuery) }));
