// Text placed in the platform's server-rendered HTML and SVG: the five markup characters as
// numeric references, so a district name or an error text can never open a tag. Pure.
export const escapeMarkup = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
