// Converges the volumes of embedded projects (clusterId null) on this machine, once per pass of
// the control loop (before the apps are read, so an app sees its volumes as this pass left them)
// and so at slipwayd's start: each volume's image made, grown and mounted, or removed with its row
// once deletion was asked; its state and measured use recorded. Level-triggered like the rest of
// slipwayd: the kernel's mount table and the image files are the truth, so a slipwayd killed at
// any point picks up where it was, and a restart never mounts a volume twice.
//
// Growing: where this process may resize a mounted filesystem, in place while the app runs.
// Where it may not (no CAP_SYS_RESOURCE, as on these machines), offline: the volume goes
// "pending" with the sizes, which holds its app (server/volumes/app-hold.ts); once the app's
// containers are gone the filesystem is unmounted, checked, grown and mounted again, the volume
// goes "ready" and the same release starts again.
import { readdir } from "node:fs/promises";
import type { Db } from "../../db";
import type { Engine } from "../engine/engine";
import type { Logger } from "../logger";
import {
  VolumeBusyError,
  canResizeMounted,
  createVolumeImage,
  growMounted,
  growUnmounted,
  imageSizeGib,
  measureVolume,
  mountVolume,
  removeVolumeFiles,
  volumeImageExists,
} from "./volume-filesystem";
import { readMountTable, type MountEntry } from "./mount-table";
import { volumesRoot } from "./volume-paths";

export interface VolumeReconcilerOptions {
  db: Db;
  dataDir: string;
  log: Logger;
  /** to see whether an app still has containers (an offline grow waits until it has none) */
  engine: Pick<Engine, "listManaged">;
  instanceId: string;
  /** how often used bytes are measured when nothing changed */
  measureEveryMs?: number;
  /** tests: pretend this process cannot resize a mounted filesystem (or can) */
  resizeMounted?: boolean;
}

type VolumeRow = {
  id: string;
  name: string;
  appId: string | null;
  sizeGib: number;
  provisionedGib: number;
  state: string;
  stateReason: string;
  measuredAt: Date | null;
  deleteRequestedAt: Date | null;
};

interface Report {
  state?: "pending" | "ready" | "failed";
  stateReason?: string;
  provisionedGib?: number;
  usedBytes?: number;
  measuredAt?: Date;
}

export class VolumeReconciler {
  private resizeMounted: boolean | undefined;
  private orphansLooked = false;
  /** the last reason logged per volume: a failure that repeats each pass is logged once */
  private readonly logged = new Map<string, string>();

  constructor(private readonly o: VolumeReconcilerOptions) {
    this.resizeMounted = o.resizeMounted;
  }

  /** One pass over every volume of the embedded runtime. A volume's failure is recorded on it; others go on. */
  async converge(): Promise<void> {
    const volumes = await this.o.db.volume.findMany({
      where: { project: { clusterId: null } },
      select: { id: true, name: true, appId: true, sizeGib: true, provisionedGib: true, state: true, stateReason: true, measuredAt: true, deleteRequestedAt: true },
      orderBy: { createdAt: "asc" },
    });
    const ids = new Set(volumes.map((v) => v.id));
    for (const id of this.logged.keys()) if (!ids.has(id)) this.logged.delete(id);
    if (!this.orphansLooked) {
      this.orphansLooked = true;
      await this.reportOrphans();
    }
    const table = volumes.length ? await readMountTable() : [];
    for (const v of volumes) {
      try {
        if (v.deleteRequestedAt) await this.remove(v);
        else await this.record(v, await this.converge1(v, table));
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        this.say(v, "warn", reason, "volume failed");
        await this.record(v, { state: "failed", stateReason: reason });
      }
    }
  }

  /** `table`: the kernel's mount table read at the start of this pass. */
  private async converge1(v: VolumeRow, table: MountEntry[]): Promise<Report> {
    const { dataDir } = this.o;
    let changed = false;
    if (!(await volumeImageExists(dataDir, v.id))) {
      await createVolumeImage(dataDir, v.id, v.sizeGib);
      this.say(v, "info", `made ${v.sizeGib} GiB`, "volume made");
      changed = true;
    }
    // A row not updated yet after its image was made (a kill in between) is as big as its image.
    const made = v.provisionedGib || (await imageSizeGib(dataDir, v.id));
    if (v.sizeGib > made) {
      const grown = await this.grow(v, made);
      if (grown) return grown;
      changed = true;
    }
    // The pass's table holds unless this pass made or grew it (a grow unmounts and mounts again).
    await mountVolume(dataDir, v.id, changed ? undefined : table);
    const due = !v.measuredAt || Date.now() - v.measuredAt.getTime() >= (this.o.measureEveryMs ?? 30_000);
    const report: Report = { state: "ready", stateReason: "", provisionedGib: Math.max(made, v.sizeGib) };
    if (changed || due || v.state !== "ready") {
      const usage = await measureVolume(dataDir, v.id);
      report.usedBytes = usage.usedBytes;
      report.measuredAt = new Date();
    }
    if (v.state !== "ready") this.say(v, "info", "ready", "volume ready");
    return report;
  }

