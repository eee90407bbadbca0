import { defineMembersSuite } from "./members-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineMembersSuite);
