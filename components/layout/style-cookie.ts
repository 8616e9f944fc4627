/** The cookie that keeps an admin's choice of the Settings Query Hook's alternative stylesheet (DAE keeps it in localStorage). */
export const STYLE_COOKIE = "delegate-style";
export const ALTERNATIVE_STYLE = "alternative";
