// The volume views render what the API returns: state, bytes used against the size, where a volume
// is attached, the controls only for members who may use them, and backups with their progress.
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { teamKeys, type MeDto } from "@/components/team/queries";
import { BackupsPanel } from "@/components/volumes/backups-panel";
import { volumeKeys } from "@/components/volumes/queries";
import { formatBytes, percentDone } from "@/components/volumes/volume-format";
import { VolumeList } from "@/components/volumes/volume-list";
import type { BackupDto, RestoreDto, VolumeDto } from "@/server/volumes/schemas";

/** The server render, without React's text separators (`<!-- -->`), so text reads as on screen. */
function render(element: ReactElement, data: [readonly unknown[], unknown][]): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const [key, value] of data) client.setQueryData(key, value);
  return renderToString(createElement(QueryClientProvider, { client }, element)).replaceAll("<!-- -->", "");
}

const me = (role: string): MeDto => ({
  user: { id: "u1", email: "ada@example.test", isPlatformAdmin: false },
  team: { id: "t1", slug: "default", role },
  teams: [],
});

const base: VolumeDto = {
  id: "v1",
  name: "entries",
  projectId: "p1",
  projectSlug: "diary",
  runtime: "embedded",
  onCluster: false,
  appId: "a1",
  appSlug: "notes",
  mountPath: "/data",
  sizeGib: 2,
  provisionedGib: 2,
  usedBytes: 512 * 1024 * 1024,
  measuredAt: "2026-11-29T12:00:00.000Z",
  state: "ready",
  stateReason: "",
  deleting: false,
  backupSchedule: "",
  backupRetention: 7,
  backupConsistent: false,
  backupTargetId: null,
  createdAt: "2026-11-29T11:00:00.000Z",
};

const volumes: VolumeDto[] = [
  base,
  { ...base, id: "v2", name: "scratch", appId: null, appSlug: null, mountPath: "", usedBytes: null, measuredAt: null, state: "failed", stateReason: "mkfs.ext4 failed: no space left on the host" },
  { ...base, id: "v3", name: "growing", sizeGib: 4, provisionedGib: 2 },
];

describe("volume list", () => {
  it("shows each volume's state, usage against its size, attachment, and a grow in progress", () => {
    const html = render(createElement(VolumeList), [[volumeKeys.list(), { volumes }], [teamKeys.me, me("DEVELOPER")]]);
    expect(html).toContain('data-testid="volume-entries"');
    expect(html).toContain("512 MiB used");
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toMatch(/attached to <strong>notes<\/strong> at <code[^>]*>\/data<\/code>/);
    expect(html).toContain("not measured yet");
    expect(html).toContain("mkfs.ext4 failed: no space left on the host");
    expect(html).toContain("growing from 2 GiB");
  });

  it("offers detach, attach, grow and delete to members who may change volumes, not to viewers", () => {
    const developer = render(createElement(VolumeList), [[volumeKeys.list(), { volumes }], [teamKeys.me, me("DEVELOPER")]]);
    expect(developer).toContain('data-testid="detach-volume"');
    expect(developer).toContain('data-testid="attach-volume-form"');
    expect(developer).toContain('data-testid="grow-volume-form"');
    const viewer = render(createElement(VolumeList), [[volumeKeys.list(), { volumes }], [teamKeys.me, me("VIEWER")]]);
    expect(viewer).not.toContain('data-testid="detach-volume"');
    expect(viewer).not.toContain('data-testid="attach-volume-form"');
    expect(viewer).not.toContain('data-testid="grow-volume-form"');
    expect(viewer).toContain("Not attached.");
  });

  it("says when the team has no volume", () => {
    const html = render(createElement(VolumeList), [[volumeKeys.list(), { volumes: [] }], [teamKeys.me, me("OWNER")]]);
    expect(html).toContain("No volumes yet.");
  });
});

const backup: BackupDto = {
  id: "b1",
  volumeId: "v1",
  volumeName: "entries",
  projectId: "p1",
  trigger: "manual",
  consistent: true,
  status: "SUCCEEDED",
  target: { id: null, name: "local backup directory" },
  bytesDone: 10_240,
  dataBytes: 10_240,
  sizeBytes: 2048,
  sha256: "9d3686f30222aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b",
  error: null,
  createdAt: "2026-11-29T12:32:00.000Z",
  startedAt: "2026-11-29T12:32:01.000Z",
  finishedAt: "2026-11-29T12:32:02.000Z",
  lastRestore: null,
};

