import { defineTenancySuite } from "./tenancy-suite";

defineTenancySuite(async () => undefined);
