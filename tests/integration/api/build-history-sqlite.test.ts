import { defineBuildHistorySuite } from "./build-history-suite";

defineBuildHistorySuite(async () => undefined);
