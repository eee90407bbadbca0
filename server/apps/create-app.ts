import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { sealJson } from "../crypto/secret-box";
import { getProjectOrThrow } from "../projects/get-project";
import { getPlatformSettings } from "../settings/get-platform-settings";
import { assertBranchExists, parseGitSource } from "./check-git-source";
import { createAppInput, type AppDto, type CreateAppInput } from "./schemas";
import { appDtoInclude, toAppDto } from "./to-app-dto";

export interface CreateAppOptions {
  actor: Actor;
  projectId: string;
  input: CreateAppInput;
}

export async function createApp({ actor, projectId, input }: CreateAppOptions): Promise<AppDto> {
  const data = createAppInput.parse(input);
  const project = await getProjectOrThrow({ actor, projectId });
  const db = getDb();
  if (await db.app.findUnique({ where: { projectId_slug: { projectId, slug: data.slug } } })) {
    throw new AppError("CONFLICT", `An app named ${data.slug} already exists in project ${project.slug}.`, { fields: [{ path: "slug", message: "already taken" }] });
  }
  const source = await parseGitSource(data.gitUrl, await getPlatformSettings());
  await assertBranchExists(source, data.gitBranch);

  const app = await db.$transaction(async (tx) => {
    // The team's and the project's number of apps; a new app runs nothing until it is deployed.
    await assertWithinQuota(tx, { teamId: actor.teamId, projectId, action: `Creating app ${data.slug}`, addApps: 1 });
    const created = await tx.app.create({
      data: {
        teamId: actor.teamId,
        projectId,
        slug: data.slug,
        gitUrl: source.kind === "local" ? source.path : source.url,
        gitBranch: data.gitBranch,
        dockerfilePath: data.dockerfilePath,
        containerPort: data.containerPort,
        healthCheckPath: data.healthCheckPath,
        envEncrypted: sealJson(data.env),
        cpuMillicores: data.cpuMillicores,
        memoryMib: data.memoryMib,
        replicas: data.replicas,
      },
      include: appDtoInclude,
    });
    await recordAudit(tx, { actor, action: "app.create", targetType: "app", targetId: created.id, data: { slug: created.slug, gitUrl: created.gitUrl } });
    return created;
  });
  return toAppDto(app);
}
