import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertPublicGitHost, classifyGitUrl, validateGitRef } from "@/server/pipeline/git-source";
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

describe("assertPublicGitHost", () => {
  it.each(["http://127.0.0.1/x.git", "http://localhost:3000/x.git", "http://[::1]/x.git", "http://169.254.169.254/latest", "http://10.0.0.7/r.git"])(
    "refuses %s at build time",
    async (url) => {
      await expect(assertPublicGitHost(url)).rejects.toThrow(/loopback, private or metadata/);
    },
  );
});
