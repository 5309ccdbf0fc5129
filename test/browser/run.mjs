// Opens a page of this repository in headless Chromium (Debian's, or CHROMIUM_PATH) driven by
// playwright-core, and collects its console output until the page says it is done.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";
import { HANG_LIMIT_MS, hangMessage } from "../runtimes.mjs";

const root = new URL("../../", import.meta.url).pathname;

export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const NO_CHROMIUM = "no Chromium at /usr/bin/chromium or CHROMIUM_PATH";

/** The Chromium to drive, or undefined when there is none (NO_CHROMIUM says why). */
export function findChromium() {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return existsSync(path) ? path : undefined;
}

/**
 * Loads `page` (a path under the repository root) and resolves to its console output once `done(output)`
 * holds, or rejects after `timeout` ms or on an uncaught page error. `isolated` serves it with COOP/COEP.
 */
export async function runPage(page, { done, timeout = HANG_LIMIT_MS, isolated = true }) {
  const server = await serve(root, { isolated });
  // launch() gives the browser a new, empty user-data-dir and removes it on close.
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ARGS, timeout });
  try {
    const tab = await browser.newPage();
    const lines = [];
    const finished = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${hangMessage(page)}; output so far:\n${lines.join("\n")}`)),
        timeout,
      );
      const settle = (fn, value) => (clearTimeout(timer), fn(value));
      tab.on("console", (message) => {
        lines.push(message.text());
        if (done(lines.join("\n"))) settle(resolve, lines.join("\n"));
      });
      tab.on("pageerror", (error) =>
        settle(reject, new Error(`uncaught in page: ${error.stack ?? error}\n${lines.join("\n")}`)),
      );
    });
    await tab.goto(`${server.url}/${page}`);
    return await finished;
  } finally {
    await browser.close();
    await server.close();
  }
}
