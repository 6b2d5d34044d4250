// <vc-composer>: the box a person writes a message in. It wraps the page's own form and
// textarea (their ids, labels and limits stay in the template):
//
//   <vc-composer><form class="message-form">... <textarea> ... <button type=submit></form></vc-composer>
//
// Enter sends and Shift+Enter makes a new line; a message that shows nothing is not sent (the
// server would refuse it, `empty_message`). It knows nothing of sockets; it dispatches
//   vc-send    detail {text, clientId}: cancel it (preventDefault) to keep the draft
//   vc-typing  detail {active}: the typing notices, timed by typing.js
import { clientId, isBlank } from "./dom.js";
import { TypingNotice } from "./typing.js";

class Composer extends HTMLElement {
  constructor() {
    super();
    this.typing = new TypingNotice((active) => this.dispatchEvent(
      new CustomEvent("vc-typing", { bubbles: true, detail: { active } })));
    this.wired = false;
  }

  get form() {
    return this.querySelector("form");
  }

  get textarea() {
    return this.querySelector("textarea");
  }

  connectedCallback() {
    if (this.wired) return; // moved in the page: its listeners are still there
    this.wired = true;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.textarea.addEventListener("input", () => this.typing.input());
  }

  disconnectedCallback() {
    this.typing.cancel();
  }

  submit() {
    const text = this.textarea.value.trim();
    if (isBlank(text)) return;
    const send = new CustomEvent("vc-send", {
      bubbles: true, cancelable: true, detail: { text, clientId: clientId() } });
    if (!this.dispatchEvent(send)) return;
    this.textarea.value = "";
    this.typing.stop();
    this.textarea.focus();
  }
}
customElements.define("vc-composer", Composer);
