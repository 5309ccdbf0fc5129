// sparseproj/onnx: a trained model as an ONNX graph (opset 17), so that it runs in ONNX Runtime and the tools
// around it. The supervised autoencoder is exported compact (its panel of features as the input's columns) with
// its fitted preprocessing as ONNX operators: missing values filled in, log(|x + 1|), the z-score. The protobuf is
// written by onnx-proto (the ONNX schema compiled for protobufjs), kept out of the main entry: this is a subpath.
// Only types are imported from the library, so this bundle holds no second copy of it.
import onnxProto from "onnx-proto";
import type { Compressor } from "../compression/train.ts";
import type { Activation } from "../nn/autoencoder.ts";
import type { Conv2d, UpsampleNearest } from "../nn/conv.ts";
import type { Linear, Sequential } from "../nn/layers.ts";
import type { Module } from "../nn/module.ts";
import type { SAEModel } from "../sae/model.ts";

const { onnx } = onnxProto;
type Node = InstanceType<typeof onnx.NodeProto>;
type Initializer = InstanceType<typeof onnx.TensorProto>;

/** The opset the graphs use (ONNX 1.12, IR version 8). */
export const ONNX_OPSET: number = 17;
const IR_VERSION = 8;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/** A part of a model that the ONNX export cannot express; the message names it. */
export class OnnxExportError extends RangeError {
  constructor(
    /** The part refused, as the message names it ("the knn imputation"). */
    readonly part: string,
    reason: string,
  ) {
    super(`toOnnx: ${part} ${reason}`);
  }
}

/** Nodes and initializers under construction, with fresh value names. */
class Graph {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  #count = 0;

  name(hint: string): string {
    return `${hint}_${this.#count++}`;
  }

  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, number | string | number[]> = {},
    output?: string,
  ): string {
    const out = output ?? this.name(opType.toLowerCase());
    const { STRING, INT, INTS } = onnx.AttributeProto.AttributeType;
    const attribute = Object.entries(attributes).map(([name, value]) =>
      typeof value === "string"
        ? { name, type: STRING, s: new TextEncoder().encode(value) }
        : Array.isArray(value)
          ? { name, type: INTS, ints: value }
          : { name, type: INT, i: value },
    );
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [out], name: out, attribute }));
    return out;
  }

  constant(hint: string, values: ArrayLike<number>, dims: number[], type: "float" | "double"): string {
    const name = this.name(hint);
    const data = type === "float" ? { floatData: Array.from(values) } : { doubleData: Array.from(values) };
    this.initializers.push(
      onnx.TensorProto.create({ name, dims, dataType: type === "float" ? FLOAT : DOUBLE, ...data }),
    );
    return name;
  }
}

/** The model proto around a graph, with string metadata. */
function modelProto(graph: InstanceType<typeof onnx.GraphProto>, metadata: Record<string, string>): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "sparseproj",
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

function valueInfo(name: string, type: number, dims: Array<number | string>) {
  const dim = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: type, shape: { dim } } } });
}

/** x through a Linear layer: Gemm(x, W, b) with W [out, in] as stored (transB). */
function gemm(g: Graph, x: string, layer: Linear, hint: string): string {
  const [out, inputs] = layer.weight.shape;
  const w = g.constant(`${hint}_weight`, layer.weight.data, [out, inputs], "float");
  const b = layer.bias ? [g.constant(`${hint}_bias`, layer.bias.data, [out], "float")] : [];
  return g.op("Gemm", [x, w, ...b], { transB: 1 });
}

function activate(g: Graph, x: string, activation: Activation): string {
  if (activation === "relu") return g.op("Relu", [x]);
  if (activation === "tanh") return g.op("Tanh", [x]);
  if (activation === "silu") return g.op("Mul", [x, g.op("Sigmoid", [x])]); // opset 17 has no SiLU: x·σ(x)
  throw new OnnxExportError(`the activation ${JSON.stringify(activation)}`, "has no ONNX form here");
}

/** The fitted preprocessing of an F-column double input, as ONNX operators; returns the float32 network input. */
function preprocessing(g: Graph, x: string, model: SAEModel): string {
  const p = model.info.preprocessing;
  const f = model.features;
  if (p.imputation) {
    if (p.imputation.method === "knn") {
      throw new OnnxExportError(
        "the knn imputation",
        "(the mean of the nearest training rows, stored with the model) is not exported; retrain with " +
          "impute 'mean', 'median' or 'half-min', whose fill values are constants",
      );
    }
    const fill = g.constant("fill_values", p.imputation.values, [f], "double");
    x = g.op("Where", [g.op("IsNaN", [x]), fill, x]);
  }
  if (p.log) x = g.op("Log", [g.op("Abs", [g.op("Add", [x, g.constant("one", [1], [], "double")])])]);
  if (p.mean && p.std) {
    x = g.op("Sub", [x, g.constant("mean", p.mean, [f], "double")]);
    x = g.op("Div", [x, g.constant("std", p.std, [f], "double")]);
  }
  return g.op("Cast", [x], { to: FLOAT });
}

/**
 * The supervised autoencoder as an ONNX model (opset 17), compacted first: one float64 input "input" [N, F] whose F
 * columns are the panel's features (`model.compact().info.featureNames`, also in the metadata as `feature_names`),
 * the fitted preprocessing (missing values filled for mean / median / half-min imputation, log(|x + 1|), the
 * z-score) in float64, the encoder in float32, and the outputs "logits" and "probabilities" [N, K] (`classes` in
 * the metadata). A part ONNX cannot express is refused with an OnnxExportError naming it (knn imputation).
 */
