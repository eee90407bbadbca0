import { parseBody, route } from "@/server/http";
import { createVolume } from "@/server/volumes/create-volume";
import { listVolumes } from "@/server/volumes/list-volumes";
import { createVolumeInput } from "@/server/volumes/schemas";

export const GET = route("read", ({ req, actor }) => {
  const q = new URL(req.url).searchParams;
  return listVolumes({ actor, projectId: q.get("projectId") ?? undefined, appId: q.get("appId") ?? undefined });
});

/** 201 with the volume (state "pending" until the runtime has made it). */
export const POST = route("app:write", async ({ req, actor }) => {
  const result = await createVolume({ actor, input: await parseBody(req, createVolumeInput) });
  return Response.json(result, { status: 201 });
});
