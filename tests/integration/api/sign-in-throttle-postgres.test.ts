import { defineSignInThrottleSuite } from "./sign-in-throttle-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineSignInThrottleSuite);
