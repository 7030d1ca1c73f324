// The composer's "Add an image" button: uploads the chosen file and inserts
// ![alt](url) into the text at the cursor. No inline script (CSP): loaded as a file.
(function () {
  if (window.koinonImageUpload) return; // loaded again by an HTMX swap
  window.koinonImageUpload = true;

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var prefix = before && !/\n$/.test(before) ? "\n" : "";
    textarea.value = before + prefix + text + "\n" + after;
    var cursor = (before + prefix + text + "\n").length;
    textarea.setSelectionRange(cursor, cursor);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function upload(picker) {
    var file = picker.files && picker.files[0];
    if (!file) return;
    var box = picker.closest(".image-upload");
    var status = box.querySelector(".image-upload-status");
    var textarea = document.getElementById(box.dataset.target);
    var body = new FormData();
    body.append("file", file);
    status.textContent = box.dataset.busy;
    fetch(box.dataset.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(picker.form) },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (result.ok) {
          insertAtCursor(textarea, result.data.markdown);
          status.textContent = box.dataset.done;
        } else {
          status.textContent = result.data.detail || box.dataset.failed;
        }
      })
      .catch(function () {
        status.textContent = box.dataset.failed;
      })
      .finally(function () {
        picker.value = "";
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(".image-upload input[type=file]")) {
      upload(event.target);
    }
  });
})();
