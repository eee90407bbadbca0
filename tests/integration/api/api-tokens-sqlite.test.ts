import { defineApiTokenSuite } from "./api-tokens-suite";

defineApiTokenSuite(async () => undefined);
