// Writes the guide's screenshots in headless Chromium (`node web/screenshot.mjs`, after `npm run build`):
// docs/web/mapping.png, the column mapping of a lab's table (an id column, annotation columns, a class column
// called Group, missing cells filled by the median), and docs/web/explored.png, the result explored: the latent
// plot with a sample's tooltip, the selected features and one feature's values by class.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labTable } from "../test/web/explore.mjs";
import { openPage, train } from "../test/web/page.mjs";

const out = new URL("../docs/web/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), "sparseproj-screenshot-"));
const { page, close } = await openPage({ viewport: { width: 1000, height: 900 } });
/** A screenshot of the page from the top of `from` to the bottom of `to`. */
async function shoot(name, from, to) {
  const top = await page.$eval(from, (e) => e.getBoundingClientRect().top + window.scrollY);
  const bottom = await page.$eval(to, (e) => e.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({
    path: `${out}${name}`,
    fullPage: true,
    clip: { x: 0, y: top - 8, width: 1000, height: bottom - top + 16 },
  });
}
try {
  const file = join(scratch, "lab-export.csv");
  writeFileSync(
    file,
    labTable(162, [
      [0, 0],
      [5, 0],
      [9, 3],
      [40, 7],
      [41, 7],
      [100, 20],
      [200, 29],
    ]),
  );
  await page.check('input[name="source"][value="file"]');
  await page.setInputFiles("#file-input", file);
  await page.waitForFunction(() => !document.getElementById("mapping").hidden);
  await page.selectOption("#impute", "median");
  await page.waitForFunction(() => /filled by median/.test(document.getElementById("data-summary").textContent));
  await page.mouse.move(0, 0);
  await shoot("mapping.png", "#data-title", "#data-summary");

  await train(page, { epochs: [30, 30], folds: 4, seeds: 1, radius: "auto" });
  await page.click("#features-table button.feature");
  await page.waitForSelector("#feature-chart svg");
  // A viewport as tall as the page, so that the screenshot does not resize it (which redraws the charts and
  // drops the tooltip).
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1000, height });
  await page.waitForTimeout(1000);
  // A held-out sample (the second dot mark) near the middle of its class.
  const dot = await page.$$eval('#latent-chart svg g[aria-label="dot"]', (marks) => {
    const circles = [...marks[1].querySelectorAll("circle")];
    const { x, y, width, height } = circles[Math.floor(circles.length / 2)].getBoundingClientRect();
    return { x: x + width / 2, y: y + height / 2 };
  });
  await page.mouse.move(dot.x, dot.y);
  await page.waitForSelector('#latent-chart g[aria-label="tip"]');
  await shoot("explored.png", "#latent-title", "#feature-detail");
} finally {
  await close();
  rmSync(scratch, { recursive: true, force: true });
}
