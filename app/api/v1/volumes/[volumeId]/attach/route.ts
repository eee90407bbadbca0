import { parseBody, route } from "@/server/http";
import { attachVolume } from "@/server/volumes/attach-volume";
import { attachVolumeInput } from "@/server/volumes/schemas";

type Params = { volumeId: string };

// 202: the app's replicas are being replaced by ones that mount it; 200: already attached there.
export const POST = route<Params>("app:write", async ({ req, actor, params }) => {
  const { volume, changed } = await attachVolume({ actor, volumeId: params.volumeId, input: await parseBody(req, attachVolumeInput) });
  return Response.json({ volume }, { status: changed ? 202 : 200 });
});
