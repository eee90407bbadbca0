import { defineFirstAdminRaceSuite } from "./members-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineFirstAdminRaceSuite);
