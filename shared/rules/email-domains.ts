// Kept lists for the derived `emailType` trait: the common providers, not every one there is.

/** Free mailbox providers: an address there says nothing about an employer. */
export const FREE_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.co.jp",
  "ymail.com", "rocketmail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de",
  "hotmail.it", "outlook.com", "outlook.fr", "live.com", "msn.com", "aol.com", "icloud.com", "me.com",
  "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de",
  "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com",
  "naver.com", "daum.net", "seznam.cz", "wp.pl", "libero.it", "orange.fr", "free.fr", "laposte.net",
  "t-online.de", "tutanota.com", "fastmail.com", "hey.com", "rediffmail.com",
]);

/** Throwaway mailbox services: an address there is not a real contact. */
export const DISPOSABLE_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "mailinator.com", "guerrillamail.com", "guerrillamail.net", "guerrillamail.org", "sharklasers.com",
  "grr.la", "10minutemail.com", "10minutemail.net", "temp-mail.org", "tempmail.com", "tempmail.net",
  "tempmailo.com", "throwawaymail.com", "yopmail.com", "yopmail.fr", "yopmail.net", "trashmail.com",
  "trashmail.de", "getnada.com", "nada.email", "dispostable.com", "maildrop.cc", "mailnesia.com",
  "mintemail.com", "mohmal.com", "mytemp.email", "emailondeck.com", "fakeinbox.com", "spamgourmet.com",
  "spam4.me", "mailcatch.com", "tempr.email", "discard.email", "burnermail.io", "33mail.com",
  "moakt.com", "tmpmail.org", "emailfake.com", "getairmail.com", "jetable.org", "mailpoof.com",
  "inboxkitten.com", "harakirimail.com", "1secmail.com", "tempinbox.com",
]);
