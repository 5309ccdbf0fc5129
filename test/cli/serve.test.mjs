// The static file server of `npm run web` and the browser tests (test/browser/server.mjs), attacked with raw
// requests on 127.0.0.1: malformed URLs, encoded and double-encoded dots, symbolic links out of the root. Run by
// `node test/run-all.mjs cli` (Node only).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../browser/server.mjs";

const dir = mkdtempSync(join(tmpdir(), "sparseproj-serve-"));
const root = join(dir, "root");
const SECRET = "secret outside the root";
mkdirSync(join(root, "sub"), { recursive: true });
mkdirSync(join(dir, "outside"));
writeFileSync(join(root, "index.html"), "<p>home</p>");
writeFileSync(join(root, "app.js"), "export {};");
writeFileSync(join(root, "sub", "index.html"), "<p>sub</p>");
writeFileSync(join(root, "%2e%2e"), "a file named %2e%2e");
writeFileSync(join(dir, "secret.txt"), SECRET);
writeFileSync(join(dir, "outside", "secret.txt"), SECRET);
symlinkSync(join(dir, "secret.txt"), join(root, "link-out.txt"));
symlinkSync(join(dir, "outside"), join(root, "dir-out"));
symlinkSync(join(root, "app.js"), join(root, "link-in.js"));

let server, plain;
test.before(async () => {
  server = await serve(root, { isolated: true, port: 0 });
  plain = await serve(root, { isolated: false, port: 0 });
});
test.after(async () => {
  await server.close();
  await plain.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `target` exactly as written (no client-side normalisation); resolves to { status, headers, body }. */
function request(target, { method = "GET", base = server.url } = {}) {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head.split("\r\n");
      const fields = lines.map((line) => line.split(/:\s*(.*)/s, 2));
      const headers = Object.fromEntries(fields.map(([name, value]) => [name.toLowerCase(), value]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

test("/ serves index.html; files have their type and nosniff; isolated pages get COOP/COEP", async () => {
  const home = await request("/");
  assert.is(home.status, 200);
  assert.is(home.body, "<p>home</p>");
  assert.match(home.headers["content-type"], /^text\/html/);
  assert.is(home.headers["x-content-type-options"], "nosniff");
  assert.is(home.headers["cross-origin-opener-policy"], "same-origin");
  assert.is(home.headers["cross-origin-embedder-policy"], "require-corp");
  assert.is((await request("/sub/")).body, "<p>sub</p>");
  const js = await request("/app.js");
  assert.is(js.status, 200);
  assert.match(js.headers["content-type"], /^text\/javascript/);
  const open = await request("/index.html", { base: plain.url });
  assert.is(open.status, 200);
  assert.is(open.headers["cross-origin-opener-policy"], undefined);
  assert.is(open.headers["x-content-type-options"], "nosniff");
});

test("a malformed URL is a 400 and the server keeps serving", async () => {
  for (const target of ["/%", "/%c0%ae%c0%ae/etc/passwd", "/%E0%A4%A", "/a%00b"]) {
    const r = await request(target);
    assert.is(r.status, 400, target);
    assert.is(r.headers["x-content-type-options"], "nosniff", target);
  }
  assert.is((await request("/index.html")).status, 200);
});

test("no path leaves the root: dots, encoded, double-encoded, backslashes", async () => {
  const targets = [
    "/../secret.txt",
    "/sub/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/sub/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/..%5csecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    `/${"%2e%2e/".repeat(8)}secret.txt`,
    `/..${encodeURIComponent(join(dir, "secret.txt"))}`,
    encodeURIComponent(join(dir, "secret.txt")),
    `http://127.0.0.1/../secret.txt`,
  ];
  for (const target of targets) {
    const r = await request(target);
    assert.ok([400, 403, 404].includes(r.status), `${target}: ${r.status}`);
    assert.not.ok(r.body.includes(SECRET), target);
  }
  const named = await request("/%252e%252e");
  assert.is(named.body, "a file named %2e%2e", "double encoding decodes once, to a name inside the root");
});

test("symbolic links are followed only while they stay inside the root", async () => {
  assert.is((await request("/link-in.js")).status, 200);
  for (const target of ["/link-out.txt", "/dir-out/secret.txt"]) {
    const r = await request(target);
    assert.is(r.status, 404, target);
    assert.not.ok(r.body.includes(SECRET), target);
  }
});

test("HEAD has the headers and no body; other methods are refused", async () => {
  const head = await request("/app.js", { method: "HEAD" });
  assert.is(head.status, 200);
  assert.is(head.body, "");
  assert.is(head.headers["content-length"], "10");
  const post = await request("/app.js", { method: "POST" });
  assert.is(post.status, 405);
  assert.is(post.headers.allow, "GET, HEAD");
});

test.run();
