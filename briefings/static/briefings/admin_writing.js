// The writing screen's helpers; the form works without them. The body's length and
// the page preview come from the server, counted and rendered as the page will be, and
// so do the tags a save will make (briefings/admin/endpoints.py).
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

  // Length and reading time of the body.
  const body = form.querySelector("#id_body");
  if (body) {
    const stats = element("p", { className: "writing-stats", role: "status" });
    (body.closest(".flex-container") || body).after(stats);
    const refresh = async () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("body", body.value);
      const response = await fetch(helpers.dataset.lengthUrl, { method: "POST", body: data });
      if (!response.ok) return;
      const { words, minutes } = await response.json();
      stats.textContent = `${words} words · ${minutes} min read`;
    };
    body.addEventListener("input", later(refresh, 500));
    refresh();
  }

  // The page as readers will see it, from the form as it is now: the form is posted
  // into the preview's frame, the one page the admin lets itself frame.
  const preview = document.getElementById("page-preview");
  if (preview) {
    preview.hidden = false;
    document.getElementById("page-preview-button").addEventListener("click", () => {
      const [action, target] = [form.getAttribute("action"), form.target];
      form.setAttribute("action", preview.dataset.url);
      form.target = "page-preview";
      form.submit(); // no submit event: nothing is saved, the page is not left
      if (action === null) form.removeAttribute("action"); else form.setAttribute("action", action);
      form.target = target;
    });
  }

  // Library images, found by title or alt text, put in the text on a line of their own.
  const picker = document.getElementById("library-picker");
  if (picker && body) {
    const search = picker.querySelector(".library-search");
    const query = picker.querySelector("#library-q");
    const results = picker.querySelector(".library-results");
    search.hidden = false;
    const insert = (markdown) => {
      const at = body.selectionEnd ?? body.value.length;
      const before = body.value.slice(0, at).replace(/\n*$/, "");
      const after = body.value.slice(at).replace(/^\n*/, "");
      body.value = `${before}${before ? "\n\n" : ""}${markdown}\n\n${after}`;
      body.focus();
      body.dispatchEvent(new Event("input", { bubbles: true }));
    };
    const find = async () => {
      const response = await fetch(`${helpers.dataset.libraryUrl}?q=${encodeURIComponent(query.value)}`);
      if (!response.ok) return;
      const { images } = await response.json();
      results.replaceChildren(...images.map((image) => {
        const item = element("li");
        const button = element("button", { type: "button", className: "library-choice" });
        if (image.thumbnail) button.append(element("img", { src: image.thumbnail, alt: "" }));
        button.append(element("span", {}, `${image.title} — ${image.alt}`));
        button.addEventListener("click", () => insert(image.markdown));
        item.append(button);
        return item;
      }));
    };
    query.addEventListener("input", later(find, 250));
    picker.addEventListener("toggle", () => { if (picker.open) find(); });
  }

  // Ctrl-S or ⌘-S takes the screen's first action: Save draft, Save or Update.
  const firstAction = form.querySelector("button[name=_action]");
  addEventListener("keydown", (event) => {
    if (firstAction && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      firstAction.click();
    }
  });

  // What is typed is kept in this browser until the form shows it saved, so that a
  // crash or a closed tab loses nothing: on coming back, it offers to put it back.
  const kept = ["title", "standfirst", "body", "tags"].map((name) => form.querySelector(`#id_${name}`)).filter(Boolean);
  const key = `briefings:unsaved:${location.pathname}`;
  const typed = () => Object.fromEntries(kept.map((field) => [field.name, field.value]));
  const same = (a, b) => kept.every((field) => a[field.name] === b[field.name]);
  let stored = null;
  try { stored = JSON.parse(localStorage.getItem(key)); } catch { stored = null; }
  if (stored && same(stored.fields, typed())) {
    localStorage.removeItem(key); // what was kept is what the form holds: saved
  } else if (stored && stored.fields) {
    const offer = element("p", { className: "unsaved-offer", role: "status" },
      `Text typed here on ${new Date(stored.at).toLocaleString()} was not saved. `);
    const restore = element("button", { type: "button", className: "button" }, "Put it back");
    const discard = element("button", { type: "button", className: "button" }, "Discard it");
    offer.append(restore, " ", discard);
    helpers.after(offer);
    restore.addEventListener("click", () => {
      for (const field of kept) {
        field.value = stored.fields[field.name];
        // As if typed: counted, kept, and the address filled from the title.
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
      offer.remove();
    });
    discard.addEventListener("click", () => { localStorage.removeItem(key); offer.remove(); });
  }
  const keep = later(() => {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: typed() }));
    } catch {
      // Storage full or refused: the warning before leaving still stands.
    }
  }, 1000);
  for (const field of kept) field.addEventListener("input", keep);

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
        ? `Will be saved as: ${willSave.map((tag) => {
          if (tag.new) return `${tag.name} (new)`;
          return tag.typed.toLowerCase() === tag.name.toLowerCase() ? tag.name : `${tag.typed} → ${tag.name}`;
        }).join(" · ")}`
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
