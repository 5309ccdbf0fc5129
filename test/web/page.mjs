// Opens the web page (web/index.html, bundled by web/build.mjs) in headless Chromium, served from web/ with or
// without COOP/COEP, for the "web" test runtime and web/screenshot.mjs.
import { chromium } from "playwright-core";
import { ARGS, findChromium } from "../browser/run.mjs";
import { serve } from "../browser/server.mjs";
import { HANG_LIMIT_MS } from "../runtimes.mjs";
import { buildWeb } from "../../web/build.mjs";

const webRoot = new URL("../../web/", import.meta.url).pathname;

/**
 * Resolves to { page, errors, close, url } once the page has loaded its data set (the built-in one unless `hash`,
 * settings as a shared link writes them, chooses another).
 */
export async function openPage({ isolated = true, viewport = { width: 1200, height: 900 }, hash = "" } = {}) {
  await buildWeb();
  const server = await serve(webRoot, { isolated });
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ARGS });
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    // Every wait and action may take as long as a busy machine needs; only a hang ends it.
    page.setDefaultTimeout(HANG_LIMIT_MS);
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error.stack ?? error)));
    await page.goto(`${server.url}/index.html${hash}`);
    await page.waitForFunction(() => /samples ×/.test(document.getElementById("data-summary").textContent));
    return { page, errors, close, url: `${server.url}/index.html` };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Sets the training form and starts training; resolves when the cross-validation's summary is shown. The radius is
 * left as it is unless given.
 */
export async function train(page, { epochs = [3, 2], folds = 2, seeds = 1, radius } = {}) {
  await page.fill("#epochs1", String(epochs[0]));
  await page.fill("#epochs2", String(epochs[1]));
  await page.fill("#folds", String(folds));
  await page.fill("#seeds", String(seeds));
  if (radius !== undefined) await page.fill("#radius", String(radius));
  await page.click("#train");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Done.");
}
