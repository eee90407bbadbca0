// The RuntimeDriver for Kubernetes clusters. Team footprints are written with the cluster's admin
// credentials; everything an app owns is written, read, watched and deleted with the team's own
// ServiceAccount token (TeamCredentials), by server-side apply, and pruned when no longer wanted.
import type { KubeConfig, KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { DriverError, type AppRef, type LogLine, type LogStreamOptions, type RuntimeDriver, type WorkloadSpec } from "../runtime-driver";
import { appHostname } from "../../apps/app-url";
import { appManifests } from "./app-manifests";
import { clusterImageRef } from "./cluster-image-ref";
import { createKubeClients, type KubeClients } from "./kube-client";
import { LABEL, teamNamespace, volumeClaimName, workloadName } from "./names";
import { followPodLogs } from "./pod-logs";
import { rolloutState } from "./rollout-state";
import { applyAll } from "./server-side-apply";
import { TeamCredentials } from "./team-credentials";
import { teamManifests, type TeamQuotaSpec } from "./team-manifests";
import { podFailure } from "./pod-failure";
import { readinessComplaint } from "./readiness-complaint";
import { proxyThroughApiServer, serviceProxyPath, type ProxiedRequest, type ProxiedResponse } from "./service-proxy";
import { apiErrorMessage, apiStatusCode } from "./api-error";
import type { VolumeClaimSpec } from "./volume-claim-manifest";
import type { VolumeClaimObservation } from "./volume-claim-state";
import { convergeVolumeClaim, deleteVolumeClaim } from "./volume-claims";

export interface KubernetesDriverOptions {
  clusterName: string;
  admin: KubeConfig;
  ingressNamespace?: string;
  ingressClassName?: string;
  /** Apps get Ingress hosts <app>.<project>.<team>.<domain> when set. */
  ingressDomain?: string;
  /** Node labels app pods run on ("key=value,…", server/runtime/kubernetes/app-node-placement.ts). */
  appNodeSelector?: string;
  /** Registry prefix the cluster pulls from; "" = the image reference as built. */
  imageRegistry?: string;
  /** restarts of a new pod's container that end its rollout as a crash loop (as slipwayd's own limit) */
  crashLoopLimit?: number;
  /** The StorageClass of volumes' claims; "" or unset = the cluster's default class. */
  storageClassName?: string;
}

/** A volume as the driver needs it; the storage class is the cluster's. */
export type VolumeRef = Omit<VolumeClaimSpec, "storageClassName">;

/** What observeRollout() saw: the release the Deployment runs, and whether it serves yet. */
export type RolloutObservation = { releaseId: string | null } & ({ phase: "available" } | { phase: "progressing"; message: string });

const TEAM_REAPPLY_MS = 5 * 60_000;

/** Kinds an app owns, for pruning and deletion (list paths by label). */
const APP_KINDS = [
  { apiVersion: "apps/v1", kind: "Deployment", path: "/apis/apps/v1/namespaces/%ns%/deployments" },
  { apiVersion: "v1", kind: "Service", path: "/api/v1/namespaces/%ns%/services" },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", path: "/apis/networking.k8s.io/v1/namespaces/%ns%/ingresses" },
  { apiVersion: "v1", kind: "Secret", path: "/api/v1/namespaces/%ns%/secrets" },
] as const;

/** ResourceQuota ("exceeded quota") and LimitRange ("maximum cpu usage per Container") refusals. */
const QUOTA_REFUSAL = /exceeded quota|maximum (cpu|memory) usage per (container|pod)/i;

/**
 * The team's namespace was deleted, or is being deleted, behind Slipway's back (by an admin, or
 * by Slipway's own tests): its ServiceAccount and token went with it.
 */
const NAMESPACE_GONE = /namespaces?\W+slipway-[a-z0-9-]+\W+not found|because it is being terminated/i;

/** The API server's HTTP status; undefined when it did not answer (a refused connection's code is a string). */
const statusCode = apiStatusCode;

export class KubernetesDriver implements RuntimeDriver {
  readonly kind = "kubernetes" as const;
  private readonly admin: KubeClients;
  private readonly credentials: TeamCredentials;
  private readonly ensuredTeams = new Map<string, { signature: string; at: number }>();
  private readonly clientsByConfig = new WeakMap<KubeConfig, KubeClients>();
  /** The kubelet's last probe complaint per rollout, asked at most once a second (rollouts are looked at every 100 ms). */
  private readonly complaints = new Map<string, { at: number; text: string | null }>();

  constructor(private readonly o: KubernetesDriverOptions) {
    this.admin = createKubeClients(o.admin);
    this.credentials = new TeamCredentials(o.admin, this.admin.core);
  }

  private fail(kind: ConstructorParameters<typeof DriverError>[0], resource: string, message: string): DriverError {
    return new DriverError(kind, "kubernetes", resource, `${this.o.clusterName}: ${message}`);
  }

  /**
   * Namespace (PSA restricted), ResourceQuota, LimitRange, NetworkPolicies and the team's RBAC.
   * Every rollout and resync asks for it; the nine applies run again only when the quota changed
   * or TEAM_REAPPLY_MS passed (to converge drift), not once per app per pass.
   */
  async ensureTeam(teamSlug: string, quota: TeamQuotaSpec): Promise<void> {
    const signature = JSON.stringify(quota);
    const last = this.ensuredTeams.get(teamSlug);
    if (last && last.signature === signature && Date.now() - last.at < TEAM_REAPPLY_MS) return;
    try {
      await applyAll(this.admin.objects, teamManifests({ teamSlug, quota, ingressNamespace: this.o.ingressNamespace ?? "ingress-nginx" }) as KubernetesObject[]);
      this.ensuredTeams.set(teamSlug, { signature, at: Date.now() });
    } catch (e) {
      // A namespace still being deleted refuses new content until it is gone: retried, not failed.
      const transient = statusCode(e) === undefined || NAMESPACE_GONE.test(String((e as Error).message));
      throw this.fail(transient ? "unavailable" : "failed", `namespace/${teamNamespace(teamSlug)}`, `setting up the team namespace failed: ${(e as Error).message}`);
    }
  }

  /**
   * When the team's namespace (or its token) is gone, forgets that the team was set up, so the
   * next step makes it again, and says the failure is temporary: the loop retries.
   */
  private async teamGone(teamSlug: string, e: unknown, resource: string): Promise<DriverError | null> {
    const gone = NAMESPACE_GONE.test(String((e as Error)?.message ?? e)) || (statusCode(e) === 403 && (await this.namespaceMissing(teamSlug)));
    if (!gone && statusCode(e) !== 401) return null;
    this.ensuredTeams.delete(teamSlug);
    this.credentials.forget(teamSlug);
    return this.fail(
      "unavailable",
      resource,
      gone
        ? `the team's namespace ${teamNamespace(teamSlug)} is gone or being deleted; Slipway sets it up again once it is gone`
        : `the team's token was refused; Slipway asks for a new one`,
    );
  }

  /**
   * Whether the team's namespace is gone or terminating, asked with the admin's credentials. For a
   * few seconds after its ServiceAccount is deleted, the API server may still authenticate the
   * team's cached token and RBAC refuses it (403, the RoleBinding went with the namespace) instead
   * of authentication (401): only the namespace tells a deleted team from a Role that lacks a verb.
   */
  private async namespaceMissing(teamSlug: string): Promise<boolean> {
    try {
      const ns = await this.admin.core.readNamespace({ name: teamNamespace(teamSlug) });
      return ns.status?.phase === "Terminating" || ns.metadata?.deletionTimestamp !== undefined;
    } catch (err) {
      return statusCode(err) === 404;
    }
  }

  /** The team's own clients: everything about an app goes through these (one set per token). */
  async teamClients(teamSlug: string): Promise<KubeClients> {
    const config = await this.credentials.forTeam(teamSlug).catch(async (e: unknown) => {
      throw (await this.teamGone(teamSlug, e, `serviceaccount/${teamNamespace(teamSlug)}`)) ?? e;
    });
    let clients = this.clientsByConfig.get(config);
    if (!clients) {
      clients = createKubeClients(config);
      this.clientsByConfig.set(config, clients);
    }
    return clients;
  }

  private image(spec: WorkloadSpec): string {
    return clusterImageRef(spec.imageRef, this.o.imageRegistry);
  }

  /**
   * Applies the release's manifests (server-side apply: idempotent, so applying again is safe) and
   * prunes what they no longer contain. Returns at once: observeRollout() says how it goes.
   */
  async applyRelease(spec: WorkloadSpec): Promise<void> {
    const team = await this.teamClients(spec.teamSlug);
    const namespace = teamNamespace(spec.teamSlug);
    const name = workloadName(spec.appId);
    const ingressHost = this.o.ingressDomain ? appHostname(spec, this.o.ingressDomain) : undefined;
    const wanted = appManifests(spec, { image: this.image(spec), ingressHost, ingressClassName: this.o.ingressClassName, appNodeSelector: this.o.appNodeSelector });
    try {
      await applyAll(team.objects, wanted as KubernetesObject[]);
    } catch (e) {
      const gone = await this.teamGone(spec.teamSlug, e, `deployment/${name}`);
      if (gone) throw gone;
      const code = statusCode(e);
      const kind = code === 403 && QUOTA_REFUSAL.test(String((e as Error).message)) ? "quota" : code === 422 || code === 400 ? "invalid" : code === undefined ? "unavailable" : "failed";
      throw this.fail(kind, `deployment/${name}`, `applying the app failed: ${(e as Error).message}`);
    }
    await this.prune(team, spec.appId, namespace, new Set(wanted.map((o) => `${o.kind}/${o.metadata?.name}`)));
  }

  /**
   * One look at the app's Deployment, the way `kubectl rollout status` looks, plus the new
   * release's own pods, which say why they can never get ready (a crash loop, an image that does
   * not pull) long before any deadline would. `releaseId` is the release the Deployment runs
   * (null before it exists). Throws a DriverError when the rollout can never finish.
   */
  async observeRollout(spec: WorkloadSpec): Promise<RolloutObservation> {
    const team = await this.teamClients(spec.teamSlug);
    const namespace = teamNamespace(spec.teamSlug);
    const name = workloadName(spec.appId);
    let deployment: V1Deployment;
    try {
      deployment = await team.apps.readNamespacedDeployment({ name, namespace });
    } catch (e) {
      const code = statusCode(e);
      if (code === 404) return { releaseId: null, phase: "progressing", message: "the deployment does not exist yet" };
      const gone = await this.teamGone(spec.teamSlug, e, `deployment/${name}`);
      if (gone) throw gone;
      throw this.fail(code === undefined ? "unavailable" : "failed", `deployment/${name}`, `reading the rollout failed: ${(e as Error).message}`);
    }
    const releaseId = deployment.spec?.template.metadata?.labels?.[LABEL.release] ?? null;
    let state = rolloutState(deployment);
    if (state.phase === "progressing" && releaseId === spec.releaseId) {
      const pods = await team.core.listNamespacedPod({ namespace, labelSelector: `${LABEL.appId}=${spec.appId},${LABEL.release}=${spec.releaseId}` });
      const failure = podFailure(pods.items, this.o.crashLoopLimit ?? 3);
      if (failure) state = { phase: "failed", reason: failure.reason, message: failure.message, ready: 0, desired: spec.replicas };
      else {
        // What holds a running pod back, in the kubelet's words, for the progress shown and the
        // reason given if the rollout runs out of time.
        const complaint = await this.complaintOf(spec.releaseId, () => readinessComplaint(team.core, namespace, pods.items));
        if (complaint && state.phase === "progressing") state = { ...state, message: `${state.message}; ${complaint}` };
      }
    }
    if (state.phase === "failed") {
      throw this.fail(QUOTA_REFUSAL.test(state.message) ? "quota" : "failed", `deployment/${name}`, `${state.reason}: ${state.message}`);
    }
    return state.phase === "available" ? { releaseId, phase: "available" } : { releaseId, phase: "progressing", message: state.message };
  }

  private async complaintOf(releaseId: string, ask: () => Promise<string | null>): Promise<string | null> {
    const last = this.complaints.get(releaseId);
    if (last && Date.now() - last.at < 1000) return last.text;
    const text = await ask();
    // One entry per rollout being looked at; a finished one is not asked about again.
    if (this.complaints.size > 256) this.complaints.clear();
    this.complaints.set(releaseId, { at: Date.now(), text });
    return text;
  }

  private async listOwned(team: KubeClients, appId: string, namespace: string): Promise<KubernetesObject[]> {
    const found: KubernetesObject[] = [];
    for (const k of APP_KINDS) {
      const list = await team.objects.list(k.apiVersion, k.kind, namespace, undefined, undefined, undefined, undefined, `${LABEL.appId}=${appId}`);
      for (const item of list.items) found.push({ ...item, apiVersion: k.apiVersion, kind: k.kind });
    }
    return found;
  }

  /** Objects of the app that the new manifests no longer contain (e.g. an Ingress after the domain was removed). */
  private async prune(team: KubeClients, appId: string, namespace: string, keep: Set<string>): Promise<void> {
    for (const object of await this.listOwned(team, appId, namespace)) {
      if (!keep.has(`${object.kind}/${object.metadata?.name}`)) await team.objects.delete(object, undefined, undefined, undefined, undefined, "Foreground").catch(() => undefined);
    }
  }

  logs(app: AppRef, options: LogStreamOptions): AsyncIterable<LogLine> {
    return this.followLogs(app, options);
  }

  private async *followLogs(app: AppRef, options: LogStreamOptions): AsyncGenerator<LogLine> {
    const team = await this.teamClients(app.teamSlug);
    yield* followPodLogs({ config: team.config, core: team.core, namespace: teamNamespace(app.teamSlug), labelSelector: `${LABEL.appId}=${app.appId}${options.releaseId ? `,${LABEL.release}=${options.releaseId}` : ""}`, follow: options.follow, tail: options.tail, signal: options.signal });
  }

  /** Deletes everything the app owns and waits until its pods are gone too. */
  async remove(app: AppRef): Promise<void> {
    const team = await this.teamClients(app.teamSlug);
    const namespace = teamNamespace(app.teamSlug);
    for (const object of await this.listOwned(team, app.appId, namespace)) {
      await team.objects.delete(object, undefined, undefined, undefined, undefined, "Foreground").catch((e: unknown) => {
        if (statusCode(e) !== 404) throw this.fail("failed", `${object.kind}/${object.metadata?.name}`, `deleting failed: ${(e as Error).message}`);
      });
    }
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const [objects, pods] = await Promise.all([
        this.listOwned(team, app.appId, namespace),
        team.core.listNamespacedPod({ namespace, labelSelector: `${LABEL.appId}=${app.appId}` }),
      ]);
      if (!objects.length && !pods.items.length) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw this.fail("timeout", `app/${app.appSlug}`, "its objects were not gone within 120 s; check the cluster's garbage collector");
  }

  /** The API server's path for the app's Service (the prefix it rewrites HTML links and redirects to). */
  appProxyPath(app: AppRef): string {
    return serviceProxyPath(teamNamespace(app.teamSlug), workloadName(app.appId), "http");
  }

  /**
   * One HTTP request to the app through the API server's service proxy, as the team's
   * ServiceAccount (its Role allows services/proxy in its own namespace only).
   */
  async openHttp(app: AppRef, request: ProxiedRequest): Promise<ProxiedResponse> {
    const team = await this.teamClients(app.teamSlug);
    try {
      return await proxyThroughApiServer(team.config, this.appProxyPath(app), request);
    } catch (e) {
      if (request.signal?.aborted) throw e;
      throw this.fail("unavailable", `service/${workloadName(app.appId)}`, `the API server could not be reached: ${(e as Error).message}`);
    }
  }

  /**
   * One step for a volume on this cluster: its claim made or grown (volume-claims.ts), and how it
   * stands. Refusals are in the observation; an unreachable cluster or a gone namespace throws.
   */
  async convergeVolume(v: VolumeRef): Promise<VolumeClaimObservation> {
    const team = await this.teamClients(v.teamSlug);
    try {
      return await convergeVolumeClaim(team, { ...v, storageClassName: this.o.storageClassName ?? "" });
    } catch (e) {
      const resource = `persistentvolumeclaim/${volumeClaimName(v.volumeId)}`;
      throw (await this.teamGone(v.teamSlug, e, resource)) ?? this.fail(statusCode(e) === undefined ? "unavailable" : "failed", resource, `the volume's claim: ${apiErrorMessage(e)}`);
    }
  }

  /** Deletes a volume's claim; true once it is gone (false while a pod still mounts it). */
  async deleteVolume(v: Pick<VolumeRef, "teamSlug" | "volumeId">): Promise<boolean> {
    const team = await this.teamClients(v.teamSlug);
    try {
      return await deleteVolumeClaim(team, v);
    } catch (e) {
      const resource = `persistentvolumeclaim/${volumeClaimName(v.volumeId)}`;
      throw (await this.teamGone(v.teamSlug, e, resource)) ?? this.fail(statusCode(e) === undefined ? "unavailable" : "failed", resource, `deleting the volume's claim: ${apiErrorMessage(e)}`);
    }
  }

  async nudge(): Promise<void> {
    // Kubernetes controllers act on their own; nothing to wake.
  }
}
