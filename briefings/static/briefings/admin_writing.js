// The writing screen's helpers; the form works without them. The body's length and
// preview come from the server, rendered as the page will render them, and so do the
// tags a save will make (briefings/admin.py: body_preview_view, tags_typed_view).
// The admin loads this in <head>, so it waits for the page.
document.addEventListener("DOMContentLoaded", () => {
  const helpers = document.getElementById("writing-helpers");
  const form = helpers && helpers.closest("form");
  if (!form) return;
  const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const later = (action, delay) => {
    let timer;
    return () => { clearTimeout(timer); timer = setTimeout(action, delay); };
  };
  const element = (tag, attributes = {}, text = "") => {
    const made = Object.assign(document.createElement(tag), attributes);
    made.textContent = text;
    return made;
  };

  // Length, reading time and a preview of the body.
  const body = form.querySelector("#id_body");
  if (body) {
    const stats = element("p", { className: "writing-stats", role: "status" });
    const toggle = element("button", { type: "button", className: "button" }, "Show preview");
    const preview = element("div", { className: "writing-preview", hidden: true });
    preview.setAttribute("aria-label", "Preview of the body");
    (body.closest(".flex-container") || body).after(stats, toggle, preview);
    const refresh = async () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("body", body.value);
      const response = await fetch(helpers.dataset.previewUrl, { method: "POST", body: data });
      if (!response.ok) return;
      const { html, words, minutes } = await response.json();
      stats.textContent = `${words} words · ${minutes} min read`;
      preview.innerHTML = html; // rendered and sanitised by the server
    };
    body.addEventListener("input", later(refresh, 500));
    toggle.addEventListener("click", () => {
      preview.hidden = !preview.hidden;
      toggle.textContent = preview.hidden ? "Show preview" : "Hide preview";
    });
    refresh();
  }

  // The tags a save will make, and suggestions for the one being typed.
  const tags = form.querySelector("#id_tags");
  if (tags) {
    const outcome = element("p", { className: "tags-outcome", role: "status" });
    const suggestions = element("ul", { className: "tag-suggestions" });
    suggestions.setAttribute("aria-label", "Existing tags that match");
    tags.after(outcome, suggestions);
    const quoted = (name) => (/[,"]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name);
    const choose = (name) => {
      const typed = tags.value.split(",");
      typed[typed.length - 1] = ` ${quoted(name)}`;
      tags.value = `${typed.join(",").replace(/^ /, "")}, `;
      tags.focus();
      tags.dispatchEvent(new Event("input"));
    };
    const refresh = async () => {
      const url = `${helpers.dataset.tagsUrl}?typed=${encodeURIComponent(tags.value)}`;
      const response = await fetch(url);
      if (!response.ok) return;
      const { will_save: willSave, suggestions: names } = await response.json();
      outcome.textContent = willSave.length
        ? `Will be saved as: ${willSave.map((tag) => (tag.new ? `${tag.name} (new)` : tag.name)).join(" · ")}`
        : "";
      suggestions.replaceChildren(...names.map((name) => {
        const item = element("li");
        const button = element("button", { type: "button", className: "existing-tag" }, name);
        button.addEventListener("click", () => choose(name));
        item.append(button);
        return item;
      }));
    };
    tags.addEventListener("input", later(refresh, 250));
    refresh();
  }

  // A warning before leaving with unsaved changes.
  let changed = false;
  let saving = false;
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("submit", () => { saving = true; });
  addEventListener("beforeunload", (event) => {
    if (changed && !saving) event.preventDefault();
  });
});
