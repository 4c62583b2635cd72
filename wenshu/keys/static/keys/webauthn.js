// WebAuthn browser glue for login keys: registration at the digital office and the login step.
// No inline script (CSP): the page marks a section with data-options-url / data-verify-url.
(function () {
  "use strict";

  function b64urlToBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function bufferToB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken(section) {
    var input = section.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(section, message, isError) {
    var error = section.querySelector("#webauthn-error");
    var status = section.querySelector("#webauthn-status");
    if (isError) {
      error.textContent = message;
      error.hidden = false;
      status.textContent = "";
    } else {
      error.hidden = true;
      status.textContent = message;
    }
  }

  function postJSON(section, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(section) },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.message || "操作未成功（" + response.status + "），请重试。");
          failure.payload = data;
          throw failure;
        }
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var out = { type: item.type, id: b64urlToBuffer(item.id) };
      if (item.transports) { out.transports = item.transports; }
      return out;
    });
  }

  function creationOptions(options) {
    options.challenge = b64urlToBuffer(options.challenge);
    options.user.id = b64urlToBuffer(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = b64urlToBuffer(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return options;
  }

  function attestationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: bufferToB64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: {
        clientDataJSON: bufferToB64url(response.clientDataJSON),
        attestationObject: bufferToB64url(response.attestationObject),
        transports: typeof response.getTransports === "function" ? response.getTransports() : []
      }
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: bufferToB64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: {
        clientDataJSON: bufferToB64url(response.clientDataJSON),
        authenticatorData: bufferToB64url(response.authenticatorData),
        signature: bufferToB64url(response.signature),
        userHandle: response.userHandle ? bufferToB64url(response.userHandle) : null
      }
    };
  }

  function browserMessage(error) {
    if (error && error.name === "NotAllowedError") { return "操作已取消或超时，请重试。"; }
    if (error && error.name === "InvalidStateError") { return "该安全密钥已经登记过，请换一个新的密钥。"; }
    if (error && error.name === "SecurityError") { return "浏览器拒绝了请求：请使用本系统的正式地址访问。"; }
    return (error && error.message) || "操作未成功，请重试。";
  }

  function supported(section) {
    if (window.PublicKeyCredential && navigator.credentials) { return true; }
    show(section, "本浏览器不支持安全密钥（WebAuthn），请换用新版浏览器。", true);
    return false;
  }

  function failed(section, button, error) {
    button.disabled = false;
    show(section, browserMessage(error), true);
    if (error && error.payload && error.payload.restart && error.payload.redirect) {
      setTimeout(function () { window.location.assign(error.payload.redirect); }, 2500);
    }
  }

  function register(section, button) {
    if (!supported(section)) { return; }
    var serial = section.querySelector("input[name=serial]");
    button.disabled = true;
    show(section, "请使用人触摸安全密钥……", false);
    postJSON(section, section.dataset.optionsUrl)
      .then(function (options) { return navigator.credentials.create({ publicKey: creationOptions(options) }); })
      .then(function (credential) {
        show(section, "正在验证……", false);
        return postJSON(section, section.dataset.verifyUrl, {
          credential: attestationJSON(credential), serial: serial ? serial.value : ""
        });
      })
      .then(function (result) { window.location.assign(result.redirect); })
      .catch(function (error) { failed(section, button, error); });
  }

  function login(section, button) {
    if (!supported(section)) { return; }
    button.disabled = true;
    show(section, "请触摸您的安全密钥……", false);
    postJSON(section, section.dataset.optionsUrl)
      .then(function (options) { return navigator.credentials.get({ publicKey: requestOptions(options) }); })
      .then(function (credential) {
        show(section, "正在验证……", false);
        return postJSON(section, section.dataset.verifyUrl, { credential: assertionJSON(credential) });
      })
      .then(function (result) { window.location.assign(result.redirect); })
      .catch(function (error) { failed(section, button, error); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var reg = document.getElementById("webauthn-register");
    var regButton = document.getElementById("webauthn-register-start");
    if (reg && regButton) {
      regButton.addEventListener("click", function () { register(reg, regButton); });
      // Enter in the serial field starts the ceremony instead of reloading the page.
      regButton.form.addEventListener("submit", function (event) { event.preventDefault(); register(reg, regButton); });
    }
    var log = document.getElementById("webauthn-login");
    var logButton = document.getElementById("webauthn-login-start");
    if (log && logButton) { logButton.addEventListener("click", function () { login(log, logButton); }); }
  });
})();
