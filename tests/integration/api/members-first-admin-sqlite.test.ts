import { defineFirstAdminRaceSuite } from "./members-suite";

defineFirstAdminRaceSuite(async () => undefined);
