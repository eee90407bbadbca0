// Records a build's steps as BuildStep rows with status and timings.
import type { Db } from "../db";

export const BUILD_STEPS = ["clone", "build", "push", "release"] as const;
export type BuildStepName = (typeof BUILD_STEPS)[number];

/** The steps a build records: "push" only when the app's cluster pulls from an image registry. */
export function buildStepsFor(opts: { push: boolean }): BuildStepName[] {
  return BUILD_STEPS.filter((s) => s !== "push" || opts.push);
}

export class StepRecorder {
  constructor(
    private readonly db: Db,
    private readonly buildId: string,
    private readonly steps: readonly BuildStepName[] = buildStepsFor({ push: false }),
  ) {}

  /** A retried build starts its steps afresh; log lines of earlier attempts are kept. */
  async reset(): Promise<void> {
    await this.db.$transaction([
      this.db.buildStep.deleteMany({ where: { buildId: this.buildId } }),
      this.db.buildStep.createMany({
        data: this.steps.map((name, position) => ({ buildId: this.buildId, name, position, status: "PENDING" as const })),
      }),
    ]);
  }

  async start(name: BuildStepName): Promise<void> {
    await this.db.buildStep.updateMany({
      where: { buildId: this.buildId, name },
      data: { status: "RUNNING", startedAt: new Date() },
    });
  }

  async succeed(name: BuildStepName): Promise<void> {
    await this.db.buildStep.updateMany({
      where: { buildId: this.buildId, name },
      data: { status: "SUCCEEDED", finishedAt: new Date() },
    });
  }

  async fail(name: BuildStepName, error: string): Promise<void> {
    const now = new Date();
    await this.db.buildStep.updateMany({ where: { buildId: this.buildId, name }, data: { status: "FAILED", finishedAt: now, error } });
    await this.db.buildStep.updateMany({
      where: { buildId: this.buildId, status: "PENDING" },
      data: { status: "SKIPPED" },
    });
  }
}
