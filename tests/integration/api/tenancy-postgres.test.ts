import { defineTenancySuite } from "./tenancy-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineTenancySuite);
