/* Starts Swagger UI from the JSON settings block; writes from the docs page send the CSRF token. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  settings.requestInterceptor = function (request) {
    if (csrfToken && !request.headers.Authorization) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
