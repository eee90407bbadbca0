import { parseBody, route } from "@/server/http";
import { verifyDomain } from "@/server/domains/verify-domain";
import { verifyDomainInput } from "@/server/domains/schemas";

type Params = { appId: string; domainId: string };

/**
 * Checks the proof now: 200 with the verified domain; 422 with what was found and what to do next
 * (also kept on the domain as lastCheckError); 409 when another team proved control first.
 */
export const POST = route<Params>("app:write", async ({ req, actor, params }) => {
  const domain = await verifyDomain({ actor, appId: params.appId, domainId: params.domainId, input: await parseBody(req, verifyDomainInput) });
  return Response.json(domain, { status: 200 });
});
