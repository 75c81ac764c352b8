// Draws the page again from the server, in place: after a form is accepted, and on a live event
// that changes what the page shows. Cairn's pages are drawn on the server and only their
// interactive parts ("islands") run in the browser, so the new page is fetched as HTML, the
// app's content is swapped for it, and the new islands are hydrated. What the person is doing
// survives: the field they are in keeps its focus, and what they typed or chose but did not
// send yet stays in its field. When several redraws cross, only the newest is applied.
(() => {
  let latest = 0;

  // Fields whose value the person changed since the page was drawn, by id.
  function typedFields(root) {
    const typed = new Map();
    for (const field of root.querySelectorAll("input[id], textarea[id], select[id]")) {
      const changed =
        field instanceof HTMLSelectElement
          ? [...field.options].some((option) => option.selected !== option.defaultSelected)
          : field.type === "checkbox" || field.type === "radio"
            ? field.checked !== field.defaultChecked
            : field.value !== field.defaultValue;
      if (changed && field.type !== "hidden") typed.set(field.id, field);
    }
    return typed;
  }

  // Puts what was typed back into the new page's fields, and tells the fields' islands as the
  // person's own typing would (`input`, `change`): an island that keeps state from its fields
  // (the competencies chosen for a new project) holds the same choice again.
  function restore(typed, root) {
    for (const [id, old] of typed) {
      const field = root.querySelector(`#${CSS.escape(id)}`);
      if (!field || field.tagName !== old.tagName || field.type !== old.type) continue;
      // The new page drew it as the person left it (what they ticked was saved): nothing to
      // put back, and nothing to tell.
      if (old.type === "file") {
        // A file chosen and not sent yet: the same files (a script may not set a file input's
        // value, only its files).
        field.files = old.files;
      } else if (old instanceof HTMLSelectElement) {
        if (field.value === old.value) continue;
        field.value = old.value;
      } else if (old.type === "checkbox" || old.type === "radio") {
        if (field.checked === old.checked) continue;
        field.checked = old.checked;
      } else {
        if (field.value === old.value) continue;
        field.value = old.value;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  window.cairnRedraw = async () => {
    const mine = ++latest;
    let html;
    try {
      const response = await fetch(window.location.href, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      if (!response.ok || response.redirected) return;
      html = await response.text();
    } catch {
      return;
    }
    if (mine !== latest) return;
    const next = new DOMParser().parseFromString(html, "text/html");
    const app = document.querySelector(".app");
    const nextApp = next.querySelector(".app");
    if (!app || !nextApp) return;
    const typed = typedFields(app);
    const focused = document.activeElement?.id;
    const { scrollX, scrollY } = window;
    app.replaceChildren(...nextApp.childNodes);
    if (next.title) document.title = next.title;
    // What the head says about the page (its time zone, which dates drawn in the browser use).
    for (const meta of next.head.querySelectorAll("meta[name]")) {
      const mine = document.head.querySelector(`meta[name="${CSS.escape(meta.name)}"]`);
      if (mine) mine.content = meta.content;
    }
    for (const island of app.querySelectorAll("leptos-island")) {
      if (!island.$$hydrated) {
        island.$$hydrated = true;
        window.__hydrateIsland?.(island, island.dataset.component);
      }
    }
    // The islands run now (each hydrates as it is called): they hear what was typed.
    restore(typed, app);
    window.scrollTo(scrollX, scrollY);
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
  };
})();
