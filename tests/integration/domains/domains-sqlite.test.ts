import { defineDomainsSuite } from "./domains-suite";

defineDomainsSuite(async () => undefined);
