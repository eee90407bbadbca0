import { defineWebhookSettingsSuite } from "./settings-suite";

defineWebhookSettingsSuite(async () => undefined);
