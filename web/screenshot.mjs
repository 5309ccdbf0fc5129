// Writes web/screenshot.png for the README: the page after training on the built-in data, from the training
// charts down to the heat-maps, in headless Chromium (`node web/screenshot.mjs`, after `npm run build`).
import { openPage, train } from "../test/web/page.mjs";

const { page, close } = await openPage({ viewport: { width: 1000, height: 800 } });
try {
  await train(page, { epochs: [30, 30], folds: 4 });
  await page.evaluate(() => document.getElementById("eta").scrollIntoView());
  const top = await page.$eval("#train-title", (e) => e.getBoundingClientRect().top + window.scrollY);
  const bottom = await page.$eval("#heatmap-legend", (e) => e.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({
    path: new URL("screenshot.png", import.meta.url).pathname,
    fullPage: true,
    clip: { x: 0, y: top - 8, width: 1000, height: bottom - top + 12 },
  });
} finally {
  await close();
}
