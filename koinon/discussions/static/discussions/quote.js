// "Quote": puts the post (or the part of it you selected) into the reply box as a
// Markdown quote with a link to the post, without reloading the page. Without
// JavaScript the link still works: the server fills the reply box (?quote=<id>).
(function () {
  if (window.koinonQuote) return;
  window.koinonQuote = true;

  function selectedTextIn(element) {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.isCollapsed) return "";
    if (!element.contains(selection.anchorNode) || !element.contains(selection.focusNode)) return "";
    return String(selection);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.quote-link") : null;
    var textarea = document.querySelector("#reply-form textarea");
    if (!link || !textarea) return;
    var body = link.closest("article").querySelector(".post-body");
    if (!body) return;
    event.preventDefault();
    var text = (selectedTextIn(body) || body.innerText).trim().slice(0, 2000);
    var author = (link.dataset.author || "").replace(/[\[\]]/g, "");
    var lines = text.split("\n").map(function (line) {
      return ("> " + line).replace(/\s+$/, "");
    });
    lines.push("> — [" + author + "](" + link.dataset.url + ")", "", "");
    var quote = lines.join("\n");
    var before = textarea.value;
    textarea.value = before + (before && !/\n\n$/.test(before) ? "\n\n" : "") + quote;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    textarea.scrollIntoView({ block: "center" });
  });
})();
