// Hide an exercise picture that cannot be loaded, rather than showing a broken image.

for (const img of document.querySelectorAll("img.picture")) {
  const hide = () => { img.hidden = true; };
  if (img.complete && img.naturalWidth === 0) hide();
  img.addEventListener("error", hide);
}
