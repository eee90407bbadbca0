import { defineAppOperationsSuite } from "./app-operations-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineAppOperationsSuite);
