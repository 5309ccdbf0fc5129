// A static file server on 127.0.0.1 (random port) for browser tests. `isolated` adds COOP/COEP, which make
// the page cross-origin isolated (SharedArrayBuffer, shared WebAssembly memory); without it, the page is
// an ordinary one, as on hosts that can't set those headers.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, resolve, sep } from "node:path";

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
};

const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Serves files under `root` (on `port`, or a free one); resolves to `{ url, close }` once listening. */
export async function serve(root, { isolated = true, port = 0 } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = resolve(base, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    const headers = { "Cache-Control": "no-store", ...(isolated ? ISOLATION_HEADERS : {}) };
    const info = path === base || path.startsWith(base + sep) ? await stat(path).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
    createReadStream(path).pipe(res);
  });
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
