// Each team acts in a cluster with its own ServiceAccount token, bound to a Role in its own
// namespace only: a bug or a leaked token in one team's path cannot reach another team's objects.
// Tokens come from the TokenRequest API (short-lived) and are renewed before they expire.
import { KubeConfig, type CoreV1Api } from "@kubernetes/client-node";
import { TEAM_SERVICE_ACCOUNT, teamNamespace } from "./names";

const TOKEN_SECONDS = 3600;
const RENEW_BEFORE_MS = 5 * 60_000;

interface CachedToken {
  config: KubeConfig;
  expiresAt: number;
}

export class TeamCredentials {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly admin: KubeConfig,
    private readonly core: CoreV1Api,
  ) {}

  /** Drops the team's token (its ServiceAccount was deleted, e.g. with its namespace). */
  forget(teamSlug: string): void {
    this.cache.delete(teamSlug);
  }

  async forTeam(teamSlug: string): Promise<KubeConfig> {
    const cached = this.cache.get(teamSlug);
    if (cached && cached.expiresAt - Date.now() > RENEW_BEFORE_MS) return cached.config;
    const namespace = teamNamespace(teamSlug);
    const request = await this.core.createNamespacedServiceAccountToken({
      name: TEAM_SERVICE_ACCOUNT,
      namespace,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: TOKEN_SECONDS, audiences: [] } },
    });
    const token = request.status?.token;
    if (!token) throw new Error(`the API server issued no token for ${namespace}/${TEAM_SERVICE_ACCOUNT}`);
    const cluster = this.admin.getCurrentCluster();
    if (!cluster) throw new Error("the admin kubeconfig has no current cluster");
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [cluster],
      users: [{ name: `slipway-${teamSlug}`, token }],
      contexts: [{ name: `slipway-${teamSlug}`, cluster: cluster.name, user: `slipway-${teamSlug}`, namespace }],
      currentContext: `slipway-${teamSlug}`,
    });
    const expiresAt = request.status?.expirationTimestamp ? new Date(request.status.expirationTimestamp).getTime() : Date.now() + TOKEN_SECONDS * 1000;
    this.cache.set(teamSlug, { config, expiresAt });
    return config;
  }
}
