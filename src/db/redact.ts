/**
 * The one redaction of secrets in text that may be printed: a message, a driver's error, a URL. One
 * pass over the text (linear time whatever it holds), so a megabyte of hostile name cannot stall it.
 */

/** Characters a URL scheme is made of (RFC 3986), read backwards from `://`. */
const SCHEME_CHAR = /[A-Za-z0-9+.-]/u;

/** Where a URL's authority ends: its path, query or fragment, or the end of the word it stands in. */
const AUTHORITY_END = /[/?#\s"'`<>]/u;

/** `password=…` as a URL query parameter or a libpq keyword (`password=… host=…`). */
const PASSWORD_PARAMETER = /((?:^|[?&;\s])(?:password|sslpassword)=)[^&;\s#]*/giu;

const HIDDEN = '***';

/**
 * Replaces every password in `text` with `***`: the authority's (`user:secret@host`, a raw `@` in the
 * secret included: the authority's last `@` ends it) and `password=` parameters.
 */
export function redactSecrets(text: string): string {
  return redactParameters(redactAuthorities(text));
}

function redactAuthorities(text: string): string {
  let out = '';
  let copied = 0;
  let scanned = 0;
  for (;;) {
    const marker = text.indexOf('://', scanned);
    if (marker < 0) break;
    // Each character is looked at a bounded number of times: back to the last URL, on to the next.
    let schemeStart = marker;
    while (schemeStart > scanned && SCHEME_CHAR.test(text.charAt(schemeStart - 1))) schemeStart -= 1;
    const authorityStart = marker + 3;
    let end = authorityStart;
    let colon = -1;
    let at = -1;
    for (; end < text.length && !AUTHORITY_END.test(text.charAt(end)); end += 1) {
      const char = text.charAt(end);
      if (char === '@') at = end;
      else if (char === ':' && colon < 0 && at < 0) colon = end;
    }
    scanned = Math.max(end, authorityStart);
    if (schemeStart === marker || at < 0 || colon < 0) continue;
    out += text.slice(copied, colon + 1) + HIDDEN;
    copied = at;
  }
  return out + text.slice(copied);
}

function redactParameters(text: string): string {
  return text.replace(PASSWORD_PARAMETER, `$1${HIDDEN}`);
}
