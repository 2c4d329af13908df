// Citizens' links. The case token travels in the fragment, so it never reaches a server log. Pure.
export const progressLink = (baseUrl: string, caseId: string, token: string) => `${baseUrl}/progress#case=${caseId}&token=${token}`
export const verifyLink = (baseUrl: string, documentId: string) => `${baseUrl}/verify/${documentId}`

/** A sent message's text without the link's token: the bearer secret is not kept once delivered. */
export const redactTokens = (text: string) => text.replace(/([#&]token=)[A-Za-z0-9_-]+/g, '$1…')
