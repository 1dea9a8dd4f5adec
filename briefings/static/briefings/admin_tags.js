// Clicking a tag in use adds it to the comma-separated tag box, quoted if it needs it.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".existing-tag");
  if (!button) return;
  const box = document.getElementById(button.closest(".existing-tags").dataset.for);
  const name = button.dataset.tag;
  // Commas separate tags; a name that holds one is quoted, as briefings/text.py reads it.
  const entry = /[,"]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name;
  const current = box.value.trim().replace(/,$/, "");
  box.value = current ? `${current}, ${entry}` : entry;
  box.focus();
});
