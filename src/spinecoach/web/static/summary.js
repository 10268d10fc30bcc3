// Show the advice of the after-session check-in and any dose changes (kept by checkin.js).
import { escapeHtml } from "./api.js";

const box = document.getElementById("summary-notes");
const key = `spinecoach-summary-${location.pathname.split("/").pop()}`;
const kept = JSON.parse(sessionStorage.getItem(key) || "{}");
const notes = kept.notes || [];
if (notes.length) {
  if (kept.tone) box.classList.add(kept.tone);  // green "ok", red "stop"; amber is the default
  box.innerHTML = notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("");
  box.hidden = false;
}
