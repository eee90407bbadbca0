import { defineQuotaSuite } from "./quota-suite";

defineQuotaSuite(async () => undefined);
