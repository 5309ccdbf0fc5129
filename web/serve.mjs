// `npm run web`: bundles the page and serves web/ on http://127.0.0.1:8080 (PORT to change) with the COOP/COEP
// headers that make it cross-origin isolated. `--no-isolation` serves it as a host without those headers would.
// The server is test/browser/server.mjs, the browser tests' own (see there why it is not a package).
import { serve } from "../test/browser/server.mjs";
import { buildWeb } from "./build.mjs";

await buildWeb();
const isolated = !process.argv.includes("--no-isolation");
const server = await serve(new URL(".", import.meta.url).pathname, {
  isolated,
  port: Number(process.env.PORT ?? 8080),
});
console.log(
  "sparseproj in the browser: " +
    `${server.url}/ (${isolated ? "cross-origin isolated" : "without COOP/COEP"}); Ctrl-C to stop`,
);
