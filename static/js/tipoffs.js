/* hazardtrack — the tip-off form's self-hosted challenge (no third-party service).
 *
 * Proof of work: find a counter such that SHA-256("<nonce>:<counter>") begins with `bits`
 * zero bits, and put it in the hidden challenge_proof field; the server checks it with one
 * hash. Then the arithmetic question (the no-JavaScript fallback) is hidden. SHA-256 is
 * computed here in plain JavaScript (crypto.subtle exists only on HTTPS pages), in slices so
 * the page stays responsive. Without this file the question stays and works on its own.
 */
(function () {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var W = new Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  /* SHA-256 of an ASCII string; returns the eight 32-bit words of the digest. */
  function sha256(text) {
    var bytes = [], i, j;
    for (i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
    var bitLength = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (i = 7; i >= 0; i--) bytes.push(i >= 4 ? 0 : (bitLength >>> (i * 8)) & 0xff);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (var block = 0; block < bytes.length; block += 64) {
      for (i = 0; i < 16; i++) {
        j = block + i * 4;
        W[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        var s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h;
  }

  function leadingZeroBits(words) {
    var bits = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i] >>> 0;
      if (w === 0) { bits += 32; continue; }
      return bits + Math.clz32(w);
    }
    return bits;
  }

  function solve(nonce, bits, done) {
    var counter = 0;
    function slice() {
      var until = counter + 4000;
      for (; counter < until; counter++) {
        if (leadingZeroBits(sha256(nonce + ":" + counter)) >= bits) { done(String(counter)); return; }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var box = document.querySelector("[data-challenge]");
    if (!box || typeof Math.clz32 !== "function") return;
    var form = box.closest("form");
    var proof = form.querySelector("[name=challenge_proof]");
    var question = box.querySelector("[data-challenge-question]");
    var status = box.querySelector("[data-challenge-status]");
    var answer = form.querySelector("[name=challenge_answer]");
    var solved = false, waiting = false;
    var hasError = box.classList.contains("has-error");

    status.textContent = box.dataset.workingText;
    var startedAt = Date.now();
    solve(box.dataset.nonce, parseInt(box.dataset.bits, 10) || 0, function (counter) {
      proof.value = counter;
      box.dataset.solvedMs = String(Date.now() - startedAt);  // for measurements
      solved = true;
      status.textContent = box.dataset.solvedText;
      if (!hasError) question.hidden = true;
      box.classList.add("solved");
      if (waiting) form.submit();
    });

    // Submitted before the work is done and without an answer: wait for it, then submit.
    form.addEventListener("submit", function (event) {
      if (solved || (answer && answer.value.trim())) return;
      event.preventDefault();
      waiting = true;
      status.textContent = box.dataset.workingText;
    });
  });
})();
