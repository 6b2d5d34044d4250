// The one websocket of every page: hello first, a ping every few seconds, and reconnection with
// backoff after a drop, so a network blip or a server's restart costs the user nothing but a
// short status line. How long to wait and when to give up are reconnect.js's; when a silent
// socket is dead is decided here; both tested by tests/js/.
import { backoffDelay, isFinalClose, restartDelay } from "./reconnect.js";
import { CLOSE_CODES } from "./wire.js";

/** True when a socket that has heard nothing since `lastFrameAt` is to be taken for dead: a
 * half-open socket after a network change never reports its own death. */
export function isStale(now, lastFrameAt, staleMs) {
  return now - lastFrameAt > staleMs;
}

export class RealtimeSocket {
  /**
   * @param {HTMLElement} root the page's element; its data attributes, rendered by the server
   *   from chat/limits.py, give the route (`wsPath`), the ping interval (`heartbeatMs`) and the
   *   silence after which the socket is deemed dead (`staleMs`)
   * @param {{hello: () => object, frames: Object<string, (frame: object) => void>,
   *          onStatus: (status: string, code?: number) => void}} handlers
   *   `frames` handles each frame by its type (others are ignored, as the protocol asks);
   *   status is "connecting", "open", "reconnecting" or "closed" (final).
   */
  constructor(root, handlers) {
    this.path = root.dataset.wsPath;
    this.heartbeatMs = Number(root.dataset.heartbeatMs);
    this.staleMs = Number(root.dataset.staleMs);
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.timers = { heartbeat: null, retry: null };
    this.lastFrameAt = 0;
    window.addEventListener("online", () => this.reconnectNow());
  }

  get url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    // The page's language, so the server's error messages and pole names match it.
    const lang = encodeURIComponent(document.documentElement.lang || "fr");
    return scheme + "//" + window.location.host + this.path + "?lang=" + lang;
  }

  connect() {
    if (this.stopped) return;
    this.handlers.onStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.lastFrameAt = Date.now();
      ws.send(JSON.stringify(this.handlers.hello()));
      this.handlers.onStatus("open");
      this.startHeartbeat();
    });
    ws.addEventListener("message", (event) => {
      this.lastFrameAt = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return; // the server only sends JSON; ignore anything else rather than crash
      }
      const frames = this.handlers.frames;
      if (frame && typeof frame.type === "string" && Object.hasOwn(frames, frame.type)) {
        frames[frame.type](frame);
      }
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (isFinalClose(event.code)) {
        this.stopped = true;
        this.handlers.onStatus("closed", event.code);
        return;
      }
      if (event.code === CLOSE_CODES.SERVICE_RESTART) {
        this.scheduleRetry(restartDelay());
        return;
      }
      this.scheduleRetry();
    });
    // "error" is always followed by "close", where the retry happens.
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  get isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  /** Try again after `delay` ms (by default the backoff of the attempts made so far). */
  scheduleRetry(delay = backoffDelay(this.attempt)) {
    if (this.stopped) return;
    this.handlers.onStatus("reconnecting");
    this.attempt += 1;
    window.clearTimeout(this.timers.retry);
    this.timers.retry = window.setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || this.isOpen) return;
    window.clearTimeout(this.timers.retry);
    this.attempt = 0;
    if (this.ws) this.ws.close();
    else this.connect();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.timers.heartbeat = window.setInterval(() => {
      if (this.ws && isStale(Date.now(), this.lastFrameAt, this.staleMs)) {
        const ws = this.ws;
        this.ws = null;
        ws.close();
        this.stopHeartbeat();
        this.scheduleRetry();
        return;
      }
      this.send({ type: "ping" });
    }, this.heartbeatMs);
  }

  stopHeartbeat() {
    window.clearInterval(this.timers.heartbeat);
    this.timers.heartbeat = null;
  }
}

/** A short, translated line for the connection status element. */
export function statusText(status) {
  /* global gettext */
  switch (status) {
    case "connecting": return gettext("Connecting…");
    case "reconnecting": return gettext("Connection lost. Reconnecting…");
    case "closed": return gettext("The connection was closed. Reload the page to try again.");
    default: return "";
  }
}
