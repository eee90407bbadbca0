import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { enableListenerHandover } from "@/server/daemon/ingress/listener-handover";
import { createLogger } from "@/server/daemon/logger";

const log = createLogger("silent");
const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-handover-"));

describe("enableListenerHandover", () => {
  it("turns tcp_migrate_req on when it is off", () => {
    const file = path.join(dir, "off");
    writeFileSync(file, "0\n");
    expect(enableListenerHandover(log, file)).toBe("enabled");
    expect(readFileSync(file, "utf8")).toBe("1");
  });

  it("leaves it alone when it is already on", () => {
    const file = path.join(dir, "on");
    writeFileSync(file, "1\n");
    expect(enableListenerHandover(log, file)).toBe("already-enabled");
  });

  it("says so on a kernel without the setting", () => {
    expect(enableListenerHandover(log, path.join(dir, "missing"))).toBe("unsupported");
  });
});
