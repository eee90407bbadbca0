// Cross-site request forgery: a state-changing request authenticated by the session cookie must
// come from the dashboard's own origin and carry JSON. Apps are served on sibling hostnames of the
// dashboard, so a tenant's page must not be able to make a visitor's browser change anything.
// Bearer tokens are not sent by browsers on their own, so token requests are exempt.
import { AppError } from "../errors";
import { dashboardOrigins } from "./origins";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function assertSameOriginJson(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  const fetchSite = req.headers.get("sec-fetch-site");
  const fromDashboard = origin ? dashboardOrigins().includes(origin) : fetchSite === "same-origin";
  if (!fromDashboard || (fetchSite !== null && fetchSite !== "same-origin")) {
    throw new AppError("FORBIDDEN", "This request did not come from the Slipway dashboard (Origin / Sec-Fetch-Site), so it was refused. Use the dashboard, or an API token for scripts.", {
      details: { reason: "csrf" },
    });
  }
  const contentType = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Requests that change something must send Content-Type: application/json.");
  }
}
