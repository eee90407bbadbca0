import { route } from "@/server/http";
import { detachVolume } from "@/server/volumes/detach-volume";

type Params = { volumeId: string };

// 202: the app's replicas are being replaced by ones without it; 200: it was not attached.
export const POST = route<Params>("app:write", async ({ actor, params }) => {
  const { volume, changed } = await detachVolume({ actor, volumeId: params.volumeId });
  return Response.json({ volume }, { status: changed ? 202 : 200 });
});
