import { defineBackupsSuite } from "./backups-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineBackupsSuite);
