// sparseproj: Euclidean projections onto the ℓ1 ball, the simplex, the ℓ2 and ℓ∞ balls, and the bilevel
// ℓ1,∞ / ℓ1,1 / ℓ1,2 balls of matrices, computed by WebAssembly SIMD kernels.
export { init, type InitOptions } from "./runtime/engine.ts";
// Training speed (#24): which kernel build is loaded (relaxed SIMD's fused multiply-add, or plain SIMD).
export { kernelVariant, type KernelVariant } from "./runtime/engine.ts";
export { closeThreads, initThreads, type ThreadsOptions } from "./pool/split.ts";
export { projectL1Ball, projectSimplex, projectL2Ball, projectLInfBall } from "./projections/vector.ts";
export { bilevelL1Inf, bilevelL11, bilevelL12, normL1Inf, normL11, normL12 } from "./projections/bilevel.ts";
export {
  bilevelGrouped,
  bilevelL1InfGrouped,
  bilevelL11Grouped,
  bilevelL12Grouped,
  groupedNorm,
} from "./projections/bilevel.ts";
export { groupNorms, combineGroupNorms, bilevelThresholds, applyBilevel } from "./projections/staged.ts";
export { bilevelStream, bilevelL1InfStream, type BlockSource, type StreamOptions } from "./projections/stream.ts";
export { allocate, free } from "./projections/memory.ts";
export { projectL1Inf } from "./projections/exact.ts";
export { projectWeightedL1Ball } from "./projections/weighted.ts";
export { trilevelL1InfInf, trilevelL111, normL1InfInf, normL111 } from "./projections/trilevel.ts";
export {
  PROJECTIONS,
  MATRIX_PROJECTIONS,
  GROUPED_PROJECTIONS,
  MATRIX_NORMS,
  type ProjectionEntry,
  type ProjectionKind,
  type ProjectionName,
} from "./projections/registry.ts";
export { parseOmicsCsv, type OmicsTable } from "./io/omics-csv.ts";
export {
  parseTable,
  DataError,
  type LabelledTable,
  type MissingSummary,
  type ParseTableOptions,
  type TableFormat,
  type DataErrorLocation,
} from "./io/table.ts";
// The web page's column mapping (issue 22): a table's first rows before its columns are chosen.
export { previewTable, type TablePreview } from "./io/table.ts";
export { decodeText } from "./io/decode.ts";
// Delimited tables read a chunk at a time (issue #19): parseTable's table without holding the text.
export { parseTableStream, TableTextReader, type TableSource } from "./io/table-stream.ts";
// Typed columns (issue #19): the rules of parseTable for tables that come as columns (sparseproj/formats' readers).
export {
  tableFromColumns,
  ColumnarTableBuilder,
  type TableColumn,
  type ColumnLayout,
} from "./io/columns.ts";
export { parseIdx, type IdxArray, type IdxType } from "./io/idx.ts";
export { WasmArray } from "./runtime/wasm-array.ts";
export type {
  Axis,
  ElementType,
  FloatArray,
  GroupedShape,
  GroupNormKind,
  Input,
  MatrixOptions,
  NormOptions,
  ProjectionOptions,
  ResultOf,
} from "./types.ts";
export { createPool, type Pool, type PoolOptions } from "./pool/pool.ts";

// Learning: a small autograd on the WebAssembly kernels.
export { Tensor, tensor, zeros, noGrad, type TensorOptions } from "./autograd/tensor.ts";
export { scope, arenaBytes } from "./autograd/arena.ts";
export type { DType } from "./autograd/backend.ts";
export * as F from "./autograd/functional.ts";
export * as nn from "./nn/index.ts";
export * as optim from "./optim/index.ts";
export { Generator, manualSeed } from "./random.ts";

