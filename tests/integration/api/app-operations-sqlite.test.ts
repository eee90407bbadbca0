import { defineAppOperationsSuite } from "./app-operations-suite";

defineAppOperationsSuite(async () => undefined);
