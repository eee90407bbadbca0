// Git URLs an attacker might give an app, tried the way they would arrive: at app creation through
// the real route handler (the check: resolve, judge every address, `git ls-remote` pinned to them)
// and at build time through the clone function. Every target is a server this test starts on
// loopback, counting its requests, so "refused" means "refused before any request reached it".
// The one non-loopback address (203.0.113.7, a documentation range) exists only on the loopback
// interface of a network namespace this test creates.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { startDnsServer, type DnsServer } from "../../support/dns-server";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import { startCountingServer, startGitHttpServer, startRedirectServer, type CountingServer, type GitHttpServer } from "../../support/git-http-server";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import { getDb } from "@/server/db";
import { classifyGitUrl, cloneRepo } from "@/server/pipeline/git-source";
import { setGitCommandPrefixForTests } from "@/server/pipeline/git-runner";

const run = promisify(execFile);

let dns: DnsServer;
let repo: FixtureRepo;
let repoName: string;
let gitServer: GitHttpServer; // the loopback service an attacker wants git to reach
let trap: CountingServer; // 127.0.0.2 on the same port: where a second resolution would lead
let admin: string;
let projectId: string;
let appNumber = 0;
const pwned = path.join(os.tmpdir(), `slipway-pwned-${process.pid}`);

const PUBLIC_ADDRESS = "203.0.113.7";
const urlFor = (host: string) => `http://${host}:${gitServer.port}/${repoName}`;

async function setPolicy(policy: { allowPrivateGitHosts: boolean; allowLocalGitSources: boolean }): Promise<void> {
  await getDb().platformSettings.upsert({ where: { id: "platform" }, create: { id: "platform", ...policy }, update: policy });
}

async function createApp(gitUrl: string) {
  appNumber += 1;
  return call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, {
    cookie: admin,
    params: { projectId },
    body: { slug: `web-${appNumber}`, gitUrl },
  });
}

/** The build's path: classify the stored URL, then clone with the platform's current settings. */
async function clone(gitUrl: string, policy: { allowPrivateGitHosts: boolean; allowLocalGitSources: boolean }, ref = "main"): Promise<string> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "slipway-ssrf-clone-")), "work");
  const source = classifyGitUrl(gitUrl);
  return (await cloneRepo({ source, policy, ref, dir, onLine: () => undefined, timeoutMs: 30_000 })).sha;
}

function expectNoRequests(): void {
  expect(gitServer.requests).toEqual([]);
  expect(trap.requests).toEqual([]);
}

function resetCounters(): void {
  gitServer.requests.length = 0;
  trap.requests.length = 0;
}

beforeAll(async () => {
  repo = await createFixtureRepo();
  repoName = path.basename(repo.dir);
  gitServer = await startGitHttpServer({ root: path.dirname(repo.dir) });
  trap = await startCountingServer({ host: "127.0.0.2", port: gitServer.port });
  dns = await startDnsServer({});
  process.env.SLIPWAY_DNS_SERVERS = dns.address;
  setupApiTestEnv(); // also re-reads the environment, SLIPWAY_DNS_SERVERS included
  admin = await signUp("ops@example.test");
  const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: admin, body: { slug: "ssrf" } });
  expect(project.status).toBe(201);
  projectId = project.json.id;
});

afterAll(async () => {
  setGitCommandPrefixForTests([]);
  await Promise.all([gitServer?.close(), trap?.close(), dns?.close()]);
  delete process.env.SLIPWAY_DNS_SERVERS;
  rmSync(pwned, { force: true });
});

