// `sparseproj generate model.json <file>`: new samples of every class from a saved supervised autoencoder, by
// Metropolis–Hastings on each class's kernel density in the latent space (fitLatentSampler), fitted on the
// labelled table given (the model's training data, or any labelled data of the same features). It reports how
// often the chain accepted and how often the model classifies a generated sample as the class it was made for.
import { fitLatentSampler } from "../generative/latent-sampler.ts";
import type { BandwidthRule } from "../generative/kde.ts";
import { DataError } from "../io/table.ts";
import { readModel, readTable, type TableFlags } from "./input.ts";
import { checkFileDestination, csv, reportStream, textTable, writeFile } from "./output.ts";
import { modelColumns } from "./predict.ts";

export interface GenerateCommand {
  model: string;
  file: string;
  /** Samples per class. */
  samples: number;
  seed: number;
  bandwidth: BandwidthRule | number;
  thresholdQuantile: number;
  out?: string;
  json: boolean;
  labelColumn?: string;
  idColumn?: string;
  /** --na-values, --ignore-columns, --feature-columns, --drop-unlabelled. */
  tableFlags?: TableFlags;
}

export interface GenerateReport {
  model: string;
  file: string;
  samplesPerClass: number;
  classes: Array<{ label: string; acceptanceRate: number; classifiedAsOwn: number }>;
  out: string | null;
}

/** Runs `sparseproj generate`; returns the report it printed. */
export async function runGenerate(command: GenerateCommand): Promise<GenerateReport> {
  if (command.out) checkFileDestination(command.out);
  const model = readModel(command.model);
  try {
    const table = await readTable(
      command.file,
      {
        labelColumn: command.labelColumn,
        idColumn: command.idColumn,
        minClasses: 1,
      },
      command.tableFlags,
    );
    const classes = model.classes.map(String);
    const unknown = table.classes.filter((label) => !classes.includes(label));
    if (unknown.length)
      throw new DataError(
        `label ${JSON.stringify(unknown[0])} is not one of the model's classes (${classes.join(", ")})`,
        { file: command.file },
      );
    const x = modelColumns(table, model, command.file);
    const labels = table.labels.map((label) => model.classes[classes.indexOf(label)]);
    const sampler = fitLatentSampler(model, x, labels, {
      seed: command.seed,
      bandwidth: command.bandwidth,
      thresholdQuantile: command.thresholdQuantile,
    });
    const d = model.features;
    const rows: Array<Array<string | number>> = [];
    const summary = classes.map((label, c) => {
      const { data, acceptanceRate } = sampler.sample(c, command.samples);
      const predicted = model.predict(data);
      for (let s = 0; s < command.samples; s++) rows.push([...data.subarray(s * d, (s + 1) * d), label]);
      return { label, acceptanceRate, classifiedAsOwn: predicted.filter((p) => p === c).length / command.samples };
    });
    if (command.out) writeFile(command.out, csv([...model.info.featureNames, "label"], rows));
    const report: GenerateReport = {
      model: command.model,
      file: command.file,
      samplesPerClass: command.samples,
      classes: summary,
      out: command.out ?? null,
    };
    const stream = reportStream(command.out);
    if (command.json) stream.write(`${JSON.stringify(report)}\n`);
    else {
      const lines = summary.map((s) => [
        s.label,
        String(command.samples),
        s.acceptanceRate.toFixed(3),
        `${(100 * s.classifiedAsOwn).toFixed(1)}%`,
      ]);
      stream.write(textTable(["class", "samples", "acceptance rate", "classified as its class"], lines));
      stream.write(command.out ? `wrote ${command.out}\n` : "(no --out: the samples were not written)\n");
    }
    return report;
  } finally {
    model.dispose();
  }
}
