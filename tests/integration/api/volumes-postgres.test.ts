import { defineVolumesSuite } from "./volumes-suite";
import { onPostgres } from "../../support/postgres-suite";

onPostgres(defineVolumesSuite);