describe("refused at app creation and at clone time, before any request", () => {
  const strict = { allowPrivateGitHosts: false, allowLocalGitSources: false };
  const internal = /loopback, private or metadata/;

  // [what, URL, message at creation, message at clone]
  const cases: () => [string, string, RegExp, RegExp][] = () => [
    ["a name that resolves to loopback", urlFor("loopback.test"), internal, internal],
    ["a name whose only address is IPv4-mapped loopback", urlFor("mapped.test"), internal, internal],
    ["a name with one public and one loopback address", urlFor("mixed.test"), internal, internal],
    ["localhost", urlFor("localhost"), internal, internal],
    ["IPv4-mapped IPv6 [::ffff:127.0.0.1]", urlFor("[::ffff:127.0.0.1]"), internal, internal],
    ["IPv4-mapped IPv6 [::ffff:7f00:1]", urlFor("[::ffff:7f00:1]"), internal, internal],
    ["IPv6 loopback [::1]", urlFor("[::1]"), internal, internal],
    ["decimal 2130706433", urlFor("2130706433"), internal, internal],
    ["octal 0177.0.0.1", urlFor("0177.0.0.1"), internal, internal],
    ["hex 0x7f000001", urlFor("0x7f000001"), internal, internal],
    ["hex dotted 0x7f.0.0.1", urlFor("0x7f.0.0.1"), internal, internal],
    ["short 127.1", urlFor("127.1"), internal, internal],
    ["zero 0.0.0.0", urlFor("0.0.0.0"), internal, internal],
    ["ext:: transport", `ext::sh -c touch% ${pwned}`, /Only http\(s\).*\(got ext\)/, /Unsupported git URL/],
    ["fd:: transport", "fd::3", /Only http\(s\).*\(got fd\)/, /Unsupported git URL/],
    ["a leading '-' (--upload-pack)", `--upload-pack=touch ${pwned}`, /cannot start with '-'/, /Invalid git URL.*cannot start with '-'/],
    ["a leading '-' (-oProxyCommand)", `-oProxyCommand=touch ${pwned}`, /cannot start with '-'/, /Invalid git URL.*cannot start with '-'/],
    ["file:// while local sources are disabled", "", /Local repositories are disabled/, /Local git sources are disabled/],
    ["credentials in the URL", `http://operator:hunter2@loopback.test:${gitServer.port}/${repoName}`, /credentials/, /credentials/],
  ];

  beforeAll(async () => {
    await setPolicy(strict);
    dns.setScript({
      "loopback.test": { A: [["127.0.0.1"]] },
      "mapped.test": { AAAA: [["::ffff:7f00:1"]] },
      "mixed.test": { A: [[PUBLIC_ADDRESS, "127.0.0.1"]] },
    });
    resetCounters();
  });

  it("each case: 422 with a clear message, no app, nothing reached, no file written", async () => {
    for (const [what, raw, atCreation] of cases()) {
      const gitUrl = raw || repo.fileUrl;
      const res = await createApp(gitUrl);
      expect(res.status, what).toBe(422);
      expect(res.json.error.message, what).toMatch(atCreation);
      expect(res.json.error.fields?.[0]?.path, what).toBe("gitUrl");
    }
    expect(await getDb().app.count()).toBe(0);
    expectNoRequests();
    expect(existsSync(pwned)).toBe(false);
  });

  it("each case: the clone refuses it too, whatever the app row says", async () => {
    for (const [what, raw, , atClone] of cases()) {
      const gitUrl = raw || repo.fileUrl;
      await expect(clone(gitUrl, strict), what).rejects.toThrow(atClone);
    }
    expectNoRequests();
    expect(existsSync(pwned)).toBe(false);
  });

  it("the names above were looked up on the test's DNS server, one resolution per check", () => {
    // Once at creation, once at clone time; the URL with credentials (also loopback.test) is
    // refused before any look-up, and localhost is loopback by definition, never asked.
    expect(dns.count("loopback.test", "A")).toBe(2);
    expect(dns.count("mapped.test", "AAAA")).toBe(2);
    expect(dns.count("localhost")).toBe(0);
  });
});

