// `sparseproj export model.json --onnx model.onnx`: a saved supervised autoencoder as an ONNX graph (compact, with
// its preprocessing), for ONNX Runtime in Python, C++, C# or the browser. The writer is the sparseproj/onnx entry.
import { DataError } from "../io/table.ts";
import { OnnxExportError, ONNX_OPSET, toOnnx } from "../onnx/index.ts";
import { readModel } from "./input.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

export interface ExportCommand {
  model: string;
  /** Where to write the ONNX file ("-": stdout). */
  onnx: string;
  json: boolean;
}

/** What --json prints: the file written and the graph's interface. */
export interface ExportReport {
  model: string;
  onnx: string;
  bytes: number;
  opset: number;
  /** The input's columns, in order: the compact model's panel. */
  features: string[];
  classes: string[];
}

/** Runs `sparseproj export`; returns the report it printed. */
export async function runExport(command: ExportCommand): Promise<ExportReport> {
  checkFileDestination(command.onnx);
  const model = readModel(command.model);
  try {
    let bytes: Uint8Array;
    try {
      bytes = toOnnx(model);
    } catch (error) {
      if (error instanceof OnnxExportError)
        throw new DataError(error.message.replace(/^toOnnx: /, ""), { file: command.model });
      throw error;
    }
    const small = model.compact();
    const features = small.info.featureNames;
    small.dispose();
    writeFile(command.onnx, bytes);
    const report: ExportReport = {
      model: command.model,
      onnx: command.onnx,
      bytes: bytes.length,
      opset: ONNX_OPSET,
      features,
      classes: model.classes.map(String),
    };
    const stream = reportStream(command.onnx);
    if (command.json) stream.write(`${JSON.stringify(report)}\n`);
    else {
      const shown = features.slice(0, 10).join(", ") + (features.length > 10 ? `, … (${features.length})` : "");
      stream.write(
        `wrote ${command.onnx}: ONNX opset ${ONNX_OPSET}, ${bytes.length} bytes; input "input" float64 ` +
          `[N, ${features.length}] with the columns ${shown}; outputs "logits" and "probabilities" ` +
          `[N, ${report.classes.length}] for the classes ${report.classes.join(", ")}\n`,
      );
    }
    return report;
  } finally {
    model.dispose();
  }
}
