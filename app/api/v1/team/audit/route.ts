import { parseQuery, route } from "@/server/http";
import { listAuditEvents } from "@/server/audit/list-audit-events";
import { auditQuery } from "@/server/audit/schemas";

// ?action=app&actor=alice&actorType=token&targetType=app&from=…&to=…&cursor=…&limit=50
export const GET = route("team:audit", ({ req, actor }) => listAuditEvents({ actor, query: parseQuery(req, auditQuery) }));