describe("redirects are not followed", () => {
  const permissive = { allowPrivateGitHosts: true, allowLocalGitSources: false };
  const redirectors: CountingServer[] = [];
  afterAll(async () => {
    await Promise.all(redirectors.map((r) => r.close()));
  });

  // Loopback is allowed here so that the redirecting URL itself passes the check: what is tested
  // is that git does not go where the redirect points (a loopback port), whatever the policy.
  it.each([301, 302, 307, 308])("a %i to a loopback port: refused, and the target sees no request", async (status) => {
    await setPolicy(permissive);
    resetCounters();
    const redirector = await startRedirectServer({ status, location: (p) => `${gitServer.url(repoName)}${p.replace(/^\/r/, "")}` });
    redirectors.push(redirector);
    const gitUrl = `http://127.0.0.1:${redirector.port}/r`;

    const res = await createApp(gitUrl);
    expect(res.status).toBe(422);
    expect(res.json.error.message).toMatch(/Redirects are not followed/);
    await expect(clone(gitUrl, permissive)).rejects.toThrow(/redirects are not followed/);

    expect(redirector.requests.length).toBeGreaterThanOrEqual(2); // the check and the clone asked it
    expectNoRequests();
    expect(await getDb().app.count()).toBe(0);
  });
});

describe("DNS rebinding: public at check time, loopback at clone time", () => {
  const namespace = `slipway-ssrf-${process.pid}`;
  let nsServer: ChildProcess | undefined;
  const nsRequests: string[] = [];

  beforeAll(async () => {
    // A namespace whose only interface is its own loopback, carrying the "public" address: git
    // run inside it reaches 203.0.113.7 there, and has no DNS server it could ask.
    await run("ip", ["netns", "add", namespace]);
    await run("ip", ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"]);
    await run("ip", ["netns", "exec", namespace, "ip", "addr", "add", `${PUBLIC_ADDRESS}/32`, "dev", "lo"]);
    const tsx = path.resolve("node_modules/.bin/tsx");
    const script = path.resolve("tests/integration/git/serve-git.ts");
    nsServer = spawn("ip", ["netns", "exec", namespace, tsx, script, path.dirname(repo.dir), PUBLIC_ADDRESS, String(gitServer.port)], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      let buffered = "";
      nsServer!.once("exit", (code) => reject(new Error(`the namespace's git server exited (${code})`)));
      nsServer!.stdout!.on("data", (b: Buffer) => {
        buffered += b.toString("utf8");
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          if (line.startsWith("listening ")) resolve();
          if (line.startsWith("request ")) nsRequests.push(line.slice("request ".length));
        }
      });
    });
  });

  afterAll(async () => {
    setGitCommandPrefixForTests([]);
    nsServer?.kill("SIGTERM");
    await run("ip", ["netns", "del", namespace]).catch((error: unknown) => console.warn(`removing ${namespace}: ${String(error)}`));
  });

  it("creates the app with git pinned to the checked public address, then refuses the clone", async () => {
    await setPolicy({ allowPrivateGitHosts: false, allowLocalGitSources: false });
    resetCounters();
    dns.setScript({ "rebind.test": { A: [[PUBLIC_ADDRESS], ["127.0.0.1"]] } });
    const gitUrl = urlFor("rebind.test");

    setGitCommandPrefixForTests(["ip", "netns", "exec", namespace]);
    let res;
    try {
      res = await createApp(gitUrl);
    } finally {
      setGitCommandPrefixForTests([]);
    }
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    // git reached 203.0.113.7 — which only exists in the namespace, where no DNS is reachable:
    // it connected to the address the check resolved, without resolving the name itself.
    expect(nsRequests.some((r) => r.includes("git-upload-pack"))).toBe(true);
    expect(dns.count("rebind.test", "A")).toBe(1);

    const stored = await getDb().app.findUniqueOrThrow({ where: { id: res.json.id } });
    await expect(clone(stored.gitUrl, { allowPrivateGitHosts: false, allowLocalGitSources: false })).rejects.toThrow(/loopback, private or metadata address \(127\.0\.0\.1\)/);
    expect(dns.count("rebind.test", "A")).toBe(2);
    expectNoRequests();
    await getDb().app.delete({ where: { id: res.json.id } });
  });
});

