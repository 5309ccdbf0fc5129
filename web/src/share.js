// @ts-check
// The page's settings (never its data) in the address's hash, so that a link reproduces a configuration:
// #source=synthetic&samples=300&…&projection=bilevel-l1inf&radius=auto&epochs=30,30&folds=4&seeds=5&hidden=100.
// A value read from a link is untrusted: it is taken only where its control accepts it (the control's own checks).

/** The controls a link carries, by the name it uses; `epochs` is the two epoch fields. */
const FIELDS = ["projection", "radius", "folds", "seeds", "hidden"];
const SYNTHETIC = ["samples", "features", "informative"];
const SOURCES = ["builtin", "synthetic", "file"];

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

/** The hash for the settings shown now. */
export function settingsHash() {
  const source = /** @type {HTMLInputElement} */ (document.querySelector('input[name="source"]:checked')).value;
  const params = new URLSearchParams({ source });
  if (source === "synthetic") for (const id of SYNTHETIC) params.set(id, $(id).value);
  for (const id of FIELDS) params.set(id, $(id).value);
  params.set("epochs", `${$("epochs1").value},${$("epochs2").value}`);
  return `#${params}`;
}

/** What the radius field takes: auto, or a number greater than 0 (the page's own check when training). */
const RADIUS = /^(?:auto|\d+(?:\.\d*)?(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)$/i;

/** Sets `id` to `value` if its control accepts it; returns whether it did. */
function setControl(id, value) {
  const control = $(id);
  const before = control.value;
  control.value = value;
  const accepted =
    control instanceof HTMLSelectElement
      ? control.value === value
      : control.checkValidity() &&
        (control.type !== "range" || control.value === value) &&
        (id !== "radius" || (RADIUS.test(value) && (value.toLowerCase() === "auto" || Number(value) > 0)));
  if (!accepted) control.value = before;
  return accepted;
}

/**
 * Applies the settings of `hash` to the controls (before the page loads any data); returns the names refused, for
 * the page to say so.
 */
export function applyHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const refused = [];
  const source = params.get("source");
  if (source !== null) {
    if (SOURCES.includes(source))
      /** @type {HTMLInputElement} */ (document.querySelector(`input[name="source"][value="${source}"]`)).checked =
        true;
    else refused.push("source");
  }
  for (const id of [...SYNTHETIC, ...FIELDS]) {
    const value = params.get(id);
    if (value === null) continue;
    if (!setControl(id, value)) refused.push(id);
    else if (SYNTHETIC.includes(id)) $(`${id}-value`).textContent = value;
  }
  const epochs = params.get("epochs");
  if (epochs !== null) {
    const [first, second = first] = epochs.split(",");
    if (!(setControl("epochs1", first) && setControl("epochs2", second))) refused.push("epochs");
  }
  return refused;
}
