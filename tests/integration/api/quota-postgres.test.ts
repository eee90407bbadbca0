import { defineQuotaSuite } from "./quota-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineQuotaSuite);
