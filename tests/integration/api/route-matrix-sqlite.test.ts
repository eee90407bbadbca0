import { defineRouteMatrixSuite } from "./route-matrix-suite";

defineRouteMatrixSuite(async () => undefined);
