// The web page for a biologist with their own file (issue 22): the column mapping with its preview and missing
// values, the auto radius and "retrain at this radius", the tooltips and a feature's values by class, the sweep's
// bands, predictions in the page against `sparseproj predict`, and a shared link. Driven in headless Chromium as a
// user would (what is visible, what the pointer shows), each check reported through `check` as web.test.mjs does.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { csvFormatRows, csvParseRows } from "d3-dsv";
import { init, loadSAE, parseTable, SAE_COMMAND_DEFAULTS, SAE_DEFAULTS } from "../../dist/index.js";
import { openPage, train } from "./page.mjs";

const root = new URL("../../", import.meta.url).pathname;
const text = (page, id) => page.$eval(`#${id}`, (e) => e.textContent);
const cli = (...args) => execFileSync("node", [`${root}dist/cli.js`, ...args], { encoding: "utf8" });
const visible = async (page, selectors) => {
  const seen = [];
  for (const selector of selectors) if (await page.isVisible(selector)) seen.push(selector);
  return seen;
};

/**
 * A lab's table made from the built-in data: an id column, two annotation columns (text), the class column
 * `Group` with names rather than numbers, then the first `features` metabolites; `blank` cells emptied.
 */
export function labTable(features, blank = []) {
  const table = parseTable(readFileSync(`${root}data/GC_Breast_D_MB.csv`, "utf8"));
  const names = table.featureNames.slice(0, features);
  const groups = { [table.classes[0]]: "ER negative", [table.classes[1]]: "ER positive" };
  const rows = table.sampleIds.map((id, s) => [
    `P-${id}`,
    s % 3 ? "batch A" : "batch B",
    groups[table.labels[s]],
    s % 2 ? "Nice" : "Lyon",
    ...names.map((_, f) => String(table.data[s * table.features + f])),
  ]);
  for (const [s, f] of blank) rows[s][4 + f] = "";
  return `${csvFormatRows([["sample_id", "Batch", "Group", "Site", ...names], ...rows])}\n`;
}

/** Chooses `path` in the page's file input, as a user pressing the drop zone does, and waits for its mapping. */
async function chooseFile(page, path) {
  await page.check('input[name="source"][value="file"]');
  await page.setInputFiles("#file-input", path);
  await page.waitForFunction(() => !document.getElementById("mapping").hidden);
  await page.waitForFunction(() => /samples ×|missing cells/.test(document.getElementById("data-summary").textContent));
}

/**
 * Chooses `path` and maps it as the lab table: class Group, the id column `id` ("" for none), Batch and Site
 * ignored. Returns the preview's column names and the page's summary of the table (without the file's name).
 */
async function mapLabTable(page, path, id) {
  await chooseFile(page, path);
  // The summary names the file once it is read: until then the page may still show the previous file's mapping.
  const name = `${basename(path)}:`;
  await page.waitForFunction((n) => document.getElementById("data-summary").textContent.startsWith(n), name);
  const header = await page.$$eval("#preview-table thead th", (cells) => cells.map((c) => c.textContent));
  await page.selectOption("#label-column", "Group");
  await page.selectOption("#id-column", id);
  await page.selectOption("#ignore-columns", ["Batch", "Site"]);
  await page.waitForFunction(() => /ER positive/.test(document.getElementById("data-summary").textContent));
  return { header, summary: (await text(page, "data-summary")).replace(/^[^:]*: /, "") };
}

/**
 * The lab table as Parquet (hyparquet-writer) and as AnnData (Debian's anndata, as test/cli/formats.test.mjs makes
 * it), each chosen in the page like a CSV: its preview, its mapping, the same summary as the CSV with that mapping.
 * Also a damaged Parquet file's one-line message. Returns [name, ok, detail] for `check`.
 */