export function toOnnx(model: SAEModel): Uint8Array {
  const small = model.compact();
  try {
    const g = new Graph();
    const { featureNames, classes, options } = small.info;
    let x = preprocessing(g, "input", small);
    const encoder = small.net.encoder;
    for (let i = 0; i < encoder.length; i += 2) {
      x = gemm(g, x, encoder.at(i) as Linear, `encoder_${i}`);
      if (i + 1 < encoder.length) x = activate(g, x, options.activation);
    }
    g.op("Identity", [x], {}, "logits");
    g.op("Softmax", ["logits"], { axis: -1 }, "probabilities");
    const k = classes.length;
    const graph = onnx.GraphProto.create({
      name: "sparseproj_sae",
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo("input", DOUBLE, ["N", featureNames.length])],
      output: [valueInfo("logits", FLOAT, ["N", k]), valueInfo("probabilities", FLOAT, ["N", k])],
      docString: `Supervised autoencoder (sparseproj): input columns ${JSON.stringify(featureNames)}`,
    });
    const metadata: Record<string, string> = {
      feature_names: JSON.stringify(featureNames),
      classes: JSON.stringify(classes.map(String)),
      source_features: String(small.compaction?.sourceFeatures ?? featureNames.length),
    };
    return modelProto(graph, metadata);
  } finally {
    small.dispose();
  }
}

/** x through a Sequential of Conv2d, ReLU and UpsampleNearest layers (the compressor's parts). */
function convChain(g: Graph, x: string, chain: Sequential, part: string): string {
  for (let i = 0; i < chain.length; i++) {
    const m: Module = chain.at(i);
    // Told apart by shape, not by import: this entry holds no copy of the library's classes (and a bundler may
    // suffix a class name, as ReLU2).
    const kind =
      "kernelSize" in m ? "Conv2d" : "scale" in m ? "UpsampleNearest" : m.constructor.name.replace(/\d+$/, "");
    if (kind === "Conv2d") {
      const conv = m as Conv2d;
      const shape = conv.weight.shape;
      const w = g.constant(`${part}_${i}_weight`, conv.weight.data, [...shape], "float");
      const b = conv.bias ? [g.constant(`${part}_${i}_bias`, conv.bias.data, [shape[0]], "float")] : [];
      const [k, p, stride] = [conv.kernelSize, conv.padding, conv.stride];
      x = g.op("Conv", [x, w, ...b], { kernel_shape: [k, k], pads: [p, p, p, p], strides: [stride, stride] });
    } else if (kind === "ReLU") x = g.op("Relu", [x]);
    else if (kind === "UpsampleNearest") {
      const scale = (m as UpsampleNearest).scale;
      const scales = g.constant("scales", [1, 1, scale, scale], [4], "float");
      // Output pixel i reads input pixel floor(i / scale), as upsampleNearest does.
      const attributes = { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" };
      x = g.op("Resize", [x, "", scales], attributes);
    } else throw new OnnxExportError(`the ${part}'s layer ${i} (${kind})`, "has no ONNX form here");
  }
  return x;
}

/**
 * The compressor's encoder or decoder as an ONNX model (opset 17), compacted first (so the latent holds only the
 * channels the decoder reads: `compact().compaction.latentChannels`). The encoder maps "images" float32
 * [N, 1, side, side] (values in [0, 1]) to "latent" (gain · E(x), real-valued) and "symbols" (rounded, ties away
 * from zero), both [N, C, s, s]; the decoder maps "symbols" [N, C, s, s] to "images" in (0, 1).
 */
export function compressorToOnnx(compressor: Compressor, part: "encoder" | "decoder"): Uint8Array {
  if (part !== "encoder" && part !== "decoder") {
    throw new TypeError(`compressorToOnnx: part must be 'encoder' or 'decoder'; got ${String(part)}`);
  }
  const small = compressor.compact();
  try {
    const g = new Graph();
    const { side, channels, gain } = small.shape;
    const s = small.net.latentSide;
    const images = valueInfo("images", FLOAT, ["N", 1, side, side]);
    const symbols = valueInfo("symbols", FLOAT, ["N", channels, s, s]);
    let graph: InstanceType<typeof onnx.GraphProto>;
    if (part === "encoder") {
      const y = g.op("Mul", [convChain(g, "images", small.net.encoder, part), g.constant("gain", [gain], [], "float")]);
      g.op("Identity", [y], {}, "latent");
      // round(y) with ties away from zero, as roundSymbols: sign(y) · floor(|y| + ½) (ONNX Round ties to even).
      const half = g.constant("half", [0.5], [], "float");
      const magnitude = g.op("Floor", [g.op("Add", [g.op("Abs", ["latent"]), half])]);
      g.op("Mul", [g.op("Sign", ["latent"]), magnitude], {}, "symbols");
      const latent = valueInfo("latent", FLOAT, ["N", channels, s, s]);
      graph = onnx.GraphProto.create({
        name: "sparseproj_compressor_encoder",
        node: g.nodes,
        initializer: g.initializers,
        input: [images],
        output: [latent, symbols],
      });
    } else {
      g.op("Sigmoid", [convChain(g, "symbols", small.net.decoder, part)], {}, "images");
      graph = onnx.GraphProto.create({
        name: "sparseproj_compressor_decoder",
        node: g.nodes,
        initializer: g.initializers,
        input: [symbols],
        output: [images],
      });
    }
    return modelProto(graph, { latent_channels: JSON.stringify(small.compaction?.latentChannels ?? []) });
  } finally {
    small.dispose();
  }
}
