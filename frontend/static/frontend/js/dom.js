// Building DOM inertly: text is always set with textContent, never parsed as HTML.

/** Create an element; string children become text nodes, attributes are set one by one. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SAFE_SCHEME = /^https?:\/\//i;

/** A fragment rebuilt from the server's sanitised html, defensively: only text and http(s)
 * links survive, whatever the string holds. The server already sanitised it with bleach; this
 * is the second lock, so a bug there never becomes script here. */
export function safeFragment(html) {
  const fragment = document.createDocumentFragment();
  // A document made by DOMParser is inert: no script runs, no image loads while we read it.
  const parsed = new DOMParser().parseFromString(String(html ?? ""), "text/html");
  const walk = (source, target) => {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.tagName.toLowerCase();
        const href = tag === "a" ? (node.getAttribute("href") || "").trim() : "";
        if (tag === "a" && SAFE_SCHEME.test(href)) {
          // dir isolates the address from the text around it: it reads as it goes.
          const link = el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank",
                                 dir: "ltr" });
          link.textContent = node.textContent;
          target.append(link);
        } else if (tag === "br") {
          target.append(document.createTextNode("\n"));
        } else if (tag !== "script" && tag !== "style" && tag !== "template") {
          walk(node, target);
        }
      }
    }
  };
  walk(parsed.body, fragment);
  return fragment;
}

// What chat/visible.py counts as showing nothing: separators, controls, format characters
// (zero-width ones, bidi controls, tags) and the letters and marks that draw nothing.
const BLANK = new RegExp(
  "^[\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u061c\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f" +
  "\\u205f-\\u2064\\u2066-\\u206f\\u3000\\ufeff\\ufff9-\\ufffb\\u{13430}-\\u{1343f}" +
  "\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0001}\\u{e0020}-\\u{e007f}" +
  "\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180d\\u180f\\u2800\\u3164\\ufe00-\\ufe0f\\uffa0" +
  "\\u{e0100}-\\u{e01ef}]*$", "u");

/** True when a text would show nothing: the server refuses it (`empty_message`). */
export function isBlank(text) {
  return BLANK.test(String(text ?? ""));
}

/** The plain text of the server's html (for the saved copy and the live region). */
export function textOf(html) {
  const holder = document.createElement("div");
  holder.append(safeFragment(html));
  return holder.textContent;
}

export function show(node, visible) {
  if (node) node.hidden = !visible;
}

/** A random id for a message we send, echoed back by the server as its acknowledgement. */
export function clientId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return String(Date.now()) + "-" + String(Math.random()).slice(2);
}

/** Make `list`'s children one element per item, in order, each kept across calls by its key:
 * a list rebuilt whole would take the keyboard focus off the button someone is on.
 * `build(item)` makes an item's element once; `update(element, item)` brings it up to date. */
export function syncList(list, items, keyOf, build, update) {
  const known = new Map();
  for (const child of list.children) {
    if (child.dataset.key !== undefined) known.set(child.dataset.key, child);
  }
  const wanted = items.map((item) => {
    const key = String(keyOf(item));
    let node = known.get(key);
    if (node) known.delete(key);
    else {
      node = build(item);
      node.dataset.key = key;
    }
    update(node, item);
    return node;
  });
  for (const stale of known.values()) stale.remove();
  wanted.forEach((node, index) => {
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
  });
}