  /** Grows it; a Report when the grow is still under way (the volume stays pending, its app held), null when done. */
  private async grow(v: VolumeRow, made: number): Promise<Report | null> {
    const { dataDir } = this.o;
    this.resizeMounted ??= await canResizeMounted();
    if (this.resizeMounted) {
      await mountVolume(dataDir, v.id);
      await growMounted(dataDir, v.id, v.sizeGib);
      this.say(v, "info", `grown to ${v.sizeGib} GiB`, "volume grown in place");
      return null;
    }
    const growing: Report = {
      state: "pending",
      stateReason: `growing from ${made} GiB to ${v.sizeGib} GiB: its app's replicas stop while the filesystem is resized (this machine cannot resize a mounted filesystem)`,
      provisionedGib: made,
    };
    // First the hold: the app's replicas go, then the filesystem can be unmounted. A grow that
    // failed is tried again as it is (its app is not held then, but starts no replica either:
    // desired-state.ts waits for ready volumes).
    if (v.state === "ready" || v.provisionedGib !== made) return growing;
    if (v.appId) {
      const left = await this.o.engine.listManaged({ instance: this.o.instanceId, appId: v.appId });
      if (left.length) return { ...growing, stateReason: `${growing.stateReason}; waiting for ${left.length} container(s) of its app to stop` };
    }
    try {
      await growUnmounted(dataDir, v.id, v.sizeGib);
    } catch (e) {
      if (!(e instanceof VolumeBusyError)) throw e;
      await mountVolume(dataDir, v.id);
      return { ...growing, stateReason: `${growing.stateReason}; waiting: ${e.message}` };
    }
    this.say(v, "info", `grown to ${v.sizeGib} GiB`, "volume grown (offline)");
    return null;
  }

  /** Deletion asked: data gone, then the row. Waits while it is attached or a backup or restore reads or writes it. */
  private async remove(v: VolumeRow): Promise<void> {
    const { db, dataDir } = this.o;
    if (v.appId) {
      await this.record(v, { stateReason: "deletion waits: the volume is still attached to an app" });
      return;
    }
    const busy =
      (await db.volumeBackup.count({ where: { volumeId: v.id, status: "RUNNING" } })) + (await db.volumeRestore.count({ where: { volumeId: v.id, status: { in: ["QUEUED", "RUNNING"] } } }));
    if (busy) {
      await this.record(v, { stateReason: "deletion waits for a backup or restore of the volume to end" });
      return;
    }
    await removeVolumeFiles(dataDir, v.id);
    await db.volume.deleteMany({ where: { id: v.id, deleteRequestedAt: { not: null } } });
    this.logged.delete(v.id);
    this.o.log.info({ volumeId: v.id, name: v.name }, "volume deleted");
  }

  /**
   * Images no volume row names (their team was deleted, or this slipwayd was pointed at another
   * database) are said once at start, never removed: data is not deleted on an absence.
   */
  private async reportOrphans(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(volumesRoot(this.o.dataDir));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    const onDisk = names.filter((n) => n.endsWith(".img")).map((n) => n.slice(0, -".img".length));
    if (!onDisk.length) return;
    const known = new Set((await this.o.db.volume.findMany({ where: { id: { in: onDisk } }, select: { id: true } })).map((v) => v.id));
    const orphans = onDisk.filter((id) => !known.has(id));
    if (orphans.length) this.o.log.warn({ images: orphans.map((id) => `${id}.img`), dir: volumesRoot(this.o.dataDir) }, "volume images that no volume in the database names: kept; remove them by hand once you know they are not needed");
  }

  /** Writes what changed (runtime fields only: the web owns the rest of the row). */
  private async record(v: VolumeRow, r: Report): Promise<void> {
    const data: Report = {};
    if (r.state !== undefined && r.state !== v.state) data.state = r.state;
    if (r.stateReason !== undefined && r.stateReason !== v.stateReason) data.stateReason = r.stateReason;
    if (r.provisionedGib !== undefined && r.provisionedGib !== v.provisionedGib) data.provisionedGib = r.provisionedGib;
    if (r.measuredAt) {
      data.usedBytes = r.usedBytes;
      data.measuredAt = r.measuredAt;
    }
    if (Object.keys(data).length) await this.o.db.volume.updateMany({ where: { id: v.id }, data });
  }

  private say(v: VolumeRow, level: "info" | "warn", what: string, msg: string): void {
    if (this.logged.get(v.id) === what) return;
    this.logged.set(v.id, what);
    this.o.log[level]({ volumeId: v.id, name: v.name, detail: what }, msg);
  }
}