describe("an allowed URL is cloned, pinned (positive control)", () => {
  it("resolves once per check and per clone, and git never goes to a second answer", async () => {
    const permissive = { allowPrivateGitHosts: true, allowLocalGitSources: false };
    await setPolicy(permissive);
    resetCounters();
    // Each look-up of pinned.test advances: 127.0.0.1 (the git server), then 127.0.0.2 (the trap).
    dns.setScript({ "pinned.test": { A: [["127.0.0.1"], ["127.0.0.2"]] } });
    const res = await createApp(urlFor("pinned.test"));
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(dns.count("pinned.test", "A")).toBe(1);

    dns.setScript({ "pinned.test": { A: [["127.0.0.1"], ["127.0.0.2"]] } });
    const before = dns.count("pinned.test", "A");
    // By sha: several network steps (fetch, maybe a fallback fetch) share one resolution.
    const sha = await clone(urlFor("pinned.test"), permissive, await repo.head());
    expect(sha).toBe(await repo.head());
    expect(dns.count("pinned.test", "A") - before).toBe(1);
    expect(gitServer.requests.some((r) => r.includes("git-upload-pack"))).toBe(true);
    expect(trap.requests).toEqual([]);
    await getDb().app.delete({ where: { id: res.json.id } });
  });
});

describe("the operator's git set-up does not apply", () => {
  let home: string;
  let marker: string;
  let authServer: GitHttpServer;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (vars: Record<string, string>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      process.env[k] = v;
    }
  };

  beforeAll(async () => {
    authServer = await startGitHttpServer({ root: path.dirname(repo.dir), requireAuth: true });
    home = mkdtempSync(path.join(os.tmpdir(), "slipway-operator-home-"));
    marker = path.join(home, "credential-helper-ran");
    const helper = `!f() { touch ${marker}; echo username=operator; echo password=hunter2; }; f`;
    const config = [
      "[credential]",
      `\thelper = "${helper}"`,
      `[url "http://127.0.0.2:${gitServer.port}/"]`,
      `\tinsteadOf = ${urlFor("pinned.test").replace(repoName, "")}`,
      "",
    ].join("\n");
    writeFileSync(path.join(home, ".gitconfig"), config);
    mkdirSync(path.join(home, ".config", "git"), { recursive: true });
    writeFileSync(path.join(home, ".config", "git", "config"), config);
    // Every place git reads configuration from: HOME, XDG, the global and system files, and the
    // GIT_CONFIG_* environment.
    setEnv({
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, ".config"),
      GIT_CONFIG_GLOBAL: path.join(home, ".gitconfig"),
      GIT_CONFIG_SYSTEM: path.join(home, ".gitconfig"),
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "credential.helper",
      GIT_CONFIG_VALUE_0: helper,
    });
    await setPolicy({ allowPrivateGitHosts: true, allowLocalGitSources: false });
    dns.setScript({ "pinned.test": { A: [["127.0.0.1"]] } });
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await authServer?.close();
  });

  it("a plain git in this environment would use the helper and the rewrite (the set-up is effective)", async () => {
    resetCounters();
    await run("git", ["ls-remote", "--", authServer.url(repoName)]).catch(() => undefined);
    expect(existsSync(marker)).toBe(true);
    expect(authServer.authorizations.length).toBeGreaterThan(0);
    await run("git", ["-c", `http.curloptResolve=pinned.test:${gitServer.port}:127.0.0.1`, "ls-remote", "--", urlFor("pinned.test")]).catch(() => undefined);
    expect(trap.requests.length).toBeGreaterThan(0);
    rmSync(marker);
    authServer.authorizations.length = 0;
    resetCounters();
  });

  it("the check and the clone use no credential helper", async () => {
    const res = await createApp(authServer.url(repoName));
    expect(res.status).toBe(422);
    expect(res.json.error.message).toMatch(/cannot be read/);
    await expect(clone(authServer.url(repoName), { allowPrivateGitHosts: true, allowLocalGitSources: false })).rejects.toThrow(/git clone failed/);
    expect(authServer.requests.length).toBeGreaterThanOrEqual(2);
    expect(authServer.authorizations).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("the check and the clone apply no url.insteadOf rewrite", async () => {
    const res = await createApp(urlFor("pinned.test"));
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    await expect(clone(urlFor("pinned.test"), { allowPrivateGitHosts: true, allowLocalGitSources: false })).resolves.toBe(await repo.head());
    expect(trap.requests).toEqual([]);
    expect(gitServer.requests.length).toBeGreaterThan(0);
    expect(existsSync(marker)).toBe(false);
  });
});
