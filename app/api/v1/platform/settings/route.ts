import { parseBody, route } from "@/server/http";
import { getPlatformSettings, toPlatformSettingsDto } from "@/server/settings/get-platform-settings";
import { platformSettingsInput } from "@/server/settings/schemas";
import { updatePlatformSettings } from "@/server/settings/update-platform-settings";

// Platform admins only: the settings (the allowed sign-up domains among them) are no member's business.
export const GET = route("platform:admin", async () => toPlatformSettingsDto(await getPlatformSettings()));

export const PUT = route("platform:admin", async ({ req, actor }) => updatePlatformSettings({ actor, input: await parseBody(req, platformSettingsInput) }));
