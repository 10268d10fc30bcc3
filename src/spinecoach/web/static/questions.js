// Read answers from a rendered questionnaire (templates/_questions.html).
export function collectAnswers(root) {
  const answers = {};
  const missing = [];
  for (const q of root.querySelectorAll(".question")) {
    const id = q.dataset.id;
    q.classList.remove("missing");
    if (q.dataset.kind === "yes_no") {
      const checked = q.querySelector("input:checked");
      if (!checked) { missing.push(q); continue; }
      answers[id] = checked.value === "yes";
    } else if (q.dataset.kind === "number") {
      const value = q.querySelector("input").value;
      if (value === "") missing.push(q);
      else answers[id] = Number(value);
    } else {
      const value = q.querySelector("select").value;
      if (value) answers[id] = value;
      else missing.push(q);
    }
  }
  missing.forEach((q) => q.classList.add("missing"));
  return { answers, missing };
}
