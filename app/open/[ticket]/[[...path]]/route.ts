// An app on a cluster, opened through the API server's service proxy (server/apps/open). The
// ticket in the path is the credential: no dashboard cookie is read or passed on.
import { errorResponse } from "@/server/http";
import { proxyOpenRequest } from "@/server/apps/open/proxy-open-request";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  try {
    return await proxyOpenRequest(req);
  } catch (e) {
    return errorResponse(e);
  }
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
