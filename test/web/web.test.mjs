// The "web" runtime of test/run-all.mjs: drives web/index.html in headless Chromium as a user would — trains on
// the built-in data with tiny epochs, moves the radius slider, stops a run, downloads the model and predicts with
// the CLI, drops a bad file — and reports { output, total, passed } in the form run-all counts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTable, SAE_DEFAULTS } from "../../dist/index.js";
import { findChromium, NO_CHROMIUM } from "../browser/run.mjs";
import { decodePageChecks } from "./decode.mjs";
import { exploreChecks } from "./explore.mjs";
import { openPage, train } from "./page.mjs";

const root = new URL("../../", import.meta.url).pathname;
const text = (page, id) => page.$eval(`#${id}`, (e) => e.textContent);
const keptCount = async (page) => Number(/^(\d+) of/.exec(await text(page, "kept-count"))?.[1]);
const MAPPING = ["preview", "label-column", "id-column", "ignore-columns", "impute"];
const DATA_CONTROLS = ["samples", "features", "informative", "generate", "file-input", ...MAPPING];
// "file": after a file was chosen, its column mapping is among the data controls.
const SHOWN = { builtin: [], synthetic: DATA_CONTROLS.slice(0, 4), file: ["file-input", ...MAPPING] };

/** What a user has of the data controls: those visible, and those Tab reaches between the data choice and the form. */
async function dataControls(page) {
  const visible = [];
  for (const id of DATA_CONTROLS) if (await page.isVisible(`#${id}`)) visible.push(id);
  await page.focus('input[name="source"]:checked');
  const tabbed = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.id);
    if (id === "projection") break;
    tabbed.push(id);
  }
  return { visible: visible.join(","), tabbed: tabbed.join(",") };
}

/** Selects a data source and waits until its data (or, for "file", the prompt for a file) is shown. */
async function chooseSource(page, source) {
  await page.check(`input[name="source"][value="${source}"]`);
  if (source !== "file")
    await page.waitForFunction(() => /samples ×/.test(document.getElementById("data-summary").textContent));
}

