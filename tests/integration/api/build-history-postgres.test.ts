import { defineBuildHistorySuite } from "./build-history-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineBuildHistorySuite);
