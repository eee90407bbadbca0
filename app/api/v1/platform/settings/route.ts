import { parseBody, route } from "@/server/http";
import { getPlatformSettings } from "@/server/settings/get-platform-settings";
import { platformSettingsInput, updatePlatformSettings } from "@/server/settings/update-platform-settings";

export const GET = route("read", async () => {
  const s = await getPlatformSettings();
  return { allowLocalGitSources: s.allowLocalGitSources, allowPrivateGitHosts: s.allowPrivateGitHosts };
});

export const PUT = route("platform:admin", async ({ req, actor }) => updatePlatformSettings({ actor, input: await parseBody(req, platformSettingsInput) }));
