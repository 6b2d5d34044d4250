// The yearly report's print button: shown only when this script runs, since it needs it.
const button = document.getElementById("print-report");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
