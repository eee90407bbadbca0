import { defineWebhookSettingsSuite } from "./settings-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineWebhookSettingsSuite);
