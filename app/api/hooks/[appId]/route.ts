// The one webhook URL of an app, for every provider. Not under /api/v1 and not behind route():
// providers authenticate with the app's webhook secret (checked by the service over the raw
// bytes), not with a session or an API token.
import { errorResponse } from "@/server/http";
import { readRawBody } from "@/server/webhooks/read-raw-body";
import { receiveWebhook } from "@/server/webhooks/receive-webhook";
import { MAX_WEBHOOK_BODY_BYTES } from "@/server/webhooks/retention";

type Params = { appId: string };

export async function POST(req: Request, context: { params: Promise<Params> }): Promise<Response> {
  try {
    const { appId } = await context.params;
    const rawBody = await readRawBody(req, MAX_WEBHOOK_BODY_BYTES);
    const { status, body } = await receiveWebhook({ appId, headers: req.headers, rawBody });
    return Response.json(body, { status });
  } catch (error) {
    return errorResponse(error);
  }
}
