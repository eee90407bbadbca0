import { parseBody, route } from "@/server/http";
import { getPlatformSettings, toPlatformSettingsDto } from "@/server/settings/get-platform-settings";
import { platformSettingsInput } from "@/server/settings/schemas";
import { updatePlatformSettings } from "@/server/settings/update-platform-settings";

export const GET = route("read", async () => toPlatformSettingsDto(await getPlatformSettings()));

export const PUT = route("platform:admin", async ({ req, actor }) => updatePlatformSettings({ actor, input: await parseBody(req, platformSettingsInput) }));
