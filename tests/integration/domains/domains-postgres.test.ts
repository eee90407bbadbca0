import { defineDomainsSuite } from "./domains-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineDomainsSuite);
