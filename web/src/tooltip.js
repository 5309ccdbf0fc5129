// @ts-check
// One tooltip for the elements that are not Plot charts (the heat-map canvases, the feature lists): it follows the
// pointer and shows what `describe` says of the point under it (nothing when it returns null).

/** @param {HTMLElement} tip @param {Element} element @param {(event: PointerEvent) => string | null} describe */
export function attachTip(tip, element, describe) {
  const hide = () => (tip.hidden = true);
  element.addEventListener("pointermove", (/** @type {PointerEvent} */ event) => {
    const text = describe(event);
    if (text === null) return hide();
    tip.textContent = text;
    tip.hidden = false;
    // Beside the pointer, kept inside the window.
    const { innerWidth, innerHeight } = window;
    const { width, height } = tip.getBoundingClientRect();
    tip.style.left = `${Math.min(event.clientX + 14, innerWidth - width - 4)}px`;
    tip.style.top = `${Math.min(event.clientY + 14, innerHeight - height - 4)}px`;
  });
  element.addEventListener("pointerleave", hide);
}
