import { parseBody, route } from "@/server/http";
import { addDomain } from "@/server/domains/add-domain";
import { listDomains } from "@/server/domains/list-domains";
import { addDomainInput } from "@/server/domains/schemas";

type Params = { appId: string };

export const GET = route<Params>("read", ({ actor, params }) => listDomains({ actor, appId: params.appId }));

/** 201 with the pending domain and the records that prove it (TXT, or the hostname pointing here). */
export const POST = route<Params>("app:write", async ({ req, actor, params }) =>
  addDomain({ actor, appId: params.appId, input: await parseBody(req, addDomainInput) }),
);
