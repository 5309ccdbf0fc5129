// The differentiable functions in one namespace (PyTorch's torch.* and torch.nn.functional, as `F`).
export * from "./ops.ts";
export {
  crossEntropy,
  smoothL1Loss,
  huberLoss,
  mseLoss,
  l1Norm,
  type CrossEntropyOptions,
  type SmoothL1Options,
  type HuberOptions,
  type Reduction,
} from "./losses.ts";
export { huberEnergyLoss } from "../generative/huber-energy.ts";
export { conv2d, upsampleNearest, type Conv2dOptions } from "./conv.ts";
