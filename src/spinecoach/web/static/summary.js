// Show the advice of the after-session check-in and any dose changes (kept by checkin.js).
import { escapeHtml } from "./api.js";

const box = document.getElementById("summary-notes");
const key = `spinecoach-summary-${location.pathname.split("/").pop()}`;
const notes = JSON.parse(sessionStorage.getItem(key) || "[]");
if (notes.length) {
  box.innerHTML = notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("");
  box.hidden = false;
}
