import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { AppDto } from "./schemas";
import { appDtoInclude, toAppDto } from "./to-app-dto";
import { appsHeldByVolumeOperations } from "../volumes/app-hold";

/** Another team's app is "not found", never "forbidden": no existence leak. */
export async function getAppOrThrow({ actor, appId }: { actor: Actor; appId: string }) {
  const app = await getDb().app.findFirst({ where: { id: appId, teamId: actor.teamId }, include: appDtoInclude });
  if (!app) throw notFound("App");
  return app;
}

export async function getApp(options: { actor: Actor; appId: string }): Promise<AppDto> {
  const app = await getAppOrThrow(options);
  const held = await appsHeldByVolumeOperations(getDb(), [app.id]);
  return toAppDto(app, held.get(app.id) ?? null);
}
