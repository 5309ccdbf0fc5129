#!/usr/bin/env bash
# Exports two public omics tables from Debian's Bioconductor packages as samples × features CSV (columns: sample,
# label, then one per feature), for the documentation's tables and the benchmarks. The data is not committed: its
# packages are Artistic-2.0 (ALL) and GPL (impute); this script is how to make it.
#   all-leukaemia.csv  Bioconductor ALL: 128 acute lymphoblastic leukaemia samples × 12,625 probe sets (HG-U95Av2,
#                      RMA), label B or T (the first letter of ALL$BT).
#   khan-missing.csv   impute's khanmiss: Khan et al. 2001 SRBCT microarray, 63 samples × 2,308 genes, 4 classes,
#                      with 1,320 cells missing as the package distributes it (randomly deleted by its authors).
# Usage: bench/public-data.sh [DIR]   (default /work/data-public; needs r-bioc-all, r-bioc-impute, r-bioc-biobase)
set -euo pipefail
out="${1:-/work/data-public}"
mkdir -p "$out"
Rscript --vanilla - "$out" <<'R'
out <- commandArgs(trailingOnly = TRUE)[1]
suppressMessages({ library(ALL); library(Biobase); library(impute) })
write_table <- function(x, samples, labels, features, file) {
  frame <- data.frame(sample = samples, label = labels, t(x), check.names = FALSE)
  colnames(frame) <- c("sample", "label", features)
  write.csv(frame, file.path(out, file), row.names = FALSE, na = "")
}
data(ALL)
write_table(exprs(ALL), sampleNames(ALL), substr(as.character(ALL$BT), 1, 1), featureNames(ALL), "all-leukaemia.csv")
data(khanmiss)
labels <- as.character(unlist(khanmiss[1, -(1:2)]))
values <- apply(as.matrix(khanmiss[-1, -(1:2)]), 2, function(v) as.numeric(as.character(v)))
# Genes are named GENE<row>; the package lost a few names (NA), which get theirs back from the row number.
genes <- as.character(khanmiss[-1, 1])
genes[is.na(genes)] <- paste0("GENE", which(is.na(genes)))
write_table(values, colnames(khanmiss)[-(1:2)], labels, genes, "khan-missing.csv")
R
ls -l "$out"