async function binaryFileChecks(page, scratch) {
  const checks = [];
  const csv = labTable(12);
  const lab = parseTable(csv, { labelColumn: "Group", idColumn: "sample_id", ignoreColumns: ["Batch", "Site"] });
  writeFileSync(join(scratch, "lab12.csv"), csv);
  const { summary: fromCsv } = await mapLabTable(page, join(scratch, "lab12.csv"), "sample_id");

  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columns = parseTable(csv, { labelColumn: null, ignoreColumns: ["sample_id", "Batch", "Group", "Site"] });
  const rows = csvParseRows(csv).slice(1);
  const columnData = [
    ...["sample_id", "Batch", "Group", "Site"].map((name, c) => ({
      name,
      data: rows.map((r) => r[c]),
      type: "STRING",
    })),
    ...columns.featureNames.map((name, f) => ({
      name,
      data: Float64Array.from({ length: columns.samples }, (_, s) => columns.data[s * columns.features + f]),
      type: "DOUBLE",
    })),
  ];
  // Named .bin: the page goes by the bytes, not the name.
  const parquet = join(scratch, "lab12.parquet.bin");
  writeFileSync(parquet, new Uint8Array(parquetWriteBuffer({ columnData })));
  const { header, summary: fromParquet } = await mapLabTable(page, parquet, "sample_id");
  checks.push([
    "a Parquet file (whatever its name) loads through the mapping step into the table its CSV gives",
    header.slice(0, 5).join() === `sample_id,Batch,Group,Site,${lab.featureNames[0]}` && fromParquet === fromCsv,
    `${header.slice(0, 5).join()} | ${fromParquet} | ${fromCsv}`,
  ]);

  const damaged = join(scratch, "cells.parquet");
  writeFileSync(damaged, "PAR1 not a footer PAR1");
  await page.setInputFiles("#file-input", damaged);
  await page.waitForFunction(() => /cells\.parquet/.test(document.getElementById("data-error").textContent));
  const error = await text(page, "data-error");
  checks.push([
    "a damaged Parquet file gets one line naming it",
    /^cells\.parquet: \S/.test(error) && !/\n/.test(error),
    error,
  ]);

  const anndata = spawnSync(PYTHON, ["-c", "import anndata"], { encoding: "utf8" });
  if (anndata.status !== 0) {
    checks.push([`AnnData in the page: skipped, Debian's anndata is not installed (${PYTHON})`, true]);
    return checks;
  }
  writeFileSync(
    join(scratch, "lab12.json"),
    JSON.stringify({ rows, features: columns.featureNames, data: Array.from(columns.data) }),
  );
  const h5ad = join(scratch, "lab12.h5ad");
  const written = spawnSync(PYTHON, ["-c", WRITE_H5AD, join(scratch, "lab12.json"), h5ad], { encoding: "utf8" });
  if (written.status !== 0) throw new Error(written.stderr);
  const { header: obsHeader, summary: fromH5ad } = await mapLabTable(page, h5ad, "");
  checks.push([
    "an AnnData file loads through the mapping step (obs columns, then X named by var) into the CSV's table",
    obsHeader.slice(0, 4).join() === `Batch,Group,Site,${lab.featureNames[0]}` && fromH5ad === fromCsv,
    `${obsHeader.slice(0, 4).join()} | ${fromH5ad} | ${fromCsv}`,
  ]);
  return checks;
}

const PYTHON = "/usr/bin/python3";
// The lab table as anndata writes it: obs (index sample_id; Batch, Group and Site categorical), X dense, var names.
const WRITE_H5AD = `
import json, sys, anndata, numpy as np, pandas as pd
t = json.load(open(sys.argv[1]))
n, d = len(t["rows"]), len(t["features"])
X = np.array(t["data"], dtype=np.float64).reshape(n, d)
obs = pd.DataFrame({k: pd.Categorical([r[i] for r in t["rows"]]) for i, k in ((1, "Batch"), (2, "Group"), (3, "Site"))},
                   index=[r[0] for r in t["rows"]])
anndata.AnnData(X=X, obs=obs, var=pd.DataFrame(index=t["features"]), dtype=np.float64).write_h5ad(sys.argv[2])
`;