export async function runWebTests() {
  if (!findChromium()) return { skip: NO_CHROMIUM };
  const lines = [];
  let total = 0,
    passed = 0;
  const check = (name, ok, detail = "") => {
    total += 1;
    if (ok) passed += 1;
    lines.push(`${ok ? "✔" : "✘"} ${name}${detail ? `: ${detail}` : ""}`);
    // WEB_TEST_VERBOSE=1: each check as it is made (run-all prints them all at the end).
    if (process.env.WEB_TEST_VERBOSE) console.error(lines.at(-1));
  };
  const { page, errors, close } = await openPage();
  const scratch = mkdtempSync(join(tmpdir(), "sparseproj-web-"));
  try {
    check(
      "the built-in data set loads",
      /271 samples × 162 features/.test(await text(page, "data-summary")),
      await text(page, "data-summary"),
    );
    const builtin = await dataControls(page);
    check(
      "with the built-in data, no synthetic or file control is visible or reached by Tab",
      builtin.visible === "" && builtin.tabbed === "",
      JSON.stringify(builtin),
    );
    const form = await page.$eval("#settings", (f) => Object.fromEntries([...f.elements].map((e) => [e.id, e.value])));
    const { epochs, folds, hidden } = SAE_DEFAULTS;
    const defaults = { epochs1: epochs, epochs2: epochs, folds, hidden: hidden[0] };
    const differ = Object.entries(defaults).filter(([id, value]) => form[id] !== String(value));
    const found = JSON.stringify(differ.map(([id]) => [id, form[id]]));
    check("the form starts at the library's defaults (SAE_DEFAULTS)", !differ.length, found);
    const threads = await text(page, "threads");
    check(
      "the page says whether threads are on and that it is cross-origin isolated",
      /^Threads (on|off)/.test(threads) && /Cross-origin isolated/.test(threads),
      threads,
    );

    await train(page);
    const cv = await text(page, "cv-summary");
    check("training shows the cross-validated accuracy", /mean \d+(\.\d)?%/.test(cv), cv);
    check(
      "training shows one accuracy per fold",
      (await page.$$("#fold-chart svg")).length === 1 &&
        /fold 1.*fold 2/.test(await page.$eval("#fold-chart svg", (s) => s.getAttribute("aria-label"))),
    );
    check("the latent space is drawn", (await page.$$("#latent-chart svg")).length >= 1);
    check("the ranked features are listed", (await page.$$("#features-table tbody tr")).length > 0);

    const trained = await keptCount(page);
    await page.focus("#eta");
    await page.keyboard.press("Home");
    const tight = await keptCount(page);
    await page.keyboard.press("End");
    const loose = await keptCount(page);
    check(
      "moving the radius slider changes the count of surviving features",
      tight < trained && trained < loose,
      `${tight} < ${trained} < ${loose}`,
    );
    check("at the layer's own norm the projection keeps every feature", loose === 162, String(loose));
    const labels = [];
    for (const position of [0, 1, 10, 333, 500, 667, 999, 1000]) {
      await page.$eval(
        "#eta",
        (slider, value) => {
          slider.value = String(value);
          slider.dispatchEvent(new Event("input"));
        },
        position,
      );
      const label = await text(page, "eta-value");
      const share = Number(/^[\d.]+ \(([\d.]+)% of ‖W‖ = [\d.]+\)$/.exec(label)?.[1]);
      const expected = 100 * 10 ** (-3 + (3 * position) / 1000);
      if (!(Math.abs(share - expected) <= 0.05 * expected)) labels.push(`${position}: ${label}`);
    }
    check(
      "the slider's label gives plain numbers and the right percentage at every position",
      !labels.length,
      labels.join("; "),
    );
    const timing = await text(page, "kept-detail");
    check("the page times each re-projection", /in \d+\.\d+ ms/.test(timing), timing);
    lines.push(`  (${timing})`);

    const model = join(scratch, "model.json");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-model")]);
    await download.saveAs(model);
    const predicted = JSON.parse(
      execFileSync("node", [`${root}dist/cli.js`, "predict", model, `${root}data/GC_Breast_D_MB.csv`, "--json"], {
        encoding: "utf8",
      }),
    );
    check(
      "the downloaded model loads in `sparseproj predict`",
      predicted.samples === 271 && predicted.accuracy > 0.6,
      `accuracy ${predicted.accuracy}`,
    );

    await page.fill("#radius", "0");
    await page.click("#train");
    const refusal = {
      error: await text(page, "train-error"),
      validation: await page.$eval("#radius", (input) => input.validationMessage),
      status: await text(page, "status"),
    };
    await page.waitForFunction(() => document.getElementById("status").textContent === "Done.");
    check(
      "radius 0 is refused in the form, saying why, and nothing trains",
      /greater than 0/.test(refusal.error) && refusal.validation === refusal.error && refusal.status === "Done.",
      JSON.stringify(refusal),
    );
    await page.fill("#radius", "0.000001");
    await train(page);
    const below = { label: await text(page, "eta-value"), count: await keptCount(page) };
    const modelKept = Number(/phase 2 kept (\d+) features/.exec(await text(page, "latent-note"))?.[1]);
    check(
      "below the slider's range, the count is the trained radius's own",
      below.label.startsWith("0.000001 (") && below.count === modelKept,
      `${JSON.stringify(below)}, the model kept ${modelKept}`,
    );
    await page.fill("#radius", "0.5");

    await page.fill("#epochs1", "400");
    await page.click("#train");
    await page.waitForFunction(() => /fold \d+ of/.test(document.getElementById("status").textContent));
    await page.click("#stop");
    await page.waitForFunction(() => /^Stopped/.test(document.getElementById("status").textContent));
    check(
      "Stop stops a cross-validation through its signal",
      (await text(page, "status")) === "Stopped." && !(await page.$eval("#train", (b) => b.disabled)),
      await text(page, "status"),
    );

    const stale = /trained on \d+ samples/;
    const latent = async () => ({
      note: await text(page, "latent-note"),
      charts: (await page.$$("#latent-chart svg")).length,
    });
    const stopped = await latent();
    check(
      "after Stop, section 4 describes a model exactly when one is drawn",
      stale.test(stopped.note) === stopped.charts > 0,
      JSON.stringify(stopped),
    );
    await train(page);
    const trainedNote = await latent();
    check("after training, section 4 describes the model shown", stale.test(trainedNote.note), trainedNote.note);
    await chooseSource(page, "synthetic");
    const changed = await latent();
    check(
      "new data clears the latent space and its note",
      !stale.test(changed.note) && changed.charts === 0,
      JSON.stringify(changed),
    );

    const bad = "a,b,label\n1,2,0\n2,3\n";
    const expected = (() => {
      try {
        parseTable(bad, { file: "bad.csv" });
      } catch (error) {
        return error.message;
      }
    })();
    await page.check('input[name="source"][value="file"]');
    const transfer = await page.evaluateHandle((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], "bad.csv", { type: "text/csv" }));
      return data;
    }, bad);
    await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
    await page.waitForFunction(() => document.getElementById("data-error").textContent !== "");
    const shown = await text(page, "data-error");
    check("a bad dropped file shows the DataError message", shown.startsWith(expected), shown);
    for (const source of ["file", "synthetic", "builtin"]) {
      await chooseSource(page, source);
      const seen = await dataControls(page);
      const expected = SHOWN[source].join(",");
      check(
        `with the ${source} data choice, exactly its controls are visible and reached by Tab`,
        seen.visible === expected && seen.tabbed === expected,
        JSON.stringify(seen),
      );
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await train(page, { folds: 10 });
    await page.waitForFunction(() =>
      /fold 10 /.test(document.querySelector("#fold-chart svg")?.getAttribute("aria-label") ?? ""),
    );
    const boxes = await page.$$eval("#fold-chart svg text", (texts) =>
      texts
        .filter((t) => /fold|kept/.test(t.textContent))
        .map((t) => {
          const { left, right, top, bottom } = t.getBoundingClientRect();
          return { text: t.textContent, left, right, top, bottom };
        }),
    );
    const overlaps = [];
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          overlaps.push(`"${a.text}" × "${b.text}"`);
    check(
      "on a phone (390 × 844) no two labels of the 10 fold bars overlap",
      boxes.length >= 20 && !overlaps.length,
      `${boxes.length} labels; ${overlaps.slice(0, 4).join(", ")}`,
    );
    await chooseSource(page, "file");
    const unloaded = {
      train: await page.$eval("#train", (b) => b.disabled),
      summary: await text(page, "data-summary"),
      status: await text(page, "status"),
      cv: await text(page, "cv-summary"),
    };
    check(
      "choosing “Your own file” unloads the data shown, disables Train and says to load a file",
      unloaded.train && /no data loaded.*(drop|choose)/i.test(unloaded.summary) && unloaded.cv === "",
      JSON.stringify(unloaded),
    );
    const summaryBefore = await text(page, "data-summary");
    const outside = await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["a,label\n1,0\n2,1\n"], "elsewhere.csv", { type: "text/csv" }));
      const target = document.querySelector("h1");
      const send = (type) =>
        !target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      return { dragover: send("dragover"), drop: send("drop") };
    });
    const after = await text(page, "data-summary");
    check(
      "a file dropped outside the drop zone is refused by the page (no navigation) and loads nothing",
      outside.dragover &&
        outside.drop &&
        after === summaryBefore &&
        new URL(page.url()).pathname.endsWith("/index.html"),
      `${JSON.stringify(outside)}, ${after}`,
    );
    check("no uncaught error in the page", errors.length === 0, errors.join("\n"));
  } finally {
    await close();
  }
  try {
    await exploreChecks(check, scratch);
    await decodePageChecks(check, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { output: `${lines.join("\n")}\n`, total, passed };
}
