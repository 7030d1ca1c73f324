// Let HTMX swap 4xx answers: they carry a message for the person (a refused role change,
// an already decided request), rendered in the same row as a success would be.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status >= 400 && status < 500) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
