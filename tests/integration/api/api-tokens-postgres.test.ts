import { defineApiTokenSuite } from "./api-tokens-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineApiTokenSuite);
