import { defineVolumesSuite } from "./volumes-suite";

defineVolumesSuite(async () => undefined);
