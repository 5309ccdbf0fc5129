// Layers, modules, parameters with masks and projection constraints, and a training loop (PyTorch's torch.nn).
export { Module, type StateDict, type StateEntry } from "./module.ts";
export { Parameter } from "./parameter.ts";
export { Linear, Sequential, ReLU, SiLU, Tanh, Sigmoid, type LinearOptions } from "./layers.ts";
export { MirroredAutoencoder, type Activation } from "./autoencoder.ts";
export { Conv2d, UpsampleNearest, type Conv2dLayerOptions } from "./conv.ts";
export {
  projectionConstraint,
  applyConstraints,
  bilevelNorm,
  type Constraint,
  type ConstraintOptions,
  type ProjectionKind,
} from "./constraints.ts";
export { fit, type FitOptions, type HostRows } from "./fit.ts";
export { layerSparsity, type LayerSparsity } from "./sparsity.ts";
export { keepLargestGroups, projectAndMask, rewind } from "./prune.ts";
export { compact, type CompactOptions, type Compacted } from "./compact.ts";
