// kubectl of the test cluster's own version, for benchmarks that do by hand what Slipway does:
// built from the same k8s.io/kubernetes module as the control plane (e2e/cluster/go.mod), the
// first time it is asked for, into the cluster's binary directory (<state dir>/bin, which
// scripts/cluster-up.sh points at the build cache of the module's exact version). Debian's
// kubectl (v1.32) is five minors behind the v1.37 API server, outside kubectl's skew policy.
import { execFile } from "node:child_process";
import { existsSync, renameSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../tests/support/daemon-harness";

const run = promisify(execFile);

const MODULE_DIR = path.join(REPO_ROOT, "e2e/cluster");
const GO_ENV = {
  ...process.env,
  PATH: `/usr/local/go/bin:${process.env.PATH ?? "/usr/bin:/bin"}`,
  GOFLAGS: "-mod=mod -buildvcs=false",
  GOTOOLCHAIN: "local",
};

/** What hack/lib/version.sh stamps (as cluster-up.sh does), so `kubectl version` names v1.37.x. */
async function versionLdflags(): Promise<string> {
  const { stdout } = await run("go", ["list", "-m", "-f", '{{.Version}} {{.Time.UTC.Format "2006-01-02T15:04:05Z"}}', "k8s.io/kubernetes"], { cwd: MODULE_DIR, env: GO_ENV });
  const [version, date] = stdout.trim().split(" ");
  const minor = /^v1\.(\d+)\./.exec(version ?? "")?.[1];
  if (!version || !date || !minor) throw new Error(`unexpected module version ${JSON.stringify(stdout)}`);
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .map((p) => `-X ${p}.gitVersion=${version} -X ${p}.gitMajor=1 -X ${p}.gitMinor=${minor} -X ${p}.gitTreeState=clean -X ${p}.buildDate=${date}`)
    .join(" ");
}

/** Path of the cluster's kubectl, built now when missing (minutes on a cold Go build cache). */
export async function ensureKubectl(clusterStateDir: string): Promise<string> {
  const out = path.join(clusterStateDir, "bin", "kubectl");
  if (existsSync(out)) return out;
  process.stderr.write(`building kubectl from k8s.io/kubernetes into ${out}\n`);
  const tmp = `${out}.${process.pid}.tmp`;
  await run("go", ["build", `-ldflags=-s -w ${await versionLdflags()}`, "-o", tmp, "k8s.io/kubernetes/cmd/kubectl"], { cwd: MODULE_DIR, env: GO_ENV, maxBuffer: 16 * 1024 * 1024 });
  renameSync(tmp, out);
  return out;
}
