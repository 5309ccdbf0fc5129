// Stability of feature selection: how alike the panels chosen on different training sets are.

function checkPanels(panels: ArrayLike<ArrayLike<number>>, what: string): Array<Set<number>> {
  if (panels.length < 2) throw new RangeError(`${what}: needs at least two panels; got ${panels.length}`);
  return Array.from(panels, (p) => new Set(Array.from(p)));
}

function intersection(a: Set<number>, b: Set<number>): number {
  let r = 0;
  for (const v of a) if (b.has(v)) r++;
  return r;
}

/**
 * Kuncheva's consistency index (Kuncheva 2007), averaged over every pair of panels: for two panels of k features
 * out of d sharing r, (r·d − k²) / (k·(d − k)); 0 is the expected value of random panels, 1 identical ones. Every
 * panel must hold k distinct features, 0 < k < d (at k = d the index is undefined).
 */
export function kunchevaIndex(panels: ArrayLike<ArrayLike<number>>, d: number): number {
  const sets = checkPanels(panels, "kunchevaIndex");
  const k = sets[0].size;
  if (!sets.every((s, i) => s.size === k && panels[i].length === k))
    throw new RangeError("kunchevaIndex: every panel must hold the same number of distinct features");
  if (!(k > 0 && k < d)) throw new RangeError(`kunchevaIndex: the panel size must be in 1..d−1; got ${k} of ${d}`);
  let sum = 0,
    pairs = 0;
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      sum += (intersection(sets[a], sets[b]) * d - k * k) / (k * (d - k));
      pairs++;
    }
  }
  return sum / pairs;
}

/** The Jaccard index |A ∩ B| / |A ∪ B| averaged over every pair of panels (1 when both are empty). */
export function meanJaccard(panels: ArrayLike<ArrayLike<number>>): number {
  const sets = checkPanels(panels, "meanJaccard");
  let sum = 0,
    pairs = 0;
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const r = intersection(sets[a], sets[b]);
      const union = sets[a].size + sets[b].size - r;
      sum += union ? r / union : 1;
      pairs++;
    }
  }
  return sum / pairs;
}
