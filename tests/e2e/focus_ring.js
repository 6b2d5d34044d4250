// One tab stop, measured (tests/e2e/focus_ring.py): the focused element's label and what is
// wrong with its focus ring; null once the focus left the page or came back round to a stop
// already seen. Evaluated by Playwright as a function of {minContrast, minWidth}.
({ minContrast, minWidth }) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__tabStops = window.__tabStops || new WeakSet();  // kept off the DOM
  if (window.__tabStops.has(el)) return null;  // round the page and back: every stop seen
  window.__tabStops.add(el);
  const rgba = (text) => {
    const m = (text || "").match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  let background = { r: 255, g: 255, b: 255, a: 1 };
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour && colour.a > 0.5) { background = colour; break; }
  }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const classes = typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\s+/).join(".") : "";
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  const label = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes}`
    + ` "${text.replace(/\s+/g, " ").slice(0, 40)}"`;
  const width = style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
  // A translucent colour is seen blended over the background; a transparent one not at all.
  const seen = (colour) => (!colour || colour.a === 0 ? null : {
    r: colour.a * colour.r + (1 - colour.a) * background.r,
    g: colour.a * colour.g + (1 - colour.a) * background.g,
    b: colour.a * colour.b + (1 - colour.a) * background.b,
  });
  const ring = seen(rgba(style.outlineColor));
  // The halo: a box-shadow drawn as a solid band (no offset, no blur), not a drop shadow.
  const band = style.boxShadow.match(/(rgba?\([^)]+\)) 0px 0px 0px ([\d.]+)px/);
  const halo = band && parseFloat(band[2]) >= minWidth ? seen(rgba(band[1])) : null;
  const best = Math.max(ring ? contrast(ring, background) : 0,
                        halo ? contrast(halo, background) : 0);
  const problems = [];
  if (rect.width === 0 || rect.height === 0) problems.push("is not visible");
  if (width < minWidth) {
    problems.push(`has no ring (outline: ${style.outlineStyle} ${style.outlineWidth})`);
  } else if (!ring || best < minContrast) {
    problems.push(`ring contrast ${best.toFixed(2)}:1`);
  } else if (halo && contrast(ring, halo) < minContrast) {
    problems.push(`ring and halo contrast ${contrast(ring, halo).toFixed(2)}:1`);
  }
  return { label, problems };
}
