import { parseBody, route } from "@/server/http";
import { deleteVolume } from "@/server/volumes/delete-volume";
import { getVolume } from "@/server/volumes/get-volume";
import { updateVolumeInput } from "@/server/volumes/schemas";
import { updateVolume } from "@/server/volumes/update-volume";

type Params = { volumeId: string };

export const GET = route<Params>("read", ({ actor, params }) => getVolume({ actor, volumeId: params.volumeId }));

export const PATCH = route<Params>("app:write", async ({ req, actor, params }) =>
  updateVolume({ actor, volumeId: params.volumeId, input: await parseBody(req, updateVolumeInput) }),
);

// 202: the runtime removes the data, then the volume; 409 while it is attached.
export const DELETE = route<Params>("app:write", async ({ actor, params }) => {
  const { volume, changed } = await deleteVolume({ actor, volumeId: params.volumeId });
  return Response.json({ volume }, { status: changed ? 202 : 200 });
});