// The supervised autoencoder: feature selection by projection-constrained double descent.
export { trainSAE, type TrainingHistory } from "./sae/train.ts";
export {
  crossValidate,
  crossValidateInWorkers,
  type CrossValidateOptions,
  type CrossValidationResult,
  type FoldResult,
  type ParallelOptions,
  type Summary,
} from "./sae/cross-validate.ts";
export { chooseSetting, type TriedSetting } from "./sae/choose-setting.ts";
// Cross-validation as tasks (one per seed × fold) run anywhere, then merged: the cluster recipes' library side.
export {
  mergeResults,
  planCrossValidation,
  runTask,
  type CrossValidationPlan,
  type CrossValidationTask,
} from "./sae/cross-validate.ts";
// NumPy's .npy files, the shards `sparseproj project` reads and writes.
export { formatNpy, MAX_NPY_HEADER, type NpyArray, parseNpy } from "./io/npy.ts";
export { foldsProblem } from "./sae/cv/folds.ts";
export { SAEModel, loadSAE, type SAEJson, type SelectedFeature } from "./sae/model.ts";
// Compact models (issue 20): SAEModel.compact() and nn.compact; the ONNX export is sparseproj/onnx.
export type { SAECompaction } from "./sae/compact.ts";
export type { CompressorCompaction } from "./compression/train.ts";
export { integratedGradients, type IntegratedGradientsOptions } from "./sae/attribution.ts";
export {
  SAE_COMMAND_DEFAULTS,
  SAE_DEFAULTS,
  type SAEOptions,
  type SAEProjection,
  type ProgressEvent,
} from "./sae/options.ts";
export {
  IMPUTE_METHODS,
  PREPROCESS_DEFAULTS,
  type Imputation,
  type ImputeMethod,
  type PreprocessOptions,
} from "./sae/preprocess.ts";

// Generation (Barlaud & Guyard, ICASSP 2021): per-class kernel densities of the latent space, walked by
// Metropolis–Hastings, decoded into data.
export {
  fitLatentSampler,
  LATENT_SAMPLER_DEFAULTS,
  type LatentModel,
  type LatentSampler,
  type LatentSamplerOptions,
  type LatentSample,
  type ClassDensity,
} from "./generative/latent-sampler.ts";
export { GaussianKDE, KDE_DEFAULTS, bandwidthFactor, type KdeOptions, type BandwidthRule } from "./generative/kde.ts";
export { metropolisHastings, type Chain, type ChainOptions } from "./generative/metropolis.ts";
// The Huber-energy VAE: codes pulled towards N(0, I_k) by the closed-form Radon–Sobolev distance (F.huberEnergyLoss).
export {
  trainVAE,
  loadVAE,
  VAEModel,
  VAE_DEFAULTS,
  type VAEOptions,
  type VAEEpoch,
  type VAELosses,
  type VAEJson,
} from "./generative/vae.ts";
export { huberEnergyConstants, meanDistanceToNormal, type HuberEnergyConstants } from "./generative/huber-energy.ts";

// Image compression: a small convolutional autoencoder with a quantized latent (noise in training, rounding at test),
// its rate as per-channel entropy and base-4 Huffman length, and double descent removing whole latent channels.
export {
  trainCompressor,
  Compressor,
  type CompressorOptions,
  type CompressionEvaluation,
  type CompressorHistory,
  type CompressorProjection,
  type CompressorProjectionOptions,
} from "./compression/train.ts";
export { ConvAutoencoder, type ConvAutoencoderShape, type NamedConv } from "./compression/conv-autoencoder.ts";
export { addUniformNoise, roundLatent, roundSymbols } from "./compression/quantize.ts";
export { latentRate, type LatentRate } from "./compression/rate.ts";

// Cool-chic-lite: an overfitted image codec (one small decoder and latent pyramid fitted per image, an ARM entropy
// model, rANS), its decoder bit-identical in every runtime; double descent removes latent grids and ARM context.
export {
  COOLCHIC_DEFAULTS,
  CorruptStreamError,
  decodeImage,
  encodeImage,
  readCoolChicHeader,
  type CoolChicHeader,
  type DecodeImageOptions,
  type EncodeImageOptions,
  type FitProgress,
  type ImagePixels,
  type SparseOptions,
} from "./coolchic/index.ts";