describe("backups panel", () => {
  const backups: BackupDto[] = [
    { ...backup, id: "b4", status: "RUNNING", consistent: false, bytesDone: 128 * 1024 * 1024, dataBytes: null, sizeBytes: null, sha256: "", finishedAt: null },
    { ...backup, id: "b3", status: "RUNNING", consistent: false, bytesDone: 256 * 1024 * 1024, dataBytes: 1024 * 1024 * 1024, sizeBytes: null, sha256: "", finishedAt: null },
    { ...backup, id: "b2", status: "FAILED", trigger: "schedule", consistent: false, error: "the target answered 403: check its access key" },
    backup,
  ];
  const data: [readonly unknown[], unknown][] = [
    [volumeKeys.backups("v1"), { backups }],
    [volumeKeys.targets, { targets: [{ id: "t1", name: "offsite", endpoint: "https://s3.example.com", region: "us-east-1", bucket: "slipway", prefix: "", accessKeyId: "AK", forcePathStyle: true, createdAt: "" }] }],
  ];

  it("lists backups with status, progress while running, the checksum, the error, and restore for finished ones", () => {
    const html = render(createElement(BackupsPanel, { volume: base, canWrite: true }), data);
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain("256 MiB of 1.0 GiB (25%)");
    // No data size yet: the volume's measured usage (512 MiB) is the estimate.
    expect(html).toContain("128 MiB of about 512 MiB (25%)");
    expect(html).toContain("the target answered 403: check its access key");
    expect(html).toContain("sha256 9d3686f30222");
    expect(html).toContain("manual · consistent");
    expect(html.match(/data-testid="restore-backup"/g)).toHaveLength(1);
    expect(html).toContain("Consistent (stops the app during the copy)");
    expect(html).toContain("offsite (slipway)");
  });

  it("says a cluster volume is not backed up yet and not measured, instead of offering what would be refused", () => {
    const cluster: VolumeDto = { ...base, runtime: "cluster:prod", onCluster: true, usedBytes: null, measuredAt: null };
    const html = render(createElement(BackupsPanel, { volume: cluster, canWrite: true }), data);
    expect(html).toContain('data-testid="backups-unsupported"');
    expect(html).not.toContain('data-testid="back-up-now"');
    const list = render(createElement(VolumeList), [[volumeKeys.list(), { volumes: [cluster] }], [teamKeys.me, me("DEVELOPER")]]);
    expect(list).toContain("not measured on clusters");
  });

  it("keeps following a restore the server knows of (a page reloaded mid-restore), and keeps a refusal told", () => {
    const running: RestoreDto = { id: "r1", backupId: "b1", volumeId: "v1", status: "RUNNING", bytesDone: 3 * 1024 * 1024, totalBytes: 12 * 1024 * 1024, error: null, createdAt: "", startedAt: "", finishedAt: null };
    const refused: RestoreDto = { ...running, id: "r2", status: "FAILED", error: "the archive's SHA-256 is 00ff…, but 9d36… was recorded at backup" };
    const html = render(createElement(BackupsPanel, { volume: base, canWrite: true }), [
      ...data.filter(([k]) => JSON.stringify(k) !== JSON.stringify(volumeKeys.backups("v1"))),
      [volumeKeys.backups("v1"), { backups: [{ ...backup, lastRestore: running }, { ...backup, id: "b0", lastRestore: refused }] }],
      [volumeKeys.restore("r1"), { restore: running }],
      [volumeKeys.restore("r2"), { restore: refused }],
    ]);
    expect(html.match(/data-testid="restore-progress"/g)).toHaveLength(2);
    expect(html).toContain("3.0 MiB of 12 MiB (25%)");
    expect(html).toContain("was recorded at backup");
  });

  it("shows a viewer the list without back up, schedule or restore", () => {
    const html = render(createElement(BackupsPanel, { volume: base, canWrite: false }), data);
    expect(html).toContain("sha256 9d3686f30222");
    expect(html).not.toContain('data-testid="back-up-now"');
    expect(html).not.toContain('data-testid="backup-schedule-form"');
    expect(html).not.toContain('data-testid="restore-backup"');
  });
});

describe("volume formats", () => {
  it("writes sizes in binary units and progress only when the total is known", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(512 * 1024 * 1024)).toBe("512 MiB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3.0 TiB");
    expect(percentDone(5, null)).toBeNull();
    expect(percentDone(5, 0)).toBeNull();
    expect(percentDone(1, 3)).toBe(33);
    expect(percentDone(7, 5)).toBe(100);
  });
});
