// WebAuthn for Asylon's second factor: registration on the security page, assertion on the
// verification and re-authentication pages. The server gives the options as JSON (base64url
// for binary fields) and checks the answer, posted with the form in a hidden field.
(function () {
  "use strict";
  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function options(url, form) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(form) },
    }).then(function (r) {
      if (!r.ok) throw new Error("options " + r.status);
      return r.json();
    });
  }
  function fail(button, err) {
    var msg = button.getAttribute("data-webauthn-error") || "WebAuthn failed";
    var p = document.createElement("p");
    p.className = "banner error";
    p.setAttribute("role", "alert");
    p.textContent = msg;
    button.parentNode.insertBefore(p, button.nextSibling);
    if (window.console) console.warn(err);
  }
  document.querySelectorAll("[data-webauthn-register]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = button.closest("form");
      options(button.getAttribute("data-webauthn-register"), form)
        .then(function (o) {
          o.challenge = toBytes(o.challenge);
          o.user.id = toBytes(o.user.id);
          (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
          return navigator.credentials.create({ publicKey: o });
        })
        .then(function (cred) {
          var r = cred.response;
          form.querySelector("input[name=credential]").value = JSON.stringify({
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            response: {
              clientDataJSON: toB64url(r.clientDataJSON),
              attestationObject: toB64url(r.attestationObject),
              transports: r.getTransports ? r.getTransports() : [],
            },
            clientExtensionResults: cred.getClientExtensionResults(),
          });
          form.submit();
        })
        .catch(function (err) { fail(button, err); });
    });
  });
  document.querySelectorAll("[data-webauthn-authenticate]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = button.closest("form");
      if (!form.reportValidity()) return;  // the password first, on the re-authentication page
      options(button.getAttribute("data-webauthn-authenticate"), form)
        .then(function (o) {
          o.challenge = toBytes(o.challenge);
          (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
          return navigator.credentials.get({ publicKey: o });
        })
        .then(function (cred) {
          var r = cred.response;
          form.querySelector("input[name=assertion]").value = JSON.stringify({
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            response: {
              clientDataJSON: toB64url(r.clientDataJSON),
              authenticatorData: toB64url(r.authenticatorData),
              signature: toB64url(r.signature),
              userHandle: r.userHandle ? toB64url(r.userHandle) : null,
            },
            clientExtensionResults: cred.getClientExtensionResults(),
          });
          form.submit();
        })
        .catch(function (err) { fail(button, err); });
    });
  });
})();