/** The mapping as the page's controls show it. */
const shownMapping = (page) =>
  page.evaluate(() => ({
    label: document.getElementById("label-column").value,
    id: document.getElementById("id-column").value,
    ignore: [...document.getElementById("ignore-columns").selectedOptions].map((o) => o.value),
    impute: document.getElementById("impute").value,
  }));

/** Moves the pointer over the element's point at fractions (fx, fy) of its box; returns the tooltip text shown. */
async function pointAt(page, selector, fx, fy) {
  const box = await page.locator(selector).first().boundingBox();
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  return (await page.isVisible("#tip")) ? await text(page, "tip") : null;
}

export async function exploreChecks(check, scratch) {
  await init();
  const { page, errors, close, url } = await openPage();
  try {
    // ── defaults: the command line's, from the package's tables and its --help ──
    const help = cli("sae", "--help");
    const cliDefault = (flag) => new RegExp(`--${flag} .*\\(default ([^)]+)\\)`).exec(help)?.[1];
    const form = await page.evaluate(() =>
      Object.fromEntries(
        ["radius", "seeds", "folds", "epochs1", "epochs2"].map((id) => [id, document.getElementById(id).value]),
      ),
    );
    const expected = {
      radius: "auto",
      seeds: String(SAE_COMMAND_DEFAULTS.seeds),
      folds: String(SAE_DEFAULTS.folds),
      epochs1: String(SAE_DEFAULTS.epochs),
      epochs2: String(SAE_DEFAULTS.epochs),
    };
    const cliSays = { seeds: cliDefault("seeds"), folds: cliDefault("folds"), epochs: cliDefault("epochs") };
    check(
      "the form's seeds, folds and epochs are the command line's defaults (its --help), the radius its auto",
      JSON.stringify(form) === JSON.stringify(expected) &&
        cliSays.seeds === form.seeds &&
        cliSays.folds === form.folds &&
        cliSays.epochs === form.epochs1 &&
        /\bauto\b/.test(help),
      `${JSON.stringify(form)} vs --help ${JSON.stringify(cliSays)}`,
    );
    const lead = await page.$eval("header p", (p) => p.textContent.replace(/\s+/g, " "));
    check(
      "the first line under the title says what to do: choose data, Train, read the selected features",
      /choose your data.*train.*selected features/i.test(lead),
      lead,
    );

    // ── the mapping step ──
    const lab = join(scratch, "lab-export.csv");
    writeFileSync(lab, labTable(30));
    await chooseFile(page, lab);
    const guessed = await shownMapping(page);
    check(
      "the first guess of a lab's table: Group for the classes, sample_id for the ids, Batch and Site ignored",
      guessed.label === "Group" && guessed.id === "sample_id" && guessed.ignore.join() === "Batch,Site",
      JSON.stringify(guessed),
    );
    const preview = await page.$$eval("#preview-table tbody tr", (rows) => rows.map((r) => r.cells.length));
    const roles = await page.$$eval("#preview-table .roles td", (cells) => cells.map((c) => c.textContent));
    check(
      "the preview shows the first rows as a table, each column's role under its name",
      (await page.isVisible("#preview-table")) &&
        preview.length === 8 &&
        preview.every((n) => n === 34) &&
        roles.slice(0, 4).join() === "id,ignored,label,ignored",
      `${preview.length} rows of ${preview[0]} cells; roles ${roles.slice(0, 5).join(",")}`,
    );
    // The user tries Site as the class column: Group is then a text column among the features, which parseTable
    // refuses with its own message; then the user chooses Group.
    await page.selectOption("#label-column", "Site");
    await page.waitForFunction(() => /Group/.test(document.getElementById("data-error").textContent));
    const wrong = await text(page, "data-error");
    check(
      "a text column left among the features gets parseTable's message naming it, and Train waits",
      /^lab-export\.csv, row 1: .*"Group".*leave it out with “Columns to ignore” above$/.test(wrong) &&
        (await page.$eval("#train", (b) => b.disabled)),
      wrong,
    );
    await page.selectOption("#label-column", "Group");
    await page.selectOption("#ignore-columns", ["Batch", "Site"]);
    await page.waitForFunction(() => /ER positive/.test(document.getElementById("data-summary").textContent));
    const summary = await text(page, "data-summary");
    check(
      "with Group as the class column the table loads: 271 samples × 30 features, classes named as in the file",
      /271 samples × 30 features; classes ER negative \(\d+\), ER positive \(\d+\)/.test(summary) &&
        !(await page.$eval("#train", (b) => b.disabled)),
      summary,
    );
    await train(page, { radius: 0.5 });
    const legend = await page.$$eval("#latent-chart svg", (svgs) => svgs.map((s) => s.textContent).join(" "));
    const latentNote = await text(page, "latent-note");
    check(
      "a lab's table trains through the mapping step; the latent plot names the classes as the file does",
      /ER negative/.test(legend) && /ER positive/.test(legend) && /trained on \d+ samples/.test(latentNote),
      latentNote,
    );

    // ── tooltips and a feature's values ──
    await page.locator("#latent-chart").scrollIntoViewIfNeeded();
    const dots = await page.$$eval('#latent-chart svg g[aria-label="dot"] circle', (circles) =>
      circles.map((c) => {
        const { x, y, width, height } = c.getBoundingClientRect();
        return { x: x + width / 2, y: y + height / 2 };
      }),
    );
    await page.mouse.move(dots[0].x, dots[0].y);
    await page.waitForSelector('#latent-chart g[aria-label="tip"]', { state: "visible" });
    const latentTip = await page.$eval('#latent-chart g[aria-label="tip"]', (g) => g.textContent);
    check(
      "pointing at a sample in the latent plot shows its ID, class, predicted class and confidence",
      /sample\s*P-\S+/.test(latentTip) &&
        /class\s*ER (negative|positive)/.test(latentTip) &&
        /predicted\s*ER (negative|positive)/.test(latentTip) &&
        /confidence\s*\d+\.\d%/.test(latentTip),
      latentTip,
    );
    await page.locator("#before").scrollIntoViewIfNeeded();
    const cellTip = await pointAt(page, "#before", 0.01, 0.5);
    check(
      "pointing at a heat-map cell shows its feature, hidden unit and weight",
      /^.+ · hidden unit \d+ · weight -?[\d.]+(e-?\d+)?$/.test(cellTip ?? ""),
      String(cellTip),
    );
    await page.locator("#features-table").scrollIntoViewIfNeeded();
    const featureTip = await pointAt(page, "#features-table button.feature", 0.5, 0.5);
    check(
      "pointing at a selected feature shows its selection frequency and mean score",
      /selected in \d+ of 2 folds \(\d+%\), mean score \d\.\d{3}/.test(featureTip ?? ""),
      String(featureTip),
    );
    const first = await page.$eval("#features-table button.feature", (b) => b.textContent);
    await page.click("#features-table button.feature");
    await page.waitForSelector("#feature-chart svg", { state: "visible" });
    const strip = await page.$eval("#feature-chart svg", (s) => ({
      label: s.getAttribute("aria-label"),
      // The last dot mark is the samples' (the box's own dots are its outliers).
      dots: [...s.querySelectorAll('g[aria-label="dot"]')].at(-1).querySelectorAll("circle").length,
      text: s.textContent,
    }));
    check(
      "pressing a feature plots its values by class (a box and every sample per class)",
      strip.label.startsWith(`Values of ${first} by class`) && strip.dots === 271 && /ER positive/.test(strip.text),
      JSON.stringify({ ...strip, text: undefined }),
    );

    // ── the radius: slider in the training's units, "retrain at this radius" ──
    await page.$eval("#eta", (slider) => {
      slider.value = "400";
      slider.dispatchEvent(new Event("input"));
    });
    const sliderRadius = (await text(page, "eta-value")).split(" ")[0];
    await page.click("#retrain");
    await page.waitForFunction(() => document.getElementById("status").textContent === "Done.");
    const retrained = {
      field: await page.$eval("#radius", (i) => i.value),
      note: await text(page, "latent-note"),
      slider: (await text(page, "eta-value")).split(" ")[0],
    };
    check(
      "“Retrain at this radius” trains at the slider's η, which the form, the model and the slider then show",
      retrained.field === sliderRadius &&
        retrained.note.includes(`at η = ${sliderRadius},`) &&
        retrained.slider === sliderRadius,
      `${sliderRadius}: ${JSON.stringify(retrained)}`,
    );

    // ── missing cells: counted, refused without an imputation, trained with one, remembered per file ──
    const gappy = join(scratch, "gappy.csv");
    writeFileSync(
      gappy,
      labTable(30, [
        [0, 0],
        [5, 0],
        [9, 3],
        [40, 7],
        [41, 7],
        [100, 20],
        [200, 29],
      ]),
    );
    await chooseFile(page, gappy);
    const refused = {
      missing: await text(page, "missing-summary"),
      error: await text(page, "data-error"),
      train: await page.$eval("#train", (b) => b.disabled),
    };
    check(
      "a file with missing cells shows their count and waits for an imputation before Train",
      refused.missing === "7 missing cells in 7 samples and 5 features." &&
        /choose how to fill them/.test(refused.error) &&
        refused.train,
      JSON.stringify(refused),
    );
    await page.selectOption("#impute", "median");
    await page.waitForFunction(() => /filled by median/.test(document.getElementById("data-summary").textContent));
    await train(page, { radius: "auto" });
    const imputed = { summary: await text(page, "data-summary"), cv: await text(page, "cv-summary") };
    const auto = await text(page, "radius-note");
    check(
      "with median imputation the file trains; the data line says how many cells were filled and how",
      /7 missing cells in 7 samples and 5 features, filled by median inside each training set/.test(imputed.summary) &&
        /mean \d+(\.\d)?%/.test(imputed.cv),
      JSON.stringify(imputed),
    );
    const chosen = /chose η = ([\d.e-]+) among 8 radii/.exec(auto)?.[1];
    check(
      "radius auto: the radius chosen for the model shown and those the folds chose are shown",
      chosen !== undefined &&
        (await text(page, "latent-note")).includes(`at η = ${chosen},`) &&
        /The 2 folds chose η from [\d.e-]+ to [\d.e-]+/.test(auto),
      auto,
    );
    await page.check('input[name="source"][value="builtin"]');
    await page.waitForFunction(() => /271 samples × 162/.test(document.getElementById("data-summary").textContent));
    const hiddenOnBuiltin = await visible(page, ["#mapping", "#preview-table", "#label-column", "#impute"]);
    await chooseFile(page, gappy);
    const remembered = { mapping: await shownMapping(page), origin: await text(page, "mapping-origin") };
    const onFile = await visible(page, ["#mapping", "#preview-table", "#label-column", "#impute", "#samples"]);
    check(
      "the mapping step is visible only for a file, and a file of the same name comes back with its choices",
      hiddenOnBuiltin.length === 0 &&
        onFile.join() === "#mapping,#preview-table,#label-column,#impute" &&
        remembered.mapping.impute === "median" &&
        remembered.mapping.label === "Group" &&
        /last chose/.test(remembered.origin),
      JSON.stringify({ hiddenOnBuiltin, onFile, remembered }),
    );
    await chooseFile(page, `${root}data/GC_Breast_D_MB.csv`);
    const omics = {
      summary: await text(page, "data-summary"),
      shown: await visible(page, ["#mapping-omics", "#label-column", "#ignore-columns", "#impute"]),
    };
    check(
      "a file in the SAE omics layout loads through the mapping step, which then asks only for missing values",
      /^GC_Breast_D_MB\.csv: 271 samples × 162 features/.test(omics.summary) &&
        omics.shown.join() === "#mapping-omics,#impute",
      JSON.stringify(omics),
    );
    // ── Parquet and AnnData: detected by their bytes, read by sparseproj/formats, the same mapping step ──
    for (const check_ of await binaryFileChecks(page, scratch)) check(...check_);

    // ── the sweep: ± std bands, an axis floor at the majority class ──
    await page.check('input[name="source"][value="builtin"]');
    await page.waitForFunction(() => /271 samples × 162/.test(document.getElementById("data-summary").textContent));
    await train(page, { radius: 0.5 });
    await page.click("#sweep");
    await page.waitForFunction(() => /^Sweep done/.test(document.getElementById("status").textContent));
    const sweep = await page.$eval('#sweep-chart svg[aria-label^="Cross-validated accuracy"]', (svg) => ({
      bands: svg.querySelectorAll('g[aria-label="area"] path').length,
      ticks: [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')]
        .map((t) => Number(t.textContent))
        .sort((a, b) => a - b),
      text: svg.textContent,
    }));
    const majority = (100 * 204) / 271;
    check(
      "the sweep draws a ± std band per projection and starts its accuracy axis at a floor by the majority class",
      sweep.bands === 4 && sweep.ticks[0] > 0 && sweep.ticks[0] <= majority && /majority class/.test(sweep.text),
      JSON.stringify({ ...sweep, text: undefined }),
    );

    // ── predictions in the page against `sparseproj predict` ──
    const model = join(scratch, "model.json");
    const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#download-model")]);
    await saved.saveAs(model);
    const predictIn = async (path) => {
      await page.setInputFiles("#predict-input", path);
      await page.waitForFunction(() => /classified/.test(document.getElementById("predict-summary").textContent));
      const [file] = await Promise.all([page.waitForEvent("download"), page.click("#download-predictions")]);
      const out = join(scratch, "predictions.csv");
      await file.saveAs(out);
      return readFileSync(out, "utf8");
    };
    const builtin = `${root}data/GC_Breast_D_MB.csv`;
    const inPage = parseTable(await predictIn(builtin), {
      labelColumn: "predicted",
      idColumn: "sample",
      minClasses: 1,
    });
    const byCli = JSON.parse(cli("predict", model, builtin, "--json"));
    const confidence = inPage.featureNames.indexOf("confidence");
    const differences = byCli.predictions.filter(
      (p, s) =>
        p.sample !== inPage.sampleIds[s] ||
        p.predicted !== inPage.labels[s] ||
        // Chromium runs the relaxed-SIMD kernels (fused multiply-add), Node 20 without its flag the plain ones:
        // the same model rounds differently in the last float32 bits (docs/performance.md), never by more.
        Math.abs(p.confidence - inPage.data[s * inPage.features + confidence]) > 1e-5,
    );
    check(
      "predictions in the page equal `sparseproj predict` on the same model JSON and table (class and confidence)",
      inPage.samples === byCli.samples && byCli.samples === 271 && differences.length === 0,
      `${differences.length} of ${byCli.samples} differ; first ${JSON.stringify(differences[0])}`,
    );
    const rows = await page.$$eval("#predictions-table tbody tr", (r) => r.length);
    check(
      "the predictions table lists every sample with its confidence",
      rows === 271 &&
        /\d+\.\d%$/.test(await page.$eval("#predictions-table tbody td:last-child", (c) => c.textContent)),
      String(rows),
    );
    const loaded = loadSAE(readFileSync(model, "utf8"));
    const panel = loaded.selectedFeatures().map((f) => f.name);
    loaded.dispose();
    const full = parseTable(readFileSync(builtin, "utf8"));
    const panelOnly = join(scratch, "panel-only.csv");
    const panelRows = full.sampleIds.map((id, s) => [
      id,
      ...panel.map((name) => String(full.data[s * full.features + full.featureNames.indexOf(name)])),
    ]);
    writeFileSync(
      panelOnly,
      `${csvFormatRows([["id", ...[...panel].reverse()], ...panelRows.map((r) => [r[0], ...r.slice(1).reverse()])])}\n`,
    );
    const fromPanel = parseTable(await predictIn(panelOnly), {
      labelColumn: "predicted",
      idColumn: "sample",
      minClasses: 1,
    });
    const column = (t, name, s) => t.data[s * t.features + t.featureNames.indexOf(name)];
    const same = fromPanel.labels.every(
      (label, s) =>
        label === inPage.labels[s] &&
        ["confidence", "p(1)", "p(2)"].every((name) => column(fromPanel, name, s) === column(inPage, name, s)),
    );
    check(
      `a table of only the model's ${panel.length} features (any order) gets the same predictions`,
      fromPanel.samples === 271 && same && /reads \d+ features/.test(await text(page, "predict-summary")),
      await text(page, "predict-summary"),
    );
    const noPanel = join(scratch, "no-panel.csv");
    writeFileSync(noPanel, "id,unrelated\na,1\nb,2\n");
    await page.setInputFiles("#predict-input", noPanel);
    await page.waitForFunction(() => document.getElementById("predict-error").textContent !== "");
    check(
      "a table without the model's features is refused, naming them",
      /no-panel\.csv: the model reads ".+", .* not in this table/.test(await text(page, "predict-error")),
      await text(page, "predict-error"),
    );

    // ── a shared link ──
    await page.fill("#folds", "3");
    await page.dispatchEvent("#folds", "change");
    const address = page.url();
    check(
      "the address holds the settings as they change (not the data)",
      /folds=3/.test(address) && /radius=0\.5/.test(address) && !/GC_Breast|label|bytes/.test(address),
      address,
    );
    check("no uncaught error in the page", errors.length === 0, errors.join("\n"));
  } finally {
    await close();
  }
  const hash =
    "#source=synthetic&samples=120&features=50&informative=4&projection=bilevel-l11&radius=0.25" +
    "&epochs=7,3&folds=3&seeds=2&hidden=20";
  const shared = await openPage({ hash });
  try {
    const settings = await shared.page.evaluate(() =>
      Object.fromEntries(
        [
          "samples",
          "features",
          "informative",
          "projection",
          "radius",
          "epochs1",
          "epochs2",
          "folds",
          "seeds",
          "hidden",
        ].map((id) => [id, document.getElementById(id).value]),
      ),
    );
    const source = await shared.page.$eval('input[name="source"]:checked', (r) => r.value);
    const summary = await text(shared.page, "data-summary");
    check(
      "a shared link restores its settings and data choice on load",
      source === "synthetic" &&
        JSON.stringify(settings) ===
          JSON.stringify({
            samples: "120",
            features: "50",
            informative: "4",
            projection: "bilevel-l11",
            radius: "0.25",
            epochs1: "7",
            epochs2: "3",
            folds: "3",
            seeds: "2",
            hidden: "20",
          }) &&
        /120 samples × 50 features/.test(summary),
      `${source} ${JSON.stringify(settings)} ${summary}`,
    );
  } finally {
    await shared.close();
  }
  const bad = await openPage({ hash: "#folds=abc&projection=nonsense&seeds=3&radius=-1" });
  try {
    const values = await bad.page.evaluate(() => ({
      folds: document.getElementById("folds").value,
      projection: document.getElementById("projection").value,
      seeds: document.getElementById("seeds").value,
      radius: document.getElementById("radius").value,
    }));
    const said = await text(bad.page, "link-note");
    check(
      "a link's values that the controls refuse are not used, and the page says which",
      values.folds === String(SAE_DEFAULTS.folds) &&
        values.projection === SAE_DEFAULTS.projection &&
        values.seeds === "3" &&
        values.radius === "auto" &&
        /projection, radius, folds/.test(said),
      `${JSON.stringify(values)} ${said}`,
    );
  } finally {
    await bad.close();
  }
  return url;
}