// Cool-chic-lite multiple-description coding: two .cc descriptions, each decodable alone, better together.
export {
  decodeImageMdc,
  encodeImageMdc,
  MDC_DEFAULTS,
  readMdcHeader,
  type EncodeImageMdcOptions,
  type MdcFitProgress,
  type MdcHeader,
} from "./coolchic/index.ts";

// Metrics: classification (scikit-learn's conventions), silhouette, a 2-D PCA for plots.
export {
  confusionMatrix,
  classificationReport,
  rocAuc,
  type ClassificationReport,
  type Probabilities,
} from "./metrics/classification.ts";
export { silhouetteScore } from "./metrics/silhouette.ts";
export { pca2, type Pca2, type Points } from "./metrics/pca.ts";

// Synthetic data: scikit-learn's make_classification, the same arrays for the same randomState.
export { makeClassification, type MakeClassificationOptions, type Classification } from "./data/make-classification.ts";

// Quaternary coding for DNA storage: base-4 Huffman / Shannon–Fano / Shannon codes, nucleotides, screened oligos,
// the .dna text format (also importable alone from src/dna/index.ts: it does not touch the WebAssembly kernels).
export {
  histogram,
  entropy4,
  meanLength,
  codeLengths,
  huffmanLengths,
  shannonFanoLengths,
  shannonLengths,
  kraftSum,
  PrefixCode,
  toNucleotides,
  fromNucleotides,
  longestRun,
  gcContent,
  meetsConstraints,
  runLengthCapacity,
  screenOligo,
  unscrambleOligo,
  crc32,
  encodeDna,
  decodeDna,
  dataBytes,
  DnaFormatError,
  DnaScreeningError,
  DnaSizeError,
  DnaTextLengthError,
  DEFAULT_MAX_BYTES,
  type DecodeDnaOptions,
  type Histogram,
  type CodeKind,
  type CodeLengths,
  type Alphabet,
  type EncodeDnaOptions,
  type DnaStats,
  type EncodedDna,
  type DecodedDna,
} from "./dna/index.ts";

// DNA storage that survives synthesis and sequencing: Reed–Solomon over GF(256), addressed and protected oligos
// with the metadata in DNA, decoding from unordered reads, and a channel simulator.
export {
  rsEncode,
  rsDecode,
  encodeOligos,
  decodeOligos,
  parseReads,
  simulateReads,
  toFastq,
  STORAGE_DEFAULTS,
  SIMULATE_DEFAULTS,
  DnaReadsError,
  DnaMissingOligosError,
  type RsDecoded,
  type StorageOptions,
  type StorageStats,
  type EncodedOligos,
  type DecodeOligosOptions,
  type DecodedOligos,
  type ReadsReport,
  type SimulateOptions,
} from "./dna/index.ts";
// Feature selection at equal panel size (issue #25): filters, the ℓ1-logistic path, a random forest, the SAE's
// rankings, stability indices, and compareSelectors.
export { anovaF, kruskalH, rankByScore, type LabelledMatrix } from "./selection/univariate.ts";
export {
  fitLogistic,
  logisticProba,
  logisticSupport,
  l1LogisticPath,
  type LogisticModel,
  type LogisticOptions,
  type L1Path,
  type L1PathOptions,
} from "./selection/logistic.ts";
export { forestImportance, type ForestOptions } from "./selection/forest.ts";
export { kunchevaIndex, meanJaccard } from "./selection/stability.ts";
export {
  compareSelectors,
  COMPARE_DEFAULTS,
  SELECTOR_NAMES,
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  type CompareTask,
  type DownstreamName,
  type SelectionRun,
  type SelectorName,
} from "./selection/compare.ts";
