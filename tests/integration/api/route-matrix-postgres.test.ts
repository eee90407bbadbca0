import { defineRouteMatrixSuite } from "./route-matrix-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineRouteMatrixSuite);
