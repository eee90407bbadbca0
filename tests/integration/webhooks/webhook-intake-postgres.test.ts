import { defineWebhookIntakeSuite } from "./webhook-intake-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineWebhookIntakeSuite);
