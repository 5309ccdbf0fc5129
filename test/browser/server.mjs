// A static file server on 127.0.0.1 (random port) for browser tests and `npm run web`. `isolated` adds COOP/COEP,
// which make the page cross-origin isolated (SharedArrayBuffer, shared WebAssembly memory); without it, the page is
// an ordinary one, as on hosts that can't set those headers. No static server is among the dependencies, so this
// one is kept small and strict: it answers every request (a malformed URL is a 400, never a crash), serves only
// regular files whose real path (symbolic links followed) is inside the root, and marks every response nosniff.
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".css": "text/css; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * The path under `base` (a real path) that a request's URL names, or a status: 400 for a URL that does not decode
 * (bad percent-encoding, invalid UTF-8, a NUL), 404 for one that names nothing inside the root. The WHATWG URL parser
 * has already removed "." and ".." segments, including percent-encoded ones; what decodes to a separator or a dot
 * segment afterwards ("..%2f", "%5c") is refused rather than resolved.
 */
async function fileOf(base, url) {
  let segments;
  try {
    segments = new URL(url, "http://localhost").pathname.split("/").map(decodeURIComponent);
  } catch {
    return 400;
  }
  if (segments.some((s) => s.includes("\0"))) return 400;
  if (segments.some((s) => s === "." || s === ".." || s.includes("/") || s.includes("\\"))) return 404;
  let path = resolve(base, ...segments.filter(Boolean));
  if (segments.at(-1) === "") path = join(path, "index.html");
  // Symbolic links are followed, then the result must still be inside the root.
  const real = await realpath(path).catch(() => null);
  return real?.startsWith(base + sep) ? real : 404;
}

/** Serves files under `root` (on `port`, or a free one); resolves to `{ url, close }` once listening. */
export async function serve(root, { isolated = true, port = 0 } = {}) {
  const base = await realpath(resolve(root));
  const respond = async (req, res) => {
    const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...(isolated && ISOLATION) };
    const fail = (status, extra = {}) => {
      res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8", ...extra }).end(`${status}\n`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, { Allow: "GET, HEAD" });
    const path = await fileOf(base, req.url);
    if (typeof path === "number") return fail(path);
    // O_NOFOLLOW: the real path was checked; a link swapped in since then is not followed.
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    const info = await file?.stat().catch(() => null);
    if (!info?.isFile()) {
      await file?.close();
      return fail(404);
    }
    const type = TYPES[extname(path)] ?? "application/octet-stream";
    res.writeHead(200, { ...headers, "Content-Type": type, "Content-Length": info.size });
    if (req.method === "HEAD") {
      await file.close();
      return res.end();
    }
    // pipeline closes the file when the client goes away mid-response.
    pipeline(file.createReadStream(), res, () => {});
  };
  // Whatever goes wrong with one request ends that response, never the process.
  const server = createServer((req, res) => respond(req, res).catch(() => res.destroy()));
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
