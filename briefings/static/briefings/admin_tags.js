// Clicking a tag in use adds it to the comma-separated tag box, quoted if it needs it.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".existing-tag");
  if (!button) return;
  const box = document.getElementById(button.closest(".existing-tags").dataset.for);
  const name = button.dataset.tag;
  const entry = name.includes(",") ? `"${name.replaceAll('"', "")}"` : name;
  const current = box.value.trim().replace(/,$/, "");
  box.value = current ? `${current}, ${entry}` : entry;
  box.focus();
});
