import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { classifyGitUrl, cloneRepo, validateGitRef } from "@/server/pipeline/git-source";
import { gitEnvironment, gitHardeningArgs, resolveGitTarget } from "@/server/pipeline/git-runner";
import { resolveDockerfile } from "@/server/pipeline/build-context";
import { redactLine } from "@/server/pipeline/log-sink";

describe("classifyGitUrl", () => {
  it("accepts http(s) as remote and absolute paths or file:// as local", () => {
    expect(classifyGitUrl("https://git.example.com/a/b.git")).toEqual({ kind: "remote", url: "https://git.example.com/a/b.git" });
    expect(classifyGitUrl("/srv/repos/app")).toEqual({ kind: "local", url: "file:///srv/repos/app" });
    expect(classifyGitUrl("file:///srv/repos/app")).toEqual({ kind: "local", url: "file:///srv/repos/app" });
  });

  it("refuses option injection and other transports", () => {
    for (const u of ["--upload-pack=touch /tmp/pwned", "-c core.sshCommand=x", "ext::sh -c touch% /tmp/x", "ssh://git@host/repo", "git@host:repo.git", "relative/path", "https://exa mple.com/x"]) {
      expect(() => classifyGitUrl(u), u).toThrow();
    }
  });
});

describe("validateGitRef", () => {
  it("accepts branches, tags and shas", () => {
    for (const r of ["main", "feature/x-1", "v1.2.3", "0123456789abcdef0123456789abcdef01234567"]) expect(validateGitRef(r)).toBe(r);
  });
  it("refuses refs that could be options or escape", () => {
    for (const r of ["-b", "--upload-pack=x", "a..b", "a b", "x/", "x.lock", ""]) expect(() => validateGitRef(r), r).toThrow();
  });
});

describe("resolveDockerfile", () => {
  const repo = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-ctx-"));
    writeFileSync(path.join(dir, "Dockerfile"), "FROM x\n");
    mkdirSync(path.join(dir, "docker"));
    writeFileSync(path.join(dir, "docker", "web.Dockerfile"), "FROM x\n");
    return dir;
  };

  it("returns a repo-relative path", () => {
    const dir = repo();
    expect(resolveDockerfile(dir, "Dockerfile")).toBe("Dockerfile");
    expect(resolveDockerfile(dir, "./docker/web.Dockerfile")).toBe("docker/web.Dockerfile");
  });

  it("rejects paths and symlinks that escape the repository, and missing files", () => {
    const dir = repo();
    symlinkSync("/etc/passwd", path.join(dir, "evil"));
    expect(() => resolveDockerfile(dir, "../../etc/passwd")).toThrow(/outside the repository/);
    expect(() => resolveDockerfile(dir, "/etc/passwd")).toThrow(/relative/);
    expect(() => resolveDockerfile(dir, "evil")).toThrow(/outside the repository/);
    expect(() => resolveDockerfile(dir, "nope/Dockerfile")).toThrow(/No Dockerfile/);
    expect(() => resolveDockerfile(dir, "docker")).toThrow(/not a file/);
  });
});

describe("redactLine", () => {
  it("hides credentials in URLs", () => {
    expect(redactLine("cloning https://user:s3cret@git.example.com/x.git")).toBe("cloning https://***@git.example.com/x.git");
  });
});

describe("the clone's own host check", () => {
  const noPrivate = { allowLocalGitSources: true, allowPrivateGitHosts: false };
  it.each([
    "http://127.0.0.1/x.git", "http://localhost:3000/x.git", "http://app.localhost/x.git", "http://[::1]/x.git", "http://169.254.169.254/latest",
    "http://10.0.0.7/r.git", "http://2130706433/r.git", "http://0x7f.1/r.git", "http://[::ffff:7f00:1]/r.git",
  ])("refuses %s at build time, before git runs", async (url) => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "slipway-clone-")), "out");
    await expect(cloneRepo({ source: { kind: "remote", url }, policy: noPrivate, ref: "main", dir, onLine: () => {} })).rejects.toThrow(/loopback, private or metadata/);
  });

  it("refuses a local repository when local sources are disabled", async () => {
    await expect(
      cloneRepo({ source: { kind: "local", url: "file:///srv/x" }, policy: { allowLocalGitSources: false, allowPrivateGitHosts: true }, ref: "main", dir: "/tmp/x", onLine: () => {} }),
    ).rejects.toThrow(/Local git sources are disabled/);
  });
});

describe("the hardened git invocation", () => {
  it("inherits nothing of the operator's environment but PATH", () => {
    process.env.GIT_SSH_COMMAND = "touch /tmp/pwned";
    process.env.HTTPS_PROXY = "http://proxy.invalid:3128";
    process.env.SSH_AUTH_SOCK = "/tmp/agent.sock";
    try {
      const env = gitEnvironment("/tmp/empty-home", "https");
      expect(Object.keys(env).filter((k) => /PROXY|^SSH_AUTH|GIT_SSH/i.test(k))).toEqual([]);
      expect(env).toMatchObject({ HOME: "/tmp/empty-home", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", GIT_ALLOW_PROTOCOL: "https" });
    } finally {
      delete process.env.GIT_SSH_COMMAND;
      delete process.env.HTTPS_PROXY;
      delete process.env.SSH_AUTH_SOCK;
    }
  });

  it("pins a named host to its checked addresses and allows only the URL's own transport", async () => {
    const args = gitHardeningArgs({ kind: "remote", url: "https://git.example.com:8443/a.git", addresses: ["203.0.113.7", "2001:db8::7"], pin: "git.example.com:8443:203.0.113.7,[2001:db8::7]" });
    const settings = args.filter((a) => a !== "-c");
    expect(settings).toEqual(
      expect.arrayContaining([
        "protocol.allow=never",
        "protocol.https.allow=always",
        "http.followRedirects=false",
        "credential.helper=",
        "core.hooksPath=/dev/null",
        "core.fsmonitor=false",
        "http.curloptResolve=git.example.com:8443:203.0.113.7,[2001:db8::7]",
      ]),
    );
    expect(settings.some((a) => a.startsWith("protocol.http.allow") || a.startsWith("protocol.file.allow") || a.startsWith("protocol.ext"))).toBe(false);
    // An IP literal needs no pin: curl does not resolve it.
    const literal = await resolveGitTarget("http://203.0.113.7:8080/a.git", { allowLocalGitSources: false, allowPrivateGitHosts: false });
    expect(literal).toEqual({ kind: "remote", url: "http://203.0.113.7:8080/a.git", addresses: ["203.0.113.7"], pin: undefined });
  });

  it.each([
    ["ext::sh -c touch% /tmp/pwned", /Only http\(s\).*got ext/],
    ["fd::17", /Only http\(s\).*got fd/],
    ["ssh://git@example.com/x.git", /Only http\(s\).*got ssh/],
    ["git@example.com:x.git", /Enter an http\(s\) URL/],
    ["--upload-pack=touch /tmp/pwned", /cannot start with '-'/],
    ["-oProxyCommand=touch /tmp/pwned", /cannot start with '-'/],
    ["https://user:pw@example.com/x.git", /credentials/],
    ["https://token@example.com/x.git", /credentials/],
    ["http://exa\nmple.com/x.git", /spaces or control characters/],
    ["http://example.com./x.git", /trailing dot/],
    ["file:///srv/x.git", /Local repositories are disabled/],
  ])("refuses %j before any network look-up", async (raw, message) => {
    await expect(resolveGitTarget(raw, { allowLocalGitSources: false, allowPrivateGitHosts: false })).rejects.toThrow(message);
  });
});
