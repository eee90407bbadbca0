export interface ReleaseDto {
  id: string;
  version: number;
  buildId: string | null;
  imageRef: string;
  imageDigest: string;
  status: string;
  /** why it has its status, one sentence; what the container printed is lastLogLines, never in here */
  statusReason: string | null;
  createdAt: string;
  liveAt: string | null;
  replicas: number;
  cpuMillicores: number;
  memoryMib: number;
  /** when it became ROLLING_OUT; its health deadline runs from here */
  rolloutStartedAt: string | null;
  /** times slipwayd restarted a crashed container of this release during its rollout */
  restartCount: number;
  /** the exit code of the last container of this release that exited, if any did */
  lastExitCode: number | null;
  lastExitAt: string | null;
  /** the last exit was the kernel's OOM killer (the app exceeded its memoryMib) */
  lastExitOomKilled: boolean;
  /** the last log lines of the container that exited or failed, oldest first, as printed */
  lastLogLines: string[];
  /** whom its containers run as, the same on every runtime; null for a release made before that policy */
  runAs: RunAsDto | null;
}

export interface RunAsDto {
  uid: number;
  /** null: the user's primary group from the image's /etc/passwd */
  gid: number | null;
  /** the image's USER as declared ("" when none) */
  imageUser: string;
  /** "image": the image's own non-root user; "no-user" or "root": Slipway's default user instead */
  reason: "image" | "no-user" | "root";
  /** one sentence: whom it runs as and why */
  summary: string;
}
