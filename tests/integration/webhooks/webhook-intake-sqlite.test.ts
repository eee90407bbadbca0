import { defineWebhookIntakeSuite } from "./webhook-intake-suite";

defineWebhookIntakeSuite(async () => undefined);
