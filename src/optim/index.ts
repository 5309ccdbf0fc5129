// Optimizers that own their state and enforce parameters' masks and constraints in step() (PyTorch's torch.optim).
export { Optimizer, type ParamGroup } from "./optimizer.ts";
export { Adam, type AdamOptions } from "./adam.ts";
export { SGD, type SgdOptions } from "./sgd.ts";
