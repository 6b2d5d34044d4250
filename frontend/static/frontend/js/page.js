// What every live page shares around its one socket: the connection line (#connection), the
// notice bar (#notice), the live region (#live), and a `send` that says when it cannot.
// The visitor's desk, the counsellor's desk and the rooms' two pages each add their frames.
/* global gettext */
import { show } from "./dom.js";
import { LiveRegion, NoticeBar } from "./notices.js";
import { RealtimeSocket, statusText } from "./socket.js";

/**
 * @param {HTMLElement} root the page's element (its data attributes configure the socket)
 * @param {{hello: () => object, frames: Object<string, Function>,
 *          onStatus?: (status: string, code?: number) => void,
 *          closedText?: (code: number) => string | null, focusNotices?: boolean}} options
 *   closedText: the page's own words for a final close with that code (null: the common ones)
 */
export function startRealtimePage(root, { hello, frames, onStatus = () => {},
                                          closedText = () => null, focusNotices = false }) {
  const connection = document.getElementById("connection");
  const live = new LiveRegion(document.getElementById("live"));
  live.listen(root);
  const page = {
    connected: false,
    live,
    notices: new NoticeBar(document.getElementById("notice"), { focus: focusNotices }),
    socket: null,
    /** Send a frame; when the socket is down, say so in the notice bar and return false. */
    send(frame) {
      if (page.socket.send(frame)) return true;
      page.notices.set(gettext("You are not connected at the moment. Please wait for the connection to come back."));
      return false;
    },
  };
  page.socket = new RealtimeSocket(root, {
    hello,
    frames,
    onStatus(status, code) {
      page.connected = status === "open";
      root.dataset.connection = status;
      connection.textContent = (status === "closed" && closedText(code)) || statusText(status);
      show(connection, !page.connected);
      onStatus(status, code);
    },
  });
  return page;
}
