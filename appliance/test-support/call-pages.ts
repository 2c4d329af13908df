// Browser steps shared by the call tests: a citizen reporting from a phone page, an officer
// answering on the console, and counting the frames a <video> decodes.
import type { Page } from 'playwright-core'
import { newPage, newPhonePage, type TestBrowser } from './browser.ts'
import type { TestBox } from './test-box.ts'

/** Counts decoded frames of a <video> for a while (requestVideoFrameCallback fires per new frame). */
export const framesDecoded = (page: Page, selector: string, ms = 1500) =>
  page.evaluate(async ([sel, ms]) => {
    const v = document.querySelector(sel as string) as HTMLVideoElement
    let n = 0
    const tick = () => { n++; v.requestVideoFrameCallback(tick) }
    v.requestVideoFrameCallback(tick)
    await new Promise((r) => setTimeout(r, ms as number))
    return { frames: n, width: v.videoWidth, height: v.videoHeight }
  }, [selector, ms] as const)

/** Polls until the <video> decodes at least `min` frames in a 1.5 s window (a rebuilt call needs a moment). */
export async function waitForFrames(page: Page, selector: string, min = 5, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const seen = await framesDecoded(page, selector).catch(() => ({ frames: 0, width: 0, height: 0 }))
    if (seen.frames >= min || Date.now() > until) return seen
  }
}

/** A citizen reports from a phone page at `baseUrl` (the box's, or a proxy's) and waits in the queue; `watch` sees the page before it loads. */
export async function reportFromPhone(browser: TestBrowser, baseUrl: string, phoneNo = '13800138000', watch: (page: Page) => void = () => {}) {
  const phone = await newPhonePage(browser)
  watch(phone)
  await phone.goto(`${baseUrl}/report`)
  await phone.fill('#phone', phoneNo)
  await phone.click('#report')
  await phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('等待民警接听'), undefined, { timeout: 30_000 })
  await phone.waitForSelector('#self', { timeout: 30_000 }) // joined the call and publishing
  const caseId = /#case=([0-9a-f-]{36})&/.exec(phone.url())![1]!
  return { phone, caseId }
}

/** An officer logs in on the console and answers the case; the case panel opens, the media may still be on its way. */
export async function acceptOnConsole(browser: TestBrowser, box: TestBox, username: string, caseId: string, watch: (page: Page) => void = () => {}) {
  const page = await newPage(browser)
  watch(page)
  await page.goto(`${box.url}/console`)
  await page.fill('#username', username)
  await page.fill('#password', box.accounts[username]!.password)
  await page.click('#login')
  await page.click(`button.accept[data-case="${caseId}"]`)
  return page
}

/** An officer logs in on the console, answers the case and sees the citizen's video. */
export async function answerOnConsole(browser: TestBrowser, box: TestBox, username: string, caseId: string, watch: (page: Page) => void = () => {}) {
  const console_ = await acceptOnConsole(browser, box, username, caseId, watch)
  await console_.waitForFunction(() => (document.querySelector('#citizen-video') as HTMLVideoElement | null)?.videoWidth! > 0, undefined, { timeout: 30_000 })
  return console_
}
