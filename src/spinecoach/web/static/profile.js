// Your details: PUT /api/profile; the report reads them.
import { api, showError } from "./api.js";

const form = document.getElementById("profile-form");
const error = document.getElementById("profile-error");
const saved = document.getElementById("profile-saved");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  saved.hidden = true;
  const value = (name) => form.elements[name].value.trim() || null;
  if (!value("display_name")) {
    showError(error, "Please give the name your physiotherapist knows you by.");
    form.elements.display_name.focus();
    return;
  }
  try {
    await api("/api/profile", { method: "PUT", body: {
      display_name: value("display_name"), clinician_name: value("clinician_name"),
      clinician_email: value("clinician_email") } });
    showError(error, "");
    saved.hidden = false;
  } catch (err) {
    showError(error, err.message);
  }
});
